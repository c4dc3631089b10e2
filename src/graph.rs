//! The money and participation graph: who funds whom, who pays whom to take part, and who
//! sits at which partnership's table, as one directed [`petgraph`] graph, with
//! exporters for Graphviz ([`to_dot`]), yEd and Gephi ([`to_graphml`]), Gephi ([`to_gexf`])
//! and anything that reads JSON ([`to_json`]).
//!
//! # Nodes
//! - every organisation in the dataset (id, name, sector);
//! - one node per partnership (`partnership:ID`);
//! - aggregate nodes for people, never one node per person: `individuals:ORG` holds the people
//!   an organisation funds by grant or pays directly (one node per funder or payer), and
//!   `individuals:community` the community members who attend as themselves. Person
//!   identifiers never reach the graph: the loader has already replaced them by opaque keys,
//!   and no key is written either.
//!
//! Node identifiers never collide: organisation identifiers are upper case, and the
//! `partnership:` and `individuals:` prefixes are lower case.
//!
//! # Edges (typed and weighted; at most one edge per source, target and kind)
//! - **grant**, funder → recipient: `amount` = Σ grants awarded in the window, `grants` = how
//!   many; `active_annual` = Σ annual value of the pair's grants awarded on or before as_of and
//!   active at as_of (SPEC.md "Grant period"), `active_grants` = how many. A pair with an active
//!   grant but none in the window keeps its edge, with amount 0.
//! - **payment**, payer → payee, for payments dated in the window: `amount`, `payments`. A
//!   payment to a person goes to the person's organisation when every attendance row of that
//!   person names the same one organisation; to `individuals:community` when every row has no
//!   organisation (a community member); otherwise (no attendance, or more than one
//!   organisation) to the payer's `individuals:ORG` node.
//! - **attendance**, organisation (or `individuals:community`) → partnership, for meetings in
//!   the window: `rows` (any status), `attended`, `hours` attended (the row's hours, else the
//!   meeting's duration), and `paid_hours` / `unpaid_hours` under SPEC.md "Participation
//!   resourcing": a row is resourced when the attendee's organisation is statutory (salaried
//!   time), or a payment other than `expenses` names the person or their organisation and names
//!   the meeting or has a period covering its date. Without payments.csv payment is unknown and
//!   both are absent (null), as SPEC.md asks.
//! - **fundholder**, fundholder → its partnership: membership, weight 1.
//!
//! An edge's `weight` is its amount in pounds (grant, payment), its hours (attendance), or 1
//! (fundholder).
//!
//! # Questions
//! [`MoneyGraph::funders_of`], [`MoneyGraph::recipients_of`], [`MoneyGraph::intermediaries`]
//! (SPEC.md "Regranting / pass-through": pass_through = given ÷ received in the window, `None`
//! when nothing was received), [`MoneyGraph::all_awards`] and
//! [`MoneyGraph::money_from_original_funders`] (totals never double-count regranted money, so
//! both are reported), and [`MoneyGraph::clusters`] (connected components of the grant network,
//! ignoring direction). [`MoneyGraph::new_money`] is a tighter reading of the same rule:
//! each intermediary's giving beyond what it received counts as new money.
//!
//! Edge cases: an empty dataset gives an empty graph and empty answers. A grant from an
//! organisation to itself is kept as a self-loop but makes it neither a recipient nor an
//! intermediary. An intermediary that also gives money of its own is still a recipient, so
//! "from original funders" counts none of its grants: that total is the money that entered
//! the area from funders who received nothing in the window.
//!
//! # Order and determinism
//! Nodes are added in identifier order and edges in (source id, target id, kind) order, so
//! every export of the same input is byte-identical. Money figures are rounded to pence and
//! hours to hundredths on export.
//!
//! # Complexity
//! Building is O(G + P + A + M + (V + E) log V) for G grants, P payments, A attendance rows, M
//! meetings, V nodes and E edges; checking whether an attendance row is resourced scans the
//! payments naming that person or organisation. Each question is O(V + E) or better (clusters
//! use a union-find, near-linear); each export is O(V + E) in time and output size.

use crate::config::Parameters;
use crate::measures::keys::FastMap;
use crate::measures::participation::{PaymentIndex, Seat};
use crate::measures::{Context, Window};
use crate::model::{Dataset, Meeting, OrgId, Payee, Pence, PersonKey, Recipient, Sector};
use chrono::NaiveDate;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Node id of the community members who attend as themselves.
const COMMUNITY: &str = "individuals:community";

/// Fill colours: the Okabe–Ito palette, distinguishable with the common colour-vision
/// deficiencies (Okabe & Ito 2008, "Color Universal Design").
pub mod colour {
    /// Statutory bodies: blue.
    pub const STATUTORY: &str = "#0072B2";
    /// VCSE organisations: bluish green.
    pub const VCSE: &str = "#009E73";
    /// Private companies: orange.
    pub const PRIVATE: &str = "#E69F00";
    /// Individuals: reddish purple.
    pub const INDIVIDUAL: &str = "#CC79A7";
    /// Sector unknown: grey.
    pub const UNKNOWN: &str = "#999999";
    /// Partnerships: yellow.
    pub const PARTNERSHIP: &str = "#F0E442";
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// An organisation of the dataset.
    Organisation,
    /// People, aggregated: those one organisation funds or pays, or community members.
    Individuals,
    /// A partnership.
    Partnership,
}

impl NodeKind {
    /// The lower-case name used in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Organisation => "organisation",
            NodeKind::Individuals => "individuals",
            NodeKind::Partnership => "partnership",
        }
    }
}

/// One node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Unique identifier: the org id, `partnership:ID`, `individuals:ORG` or
    /// `individuals:community`.
    pub id: String,
    /// Name for people.
    pub label: String,
    /// What the node stands for.
    pub kind: NodeKind,
    /// Sector of an organisation (`individual` for aggregate people); `None` for partnerships.
    pub sector: Option<Sector>,
    /// The organisation, for organisation nodes.
    #[serde(skip)]
    pub org: Option<OrgId>,
}

impl Node {
    /// Fill colour from the Okabe–Ito palette (see [`colour`]).
    pub fn colour(&self) -> &'static str {
        match (self.kind, self.sector) {
            (NodeKind::Partnership, _) => colour::PARTNERSHIP,
            (_, Some(s)) => sector_colour(s),
            (_, None) => colour::UNKNOWN,
        }
    }
}

/// The fill colour of a sector.
pub fn sector_colour(s: Sector) -> &'static str {
    match s {
        Sector::Statutory => colour::STATUTORY,
        Sector::Vcse => colour::VCSE,
        Sector::Private => colour::PRIVATE,
        Sector::Individual => colour::INDIVIDUAL,
        Sector::Unknown => colour::UNKNOWN,
    }
}

/// What an edge stands for; also the tie-break in edge order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// Grants from funder to recipient.
    Grant,
    /// Participation payments from payer to payee.
    Payment,
    /// Attendance at a partnership's meetings.
    Attendance,
    /// The fundholder's membership of its partnership.
    Fundholder,
}

impl EdgeKind {
    /// The lower-case name used in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Grant => "grant",
            EdgeKind::Payment => "payment",
            EdgeKind::Attendance => "attendance",
            EdgeKind::Fundholder => "fundholder",
        }
    }
}

/// Grants from one funder to one recipient.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GrantFlow {
    /// Σ amount of grants awarded in the window.
    pub amount: Pence,
    /// Grants awarded in the window.
    pub grants: usize,
    /// Σ annual value (pounds) of grants awarded on or before as_of and active at as_of.
    pub active_annual: f64,
    /// How many grants are active.
    pub active_grants: usize,
}

/// Payments from one payer to one payee.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PaymentFlow {
    /// Σ amount of payments dated in the window.
    pub amount: Pence,
    /// How many payments.
    pub payments: usize,
}

/// One organisation's attendance at one partnership's meetings in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Participation {
    /// Attendance rows, any status.
    pub rows: usize,
    /// Rows with status `attended`.
    pub attended: usize,
    /// Hours attended.
    pub hours: f64,
    /// Hours attended that were resourced; `None` without payments.csv.
    pub paid_hours: Option<f64>,
    /// Hours attended that were not; `None` without payments.csv.
    pub unpaid_hours: Option<f64>,
}

/// One edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Edge {
    /// Grants.
    Grant(GrantFlow),
    /// Participation payments.
    Payment(PaymentFlow),
    /// Attendance.
    Attendance(Participation),
    /// Fundholder membership.
    Fundholder,
}

impl Edge {
    /// What the edge stands for.
    pub fn kind(&self) -> EdgeKind {
        match self {
            Edge::Grant(_) => EdgeKind::Grant,
            Edge::Payment(_) => EdgeKind::Payment,
            Edge::Attendance(_) => EdgeKind::Attendance,
            Edge::Fundholder => EdgeKind::Fundholder,
        }
    }

    /// Pounds for grants and payments, hours for attendance, 1 for fundholder membership.
    pub fn weight(&self) -> f64 {
        match self {
            Edge::Grant(f) => f.amount.pounds(),
            Edge::Payment(f) => f.amount.pounds(),
            Edge::Attendance(p) => p.hours,
            Edge::Fundholder => 1.0,
        }
    }

    /// Every figure of the edge, rounded for export (pence, hundredths of an hour); the
    /// figures that do not apply to its kind are `None`.
    pub fn figures(&self) -> EdgeFigures {
        let n = |x: usize| Some(x as u64);
        match self {
            Edge::Grant(f) => EdgeFigures {
                amount: Some(f.amount.pounds()),
                grants: n(f.grants),
                active_annual: Some(round2(f.active_annual)),
                active_grants: n(f.active_grants),
                ..EdgeFigures::default()
            },
            Edge::Payment(f) => EdgeFigures {
                amount: Some(f.amount.pounds()),
                payments: n(f.payments),
                ..EdgeFigures::default()
            },
            Edge::Attendance(p) => EdgeFigures {
                rows: n(p.rows),
                attended: n(p.attended),
                hours: Some(round2(p.hours)),
                paid_hours: p.paid_hours.map(round2),
                unpaid_hours: p.unpaid_hours.map(round2),
                ..EdgeFigures::default()
            },
            Edge::Fundholder => EdgeFigures::default(),
        }
    }
}

/// An edge's figures in one flat shape, as every exporter writes them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct EdgeFigures {
    /// Pounds (grant, payment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// Grants in the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<u64>,
    /// Annual value of active grants, pounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_annual: Option<f64>,
    /// Active grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_grants: Option<u64>,
    /// Payments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payments: Option<u64>,
    /// Attendance rows, any status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// Attended rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attended: Option<u64>,
    /// Hours attended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    /// Resourced hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_hours: Option<f64>,
    /// Unresourced hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpaid_hours: Option<f64>,
}

/// A number as exported: an integer count or a real figure.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(u64),
    Real(f64),
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Num::Int(n) => write!(f, "{n}"),
            // Rust prints the shortest text that reads back as the same f64, never in
            // exponent form: deterministic and readable by every tool here. Adding +0.0
            // turns a rounded -0.0 into 0.
            Num::Real(x) => write!(f, "{}", x + 0.0),
        }
    }
}

/// Whether an attribute is a count or a real figure (for typed declarations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumType {
    Int,
    Real,
}

/// Edge figures in export order, with their types; [`EdgeFigures::fields`] follows it.
const EDGE_FIELDS: [(&str, NumType); 10] = [
    ("amount", NumType::Real),
    ("grants", NumType::Int),
    ("active_annual", NumType::Real),
    ("active_grants", NumType::Int),
    ("payments", NumType::Int),
    ("rows", NumType::Int),
    ("attended", NumType::Int),
    ("hours", NumType::Real),
    ("paid_hours", NumType::Real),
    ("unpaid_hours", NumType::Real),
];

impl EdgeFigures {
    /// (name, value) in [`EDGE_FIELDS`] order.
    fn fields(&self) -> [(&'static str, Option<Num>); 10] {
        let i = |v: Option<u64>| v.map(Num::Int);
        let r = |v: Option<f64>| v.map(Num::Real);
        [
            ("amount", r(self.amount)),
            ("grants", i(self.grants)),
            ("active_annual", r(self.active_annual)),
            ("active_grants", i(self.active_grants)),
            ("payments", i(self.payments)),
            ("rows", i(self.rows)),
            ("attended", i(self.attended)),
            ("hours", r(self.hours)),
            ("paid_hours", r(self.paid_hours)),
            ("unpaid_hours", r(self.unpaid_hours)),
        ]
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Grants between the graph's node and one counterparty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counterparty {
    /// Node id of the counterparty (an org id, or `individuals:ORG` for people funded).
    pub id: String,
    /// Its name.
    pub label: String,
    /// Σ amount in the window.
    pub amount: Pence,
    /// Grants in the window.
    pub grants: usize,
    /// Annual value of active grants, pounds.
    pub active_annual: f64,
}

/// An organisation that both receives and gives grants in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Intermediary {
    /// The organisation.
    pub id: OrgId,
    /// Its name.
    pub name: String,
    /// Σ grants received in the window (from others).
    pub received: Pence,
    /// Σ grants given in the window (to others, individuals included).
    pub given: Pence,
    /// given ÷ received; `None` when nothing was received (zero-amount grants only).
    pub pass_through: Option<f64>,
}

/// (Σ amount, grants) for each node, by node index.
type PerNode = Vec<(Pence, usize)>;

/// The money and participation graph of one dataset at one point in time.
#[derive(Debug, Clone)]
pub struct MoneyGraph {
    graph: DiGraph<Node, Edge>,
    index: BTreeMap<String, NodeIndex>,
    /// The point in time for active grants.
    pub as_of: NaiveDate,
    /// The window for grants, payments and meetings.
    pub window: Window,
    /// `--public`: exports disclosure-control counts of attendance rows (SPEC.md "Output";
    /// [`crate::report::public`]): below 8 left out, others rounded to the nearest 5.
    pub public: bool,
}

/// Builds the graph of `ctx.data` for `ctx.window` and `ctx.as_of` (see the module docs);
/// `params.statutory_time_is_paid` decides whether statutory attendance counts as paid, as
/// it does for the participation measures (both use [`Seat`]).
pub fn build(ctx: &Context<'_>, params: &Parameters) -> MoneyGraph {
    let data = ctx.data;
    let mut b = Builder {
        data,
        nodes: Vec::new(),
        slots: FastMap::default(),
        individuals: FastMap::default(),
    };
    for id in data.organisations.keys() {
        b.org(id);
    }
    for p in &data.partnerships {
        b.partnership(&p.id, &p.name);
    }

    // Edges are aggregated by (source slot, target slot): no identifier is copied or
    // compared per row. Slots are put in identifier order once, at the end.
    let mut grants: FastMap<(u32, u32), GrantFlow> = FastMap::default();
    for i in ctx.grants_in_window() {
        let g = &data.grants[i];
        let f = grants
            .entry(b.grant_pair(&g.funder, &g.recipient))
            .or_default();
        f.amount += g.amount;
        f.grants += 1;
    }
    for i in ctx.active_grants() {
        let g = &data.grants[i];
        let f = grants
            .entry(b.grant_pair(&g.funder, &g.recipient))
            .or_default();
        f.active_annual += ctx.periods[i].annual_value;
        f.active_grants += 1;
    }

    // Where each person belongs, from every attendance row they have (any status).
    let mut homes: FastMap<PersonKey, BTreeSet<Option<&OrgId>>> = FastMap::default();
    for a in &data.attendance {
        homes.entry(a.person).or_default().insert(a.org.as_ref());
    }
    let mut payments: FastMap<(u32, u32), PaymentFlow> = FastMap::default();
    for p in data.payments.iter().flatten() {
        if !ctx.window.contains(p.date) {
            continue;
        }
        let payer = b.org(&p.payer);
        let payee = match &p.payee {
            Payee::Org(o) => b.org(o),
            Payee::Person(k) => match homes
                .get(k)
                .filter(|s| s.len() == 1)
                .and_then(|s| s.first())
            {
                Some(Some(o)) => b.org(o),
                Some(None) => b.community(),
                None => b.individuals_of(&p.payer),
            },
        };
        let f = payments.entry((payer, payee)).or_default();
        f.amount += p.amount;
        f.payments += 1;
    }

    let payment_index = PaymentIndex::new(data.payments.as_deref());
    // Each meeting's partnership slot, found at its first row, not once per row; each row's
    // meeting and sector come from the context's attendance keys.
    let mut slots: Vec<Option<u32>> = vec![None; data.meetings.len()];
    let mut attendance: FastMap<(u32, u32), Participation> = FastMap::default();
    for (r, a) in data.attendance.iter().enumerate() {
        let Some(mi) = ctx.attendance.meeting[r] else {
            continue;
        };
        let m: &Meeting = &data.meetings[mi as usize];
        if !ctx.window.contains(m.date) {
            continue;
        }
        let to = *slots[mi as usize]
            .get_or_insert_with(|| b.partnership(&m.partnership, &m.partnership));
        let from = match &a.org {
            Some(o) => b.org(o),
            None => b.community(),
        };
        let e = attendance.entry((from, to)).or_default();
        let seat = Seat::with_sector(ctx.attendance.sector[r], &payment_index, params, m, a);
        if e.rows == 0 {
            // An edge's rows share one organisation, so whether the split can be known is
            // settled by its first row: payments.csv given, or salaried statutory time.
            let known = payment_index.is_known()
                || (seat.sector == Sector::Statutory && params.statutory_time_is_paid);
            e.paid_hours = known.then_some(0.0);
            e.unpaid_hours = known.then_some(0.0);
        }
        e.rows += 1;
        if seat.attended() {
            let hours = seat.hours();
            e.attended += 1;
            e.hours += hours;
            match seat.resourced {
                Some(true) => e.paid_hours = e.paid_hours.map(|h| h + hours),
                Some(false) => e.unpaid_hours = e.unpaid_hours.map(|h| h + hours),
                // One row whose payment is unknown makes the edge's split unknown.
                None => {
                    e.paid_hours = None;
                    e.unpaid_hours = None;
                }
            }
        }
    }

    let mut edges: Vec<(u32, u32, Edge)> = Vec::new();
    for p in &data.partnerships {
        let from = b.org(&p.fundholder);
        let to = b.partnership(&p.id, &p.name);
        edges.push((from, to, Edge::Fundholder));
    }
    edges.extend(grants.into_iter().map(|((s, t), f)| (s, t, Edge::Grant(f))));
    edges.extend(
        payments
            .into_iter()
            .map(|((s, t), f)| (s, t, Edge::Payment(f))),
    );
    edges.extend(
        attendance
            .into_iter()
            .map(|((s, t), p)| (s, t, Edge::Attendance(p))),
    );

    // Node ids are unique, so ordering slots by rank orders them by id.
    let mut order: Vec<u32> = (0..b.nodes.len() as u32).collect();
    order.sort_unstable_by(|&x, &y| b.nodes[x as usize].id.cmp(&b.nodes[y as usize].id));
    let mut rank = vec![0u32; order.len()];
    for (r, &slot) in order.iter().enumerate() {
        rank[slot as usize] = r as u32;
    }
    for e in &mut edges {
        e.0 = rank[e.0 as usize];
        e.1 = rank[e.1 as usize];
    }
    edges.sort_unstable_by_key(|x| (x.0, x.1, x.2.kind()));
    // Only a repeated partnership id could repeat a key, with two identical fundholder
    // edges (they carry no figures): one is kept.
    edges.dedup_by(|x, y| (x.0, x.1, x.2.kind()) == (y.0, y.1, y.2.kind()));

    let mut graph = DiGraph::with_capacity(b.nodes.len(), edges.len());
    let mut index = BTreeMap::new();
    let mut nodes: Vec<Option<Node>> = b.nodes.into_iter().map(Some).collect();
    for &slot in &order {
        if let Some(node) = nodes[slot as usize].take() {
            let id = node.id.clone();
            index.insert(id, graph.add_node(node));
        }
    }
    for (s, t, e) in edges {
        graph.add_edge(NodeIndex::new(s as usize), NodeIndex::new(t as usize), e);
    }
    MoneyGraph {
        graph,
        index,
        as_of: ctx.as_of,
        window: ctx.window,
        public: false,
    }
}

/// Collects nodes while edges are aggregated, so that every endpoint exists. A node's slot
/// is its position in `nodes` (insertion order); `build` sorts slots by id at the end.
struct Builder<'d> {
    data: &'d Dataset,
    nodes: Vec<Node>,
    slots: FastMap<Box<str>, u32>,
    /// A funder's slot → its `individuals:ORG` slot.
    individuals: FastMap<u32, u32>,
}

impl Builder<'_> {
    fn add(&mut self, node: Node) -> u32 {
        let slot = self.nodes.len() as u32;
        self.slots.insert(node.id.as_str().into(), slot);
        self.nodes.push(node);
        slot
    }

    /// The node of an organisation, added (as sector unknown, named by its identifier) if
    /// the loader did not list it.
    fn org(&mut self, id: &OrgId) -> u32 {
        if let Some(&slot) = self.slots.get(id.as_str()) {
            return slot;
        }
        let node = Node {
            id: id.as_str().to_owned(),
            label: self.data.name_of(id),
            kind: NodeKind::Organisation,
            sector: Some(self.data.sector_of(id)),
            org: Some(id.clone()),
        };
        self.add(node)
    }

    fn partnership(&mut self, id: &str, name: &str) -> u32 {
        let key = format!("partnership:{id}");
        if let Some(&slot) = self.slots.get(key.as_str()) {
            return slot;
        }
        self.add(Node {
            id: key,
            label: name.to_owned(),
            kind: NodeKind::Partnership,
            sector: None,
            org: None,
        })
    }

    fn individuals_of(&mut self, via: &OrgId) -> u32 {
        let via_slot = self.org(via);
        if let Some(&slot) = self.individuals.get(&via_slot) {
            return slot;
        }
        let key = format!("individuals:{via}");
        let slot = match self.slots.get(key.as_str()) {
            Some(&slot) => slot,
            None => {
                let label = format!("Individuals (via {})", self.data.name_of(via));
                self.add(Node {
                    id: key,
                    label,
                    kind: NodeKind::Individuals,
                    sector: Some(Sector::Individual),
                    org: None,
                })
            }
        };
        self.individuals.insert(via_slot, slot);
        slot
    }

    fn community(&mut self) -> u32 {
        if let Some(&slot) = self.slots.get(COMMUNITY) {
            return slot;
        }
        self.add(Node {
            id: COMMUNITY.to_owned(),
            label: "Community members (attending as themselves)".to_owned(),
            kind: NodeKind::Individuals,
            sector: Some(Sector::Individual),
            org: None,
        })
    }

    fn grant_pair(&mut self, funder: &OrgId, recipient: &Recipient) -> (u32, u32) {
        let from = self.org(funder);
        let to = match recipient {
            Recipient::Org(o) => self.org(o),
            // Every person a funder supports is one aggregate node: never the person.
            Recipient::Individual(_) => self.individuals_of(funder),
        };
        (from, to)
    }
}

impl MoneyGraph {
    /// One line saying what the graph is, for the formats' description fields.
    fn description(&self) -> String {
        let mut d = format!(
            "fundflow money and participation graph; as of {}; window: {}",
            self.as_of,
            self.window_text()
        );
        if self.public {
            d.push_str("; disclosure control: ");
            d.push_str(crate::report::public::RULE);
        }
        d
    }

    /// An edge's figures as exported: [`Edge::figures`], with counts of attendance rows
    /// disclosure-controlled when [`MoneyGraph::public`] is set (a suppressed count is left
    /// out, as a figure that does not apply is).
    pub fn export_figures(&self, e: &Edge) -> EdgeFigures {
        let mut f = e.figures();
        if self.public {
            f.rows = f.rows.and_then(crate::report::public::disclose);
            f.attended = f.attended.and_then(crate::report::public::disclose);
        }
        f
    }

    /// The underlying petgraph graph, for algorithms not wrapped here. Node and edge indices
    /// follow the deterministic order described in the module docs.
    pub fn graph(&self) -> &DiGraph<Node, Edge> {
        &self.graph
    }

    /// Nodes in order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> + '_ {
        self.graph.node_weights()
    }

    /// Edges in order, as (source, target, edge).
    pub fn edges(&self) -> impl Iterator<Item = (&Node, &Node, &Edge)> + '_ {
        self.graph
            .edge_references()
            .map(|e| (&self.graph[e.source()], &self.graph[e.target()], e.weight()))
    }

    /// How many nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// How many edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The node with this identifier.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).map(|&i| &self.graph[i])
    }

    /// Grant edges as (source, target, flow), in edge order.
    fn grant_edges(&self) -> impl Iterator<Item = (NodeIndex, NodeIndex, &GrantFlow)> + '_ {
        self.graph
            .edge_references()
            .filter_map(|e| match e.weight() {
                Edge::Grant(f) => Some((e.source(), e.target(), f)),
                _ => None,
            })
    }

    fn counterparties(&self, org: &OrgId, dir: Direction) -> Vec<Counterparty> {
        let Some(&at) = self.index.get(org.as_str()) else {
            return Vec::new();
        };
        let mut out: Vec<Counterparty> = self
            .graph
            .edges_directed(at, dir)
            .filter_map(|e| {
                let Edge::Grant(f) = e.weight() else {
                    return None;
                };
                let other = &self.graph[if dir == Direction::Incoming {
                    e.source()
                } else {
                    e.target()
                }];
                Some(Counterparty {
                    id: other.id.clone(),
                    label: other.label.clone(),
                    amount: f.amount,
                    grants: f.grants,
                    active_annual: f.active_annual,
                })
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Who funds `org`: each funder with its grants to `org`, sorted by funder id. Includes
    /// a funder whose only grant to it is active but outside the window (amount 0).
    pub fn funders_of(&self, org: &OrgId) -> Vec<Counterparty> {
        self.counterparties(org, Direction::Incoming)
    }

    /// Whom `org` funds, sorted by id; people it funds are one `individuals:ORG` line.
    pub fn recipients_of(&self, org: &OrgId) -> Vec<Counterparty> {
        self.counterparties(org, Direction::Outgoing)
    }

    /// Per node: (Σ received, grants received) and (Σ given, grants given) in the window,
    /// leaving out grants from a node to itself.
    fn window_flows(&self) -> (PerNode, PerNode) {
        let n = self.graph.node_count();
        let mut received = vec![(Pence(0), 0); n];
        let mut given = vec![(Pence(0), 0); n];
        for (s, t, f) in self.grant_edges() {
            if s == t {
                continue;
            }
            received[t.index()].0 += f.amount;
            received[t.index()].1 += f.grants;
            given[s.index()].0 += f.amount;
            given[s.index()].1 += f.grants;
        }
        (received, given)
    }

    /// Organisations that both receive and give grants in the window (SPEC.md "Regranting /
    /// pass-through"), sorted by id, with pass_through = given ÷ received.
    pub fn intermediaries(&self) -> Vec<Intermediary> {
        let (received, given) = self.window_flows();
        self.graph
            .node_indices()
            .filter_map(|i| {
                let node = &self.graph[i];
                let id = node.org.clone()?;
                let ((r, rn), (g, gn)) = (received[i.index()], given[i.index()]);
                (rn > 0 && gn > 0).then(|| Intermediary {
                    id,
                    name: node.label.clone(),
                    received: r,
                    given: g,
                    pass_through: (r.0 > 0).then(|| g.0 as f64 / r.0 as f64),
                })
            })
            .collect()
    }

    /// Σ every grant awarded in the window ("all awards"): regranted money counts twice,
    /// once from the original funder and again from the intermediary.
    pub fn all_awards(&self) -> Pence {
        self.grant_edges().map(|(_, _, f)| f.amount).sum()
    }

    /// Σ grants in the window whose funder received no grant in the window ("awarded by
    /// original funders"): money entering the area once, never double-counted.
    pub fn money_from_original_funders(&self) -> Pence {
        let (received, _) = self.window_flows();
        self.grant_edges()
            .filter(|(s, _, _)| received[s.index()].1 == 0)
            .map(|(_, _, f)| f.amount)
            .sum()
    }

    /// Σ over funders of max(0, given − received) in the window, self-grants counted as
    /// given: the money that entered the grant network, every pound once. An intermediary is
    /// taken to pass on its receipts before any money of its own (the most it could pass on),
    /// so this is the largest total that can never double-count; it is never below
    /// [`MoneyGraph::money_from_original_funders`], which leaves out all of an
    /// intermediary's grants, its own money included. Knowing exactly which grants pass
    /// money on needs programme titles (SPEC.md "Partnership money").
    pub fn new_money(&self) -> Pence {
        let (received, given) = self.window_flows();
        let regranted: Pence = received.iter().zip(&given).map(|(r, g)| r.0.min(g.0)).sum();
        Pence(self.all_awards().0 - regranted.0)
    }

    /// Connected components of the grant network with direction ignored: organisations
    /// linked by any grant edge (in the window or active at as_of). Each cluster is a sorted
    /// list of org ids (aggregate individuals nodes left out); clusters are sorted by size,
    /// largest first, then by first id. Organisations with no grant edge are in no cluster.
    pub fn clusters(&self) -> Vec<Vec<OrgId>> {
        let n = self.graph.node_count();
        let mut sets = UnionFind::<usize>::new(n);
        let mut in_money = vec![false; n];
        for (s, t, _) in self.grant_edges() {
            sets.union(s.index(), t.index());
            in_money[s.index()] = true;
            in_money[t.index()] = true;
        }
        let mut by_root: BTreeMap<usize, Vec<OrgId>> = BTreeMap::new();
        for i in self.graph.node_indices() {
            if let (true, Some(org)) = (in_money[i.index()], &self.graph[i].org) {
                by_root
                    .entry(sets.find(i.index()))
                    .or_default()
                    .push(org.clone());
            }
        }
        let mut clusters: Vec<Vec<OrgId>> = by_root.into_values().collect();
        for c in &mut clusters {
            c.sort();
        }
        clusters.sort_by(|a, b| {
            b.len()
                .cmp(&a.len())
                .then_with(|| a.first().cmp(&b.first()))
        });
        clusters
    }

    fn window_text(&self) -> String {
        let d = |x: Option<NaiveDate>| x.map_or_else(|| "…".to_owned(), |d| d.to_string());
        match (self.window.from, self.window.to) {
            (None, None) => "all dates".to_owned(),
            (f, t) => format!("{} to {}", d(f), d(t)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Exporters

/// Text safe inside an XML 1.0 attribute or element: the five special characters escaped,
/// tab/newline/CR as character references (so attribute values keep them), and characters
/// XML 1.0 forbids even as references (other C0 controls, U+FFFE, U+FFFF) replaced by U+FFFD.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}' => {
                out.push(c)
            }
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// A double-quoted DOT string. Inside quotes DOT only unescapes `\"`; backslashes are then
/// read as label escapes (`\n`, `\N`, ...), so a literal backslash is written `\\`. Newlines
/// become `\n` line breaks; other control characters, which Graphviz may reject, become U+FFFD.
fn dot_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Graphviz DOT for Graphviz, Gephi and yEd (after conversion). Every id and label is quoted
/// and escaped; nodes carry `kind` and `sector` attributes and an Okabe–Ito `fillcolor`;
/// edges carry `kind`, every figure of [`Edge::figures`], and a `penwidth` scaled to the
/// edge's weight among edges of its kind. Graphviz's own `weight` attribute is left alone: it
/// is a layout hint that `dot` requires to be an integer.
pub fn to_dot(g: &MoneyGraph) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "// fundflow money and participation graph");
    let _ = writeln!(s, "// as of {}; window: {}", g.as_of, g.window_text());
    if g.public {
        let _ = writeln!(s, "// disclosure control: {}", crate::report::public::RULE);
    }
    s.push_str("digraph \"fundflow\" {\n");
    s.push_str("  graph [rankdir=\"LR\", fontname=\"Helvetica\"];\n");
    s.push_str("  node [style=\"filled\", fontname=\"Helvetica\", penwidth=\"0.5\"];\n");
    s.push_str("  edge [fontname=\"Helvetica\", arrowsize=\"0.6\"];\n");
    for n in g.nodes() {
        let shape = match n.kind {
            NodeKind::Organisation => "box",
            NodeKind::Individuals => "ellipse",
            NodeKind::Partnership => "hexagon",
        };
        // White text on the dark blue, black elsewhere, for contrast.
        let font = if n.colour() == colour::STATUTORY {
            "#FFFFFF"
        } else {
            "#000000"
        };
        let _ = write!(
            s,
            "  {} [label={}, kind={}",
            dot_quote(&n.id),
            dot_quote(&n.label),
            dot_quote(n.kind.as_str())
        );
        if let Some(sector) = n.sector {
            let _ = write!(s, ", sector={}", dot_quote(sector.as_str()));
        }
        let _ = writeln!(
            s,
            ", shape=\"{shape}\", fillcolor=\"{}\", fontcolor=\"{font}\"];",
            n.colour()
        );
    }
    let mut heaviest: BTreeMap<EdgeKind, f64> = BTreeMap::new();
    for (_, _, e) in g.edges() {
        let w = heaviest.entry(e.kind()).or_insert(0.0);
        *w = w.max(e.weight());
    }
    for (from, to, e) in g.edges() {
        let (color, style) = match e.kind() {
            EdgeKind::Grant => ("#000000", "solid"),
            EdgeKind::Payment => ("#D55E00", "dashed"),
            EdgeKind::Attendance => ("#56B4E9", "solid"),
            EdgeKind::Fundholder => ("#0072B2", "bold"),
        };
        let max = heaviest.get(&e.kind()).copied().unwrap_or(0.0);
        let pen = if max > 0.0 {
            1.0 + 4.0 * (e.weight().max(0.0) / max).sqrt()
        } else {
            1.0
        };
        let _ = write!(
            s,
            "  {} -> {} [kind={}",
            dot_quote(&from.id),
            dot_quote(&to.id),
            dot_quote(e.kind().as_str())
        );
        for (name, value) in g.export_figures(e).fields() {
            if let Some(v) = value {
                let _ = write!(s, ", {name}=\"{v}\"");
            }
        }
        let _ = writeln!(
            s,
            ", color=\"{color}\", style=\"{style}\", penwidth=\"{pen:.2}\"];"
        );
    }
    s.push_str("}\n");
    s
}

/// GraphML for yEd and Gephi. Every attribute is declared with a typed `<key>`; node ids are
/// `n0, n1, ...` (GraphML ids are XML name tokens, which org ids need not be) and the
/// identifier is the `identifier` attribute. Edge `weight` is the attribute Gephi reads as
/// the edge weight.
pub fn to_graphml(g: &MoneyGraph) -> String {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, name) in [
        ("n_identifier", "identifier"),
        ("n_label", "label"),
        ("n_kind", "kind"),
        ("n_sector", "sector"),
        ("n_color", "color"),
    ] {
        let _ = writeln!(
            s,
            "  <key id=\"{id}\" for=\"node\" attr.name=\"{name}\" attr.type=\"string\"/>"
        );
    }
    s.push_str("  <key id=\"e_kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n");
    s.push_str("  <key id=\"e_weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    for (name, ty) in EDGE_FIELDS {
        let ty = match ty {
            NumType::Int => "long",
            NumType::Real => "double",
        };
        let _ = writeln!(
            s,
            "  <key id=\"e_{name}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    s.push_str("  <graph id=\"fundflow\" edgedefault=\"directed\">\n");
    let _ = writeln!(s, "    <desc>{}</desc>", xml_escape(&g.description()));
    for (i, n) in g.nodes().enumerate() {
        let _ = writeln!(s, "    <node id=\"n{i}\">");
        let _ = writeln!(
            s,
            "      <data key=\"n_identifier\">{}</data>",
            xml_escape(&n.id)
        );
        let _ = writeln!(
            s,
            "      <data key=\"n_label\">{}</data>",
            xml_escape(&n.label)
        );
        let _ = writeln!(s, "      <data key=\"n_kind\">{}</data>", n.kind.as_str());
        if let Some(sector) = n.sector {
            let _ = writeln!(s, "      <data key=\"n_sector\">{}</data>", sector.as_str());
        }
        let _ = writeln!(s, "      <data key=\"n_color\">{}</data>", n.colour());
        s.push_str("    </node>\n");
    }
    for (i, e) in g.graph.edge_references().enumerate() {
        let w = e.weight();
        let _ = writeln!(
            s,
            "    <edge id=\"e{i}\" source=\"n{}\" target=\"n{}\">",
            e.source().index(),
            e.target().index()
        );
        let _ = writeln!(s, "      <data key=\"e_kind\">{}</data>", w.kind().as_str());
        let _ = writeln!(
            s,
            "      <data key=\"e_weight\">{}</data>",
            Num::Real(round2(w.weight()))
        );
        for (name, value) in g.export_figures(w).fields() {
            if let Some(v) = value {
                let _ = writeln!(s, "      <data key=\"e_{name}\">{v}</data>");
            }
        }
        s.push_str("    </edge>\n");
    }
    s.push_str("  </graph>\n</graphml>\n");
    s
}

/// `(r, g, b)` of a `#RRGGBB` colour.
fn rgb(hex: &str) -> (u8, u8, u8) {
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    (byte(1), byte(3), byte(5))
}

/// GEXF 1.3 for Gephi: node attributes `kind` and `sector` declared and given per node, a
/// `viz:color` per sector (Okabe–Ito), and edges with Gephi's own `weight` and `kind` (so
/// Gephi keeps a grant and an attendance edge between the same pair apart) plus every figure
/// of [`Edge::figures`] as a declared edge attribute.
pub fn to_gexf(g: &MoneyGraph) -> String {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" \
         version=\"1.3\">\n",
    );
    s.push_str("  <meta>\n    <creator>fundflow</creator>\n");
    let _ = writeln!(
        s,
        "    <description>{}</description>",
        xml_escape(&g.description())
    );
    s.push_str("  </meta>\n");
    s.push_str("  <graph mode=\"static\" defaultedgetype=\"directed\">\n");
    s.push_str("    <attributes class=\"node\">\n");
    s.push_str("      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n");
    s.push_str("      <attribute id=\"sector\" title=\"sector\" type=\"string\"/>\n");
    s.push_str("    </attributes>\n");
    s.push_str("    <attributes class=\"edge\">\n");
    for (name, ty) in EDGE_FIELDS {
        let ty = match ty {
            NumType::Int => "long",
            NumType::Real => "double",
        };
        let _ = writeln!(
            s,
            "      <attribute id=\"{name}\" title=\"{name}\" type=\"{ty}\"/>"
        );
    }
    s.push_str("    </attributes>\n");
    let _ = writeln!(s, "    <nodes count=\"{}\">", g.node_count());
    for n in g.nodes() {
        let _ = writeln!(
            s,
            "      <node id=\"{}\" label=\"{}\">",
            xml_escape(&n.id),
            xml_escape(&n.label)
        );
        s.push_str("        <attvalues>\n");
        let _ = writeln!(
            s,
            "          <attvalue for=\"kind\" value=\"{}\"/>",
            n.kind.as_str()
        );
        if let Some(sector) = n.sector {
            let _ = writeln!(
                s,
                "          <attvalue for=\"sector\" value=\"{}\"/>",
                sector.as_str()
            );
        }
        s.push_str("        </attvalues>\n");
        let (r, gr, b) = rgb(n.colour());
        let _ = writeln!(s, "        <viz:color r=\"{r}\" g=\"{gr}\" b=\"{b}\"/>");
        s.push_str("      </node>\n");
    }
    s.push_str("    </nodes>\n");
    let _ = writeln!(s, "    <edges count=\"{}\">", g.edge_count());
    for (i, (from, to, e)) in g.edges().enumerate() {
        let _ = writeln!(
            s,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" kind=\"{}\" weight=\"{}\">",
            xml_escape(&from.id),
            xml_escape(&to.id),
            e.kind().as_str(),
            Num::Real(round2(e.weight()))
        );
        let fields = g.export_figures(e).fields();
        if fields.iter().any(|(_, v)| v.is_some()) {
            s.push_str("        <attvalues>\n");
            for (name, value) in fields {
                if let Some(v) = value {
                    let _ = writeln!(s, "          <attvalue for=\"{name}\" value=\"{v}\"/>");
                }
            }
            s.push_str("        </attvalues>\n");
        }
        s.push_str("      </edge>\n");
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    s
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    as_of: NaiveDate,
    window: Window,
    #[serde(skip_serializing_if = "Option::is_none")]
    disclosure: Option<&'static str>,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    label: &'a str,
    kind: NodeKind,
    sector: Option<Sector>,
    color: &'static str,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    source: &'a str,
    target: &'a str,
    kind: EdgeKind,
    weight: f64,
    #[serde(flatten)]
    figures: EdgeFigures,
}

/// JSON: `{"as_of", "window": {"from", "to"}, "nodes": [{id, label, kind, sector, color}],
/// "edges": [{source, target, kind, weight, ...figures}]}`, pretty-printed, with a final
/// newline. Figures that do not apply to an edge's kind are left out.
pub fn to_json(g: &MoneyGraph) -> String {
    let doc = JsonGraph {
        as_of: g.as_of,
        window: g.window,
        disclosure: g.public.then_some(crate::report::public::RULE),
        nodes: g
            .nodes()
            .map(|n| JsonNode {
                id: &n.id,
                label: &n.label,
                kind: n.kind,
                sector: n.sector,
                color: n.colour(),
            })
            .collect(),
        edges: g
            .edges()
            .map(|(from, to, e)| JsonEdge {
                source: &from.id,
                target: &to.id,
                kind: e.kind(),
                weight: round2(e.weight()),
                figures: g.export_figures(e),
            })
            .collect(),
    };
    // Serialising plain structs of strings and finite numbers cannot fail; should it ever,
    // the output is still valid JSON that says so rather than a panic.
    let mut s = serde_json::to_string_pretty(&doc)
        .unwrap_or_else(|e| format!("{{\"error\": {}}}", serde_json::Value::from(e.to_string())));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attendance, Partnership, Payment, PaymentType, Status};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn id(s: &str) -> OrgId {
        OrgId::parse(s).expect("test id")
    }

    fn org(data: &mut Dataset, raw: &str, name: &str, sector: Sector) {
        let o = crate::measures::testkit::organisation(raw, name, sector);
        data.organisations.insert(o.id.clone(), o);
    }

    fn grant(data: &mut Dataset, funder: &str, recipient: Recipient, pounds: i64, award: &str) {
        let n = data.grants.len();
        data.grants.push(crate::measures::testkit::plain_grant(
            format!("G{n}"),
            funder,
            recipient,
            pounds,
            award,
            n as u64 + 2,
        ));
    }

    fn to(raw: &str) -> Recipient {
        Recipient::Org(id(raw))
    }

    /// Council → foundation £100; foundation → group A £30 and group B £40; and, unconnected,
    /// trust → group C £10. All awarded 2023-06-01 (12-month grants, active at as_of).
    fn regranting() -> Dataset {
        let mut data = Dataset::default();
        org(&mut data, "GB-LAE-C", "Council", Sector::Statutory);
        org(&mut data, "GB-CHC-F", "Foundation", Sector::Vcse);
        org(&mut data, "GB-CHC-A", "Group A", Sector::Vcse);
        org(&mut data, "GB-CHC-B", "Group B", Sector::Vcse);
        org(&mut data, "GB-CHC-T", "Trust", Sector::Vcse);
        org(&mut data, "GB-CHC-X", "Group C", Sector::Unknown);
        grant(&mut data, "GB-LAE-C", to("GB-CHC-F"), 100, "2023-06-01");
        grant(&mut data, "GB-CHC-F", to("GB-CHC-A"), 30, "2023-06-01");
        grant(&mut data, "GB-CHC-F", to("GB-CHC-B"), 40, "2023-06-01");
        grant(&mut data, "GB-CHC-T", to("GB-CHC-X"), 10, "2023-06-01");
        data
    }

    fn graph(data: &Dataset) -> MoneyGraph {
        build(
            &Context::new(data, None, Window::default()),
            &Parameters::default(),
        )
    }

    #[test]
    fn intermediary_pass_through_and_totals_by_hand() {
        let data = regranting();
        let g = graph(&data);
        // Foundation receives £100 and gives £30 + £40 = £70: pass-through 70 / 100 = 0.7.
        assert_eq!(
            g.intermediaries(),
            vec![Intermediary {
                id: id("GB-CHC-F"),
                name: "Foundation".into(),
                received: Pence(10_000),
                given: Pence(7_000),
                pass_through: Some(0.7),
            }]
        );
        // All awards: 100 + 30 + 40 + 10 = £180. Original funders (council, trust received
        // nothing): 100 + 10 = £110; the foundation's £70 is regranted money.
        assert_eq!(g.all_awards(), Pence(18_000));
        assert_eq!(g.money_from_original_funders(), Pence(11_000));
    }

    #[test]
    fn new_money_counts_an_intermediarys_own_money_once() {
        let mut data = regranting();
        // As regranting(): new money = 180 − min(received 100, given 70) = £110.
        assert_eq!(graph(&data).new_money(), Pence(11_000));
        // The foundation adds £50 of its own for group C: it gives 120 of which at most 100
        // is the council's; new money 230 − 100 = £130, original funders still £110.
        grant(&mut data, "GB-CHC-F", to("GB-CHC-X"), 50, "2023-06-01");
        let g = graph(&data);
        assert_eq!(g.all_awards(), Pence(23_000));
        assert_eq!(g.new_money(), Pence(13_000));
        assert_eq!(g.money_from_original_funders(), Pence(11_000));
    }

    #[test]
    fn brief_example_without_the_unconnected_pair() {
        let mut data = regranting();
        data.grants.pop();
        let g = graph(&data);
        assert_eq!(g.all_awards(), Pence(17_000));
        assert_eq!(g.money_from_original_funders(), Pence(10_000));
    }

    #[test]
    fn funders_and_recipients_sorted_with_amounts() {
        let data = regranting();
        let g = graph(&data);
        let f = g.funders_of(&id("GB-CHC-F"));
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].id.as_str(), f[0].amount, f[0].grants),
            ("GB-LAE-C", Pence(10_000), 1)
        );
        // 12-month grant: years = max(1, 366/365.25) = 1.002..., annual value just under £100.
        assert!((f[0].active_annual - 100.0 * 365.25 / 366.0).abs() < 1e-9);
        let r: Vec<_> = g
            .recipients_of(&id("GB-CHC-F"))
            .into_iter()
            .map(|c| (c.id, c.amount))
            .collect();
        assert_eq!(
            r,
            vec![
                ("GB-CHC-A".to_owned(), Pence(3_000)),
                ("GB-CHC-B".to_owned(), Pence(4_000))
            ]
        );
        assert!(g.funders_of(&id("GB-LAE-C")).is_empty());
        assert!(g.recipients_of(&id("GB-NOT-THERE")).is_empty());
    }

    #[test]
    fn two_clusters_largest_first() {
        let data = regranting();
        let g = graph(&data);
        assert_eq!(
            g.clusters(),
            vec![
                vec![
                    id("GB-CHC-A"),
                    id("GB-CHC-B"),
                    id("GB-CHC-F"),
                    id("GB-LAE-C")
                ],
                vec![id("GB-CHC-T"), id("GB-CHC-X")],
            ]
        );
    }

    #[test]
    fn zero_received_gives_no_pass_through() {
        let mut data = regranting();
        // Group A gets a £0 grant from the trust and gives £50 to group B.
        grant(&mut data, "GB-CHC-T", to("GB-CHC-A"), 0, "2023-06-01");
        grant(&mut data, "GB-CHC-A", to("GB-CHC-B"), 50, "2023-06-01");
        let g = graph(&data);
        let a = g
            .intermediaries()
            .into_iter()
            .find(|i| i.id == id("GB-CHC-A"))
            .expect("A gives and receives");
        // Received: £30 from F + £0 from T; given £50: 50 / 30.
        assert_eq!((a.received, a.given), (Pence(3_000), Pence(5_000)));
        assert!((a.pass_through.expect("received > 0") - 5.0 / 3.0).abs() < 1e-12);

        let mut data = Dataset::default();
        grant(&mut data, "GB-CHC-T", to("GB-CHC-A"), 0, "2023-06-01");
        grant(&mut data, "GB-CHC-A", to("GB-CHC-B"), 50, "2023-06-01");
        let g = graph(&data);
        let i = g.intermediaries();
        assert_eq!(i.len(), 1);
        assert_eq!((i[0].received, i[0].pass_through), (Pence(0), None));
        // Organisations the loader did not list still get a node, sector unknown.
        assert_eq!(
            g.node("GB-CHC-B").map(|n| n.sector),
            Some(Some(Sector::Unknown))
        );
    }

    #[test]
    fn self_grant_is_not_regranting() {
        let mut data = regranting();
        grant(&mut data, "GB-CHC-T", to("GB-CHC-T"), 5, "2023-06-01");
        let g = graph(&data);
        assert_eq!(g.intermediaries().len(), 1);
        // The trust stays an original funder: 110 + 5.
        assert_eq!(g.money_from_original_funders(), Pence(11_500));
        assert_eq!(g.all_awards(), Pence(18_500));
    }

    #[test]
    fn window_counts_flow_and_as_of_counts_active() {
        let mut data = regranting();
        // An older grant council → foundation, outside the window but active at as_of.
        data.grants[0].award_date = d("2022-09-01");
        let ctx = Context::new(
            &data,
            Some(d("2023-06-30")),
            Window {
                from: Some(d("2023-04-01")),
                to: Some(d("2024-03-31")),
            },
        );
        let g = build(&ctx, &Parameters::default());
        let f = g.funders_of(&id("GB-CHC-F"));
        assert_eq!((f[0].amount, f[0].grants), (Pence(0), 0));
        assert!(f[0].active_annual > 0.0);
        // The foundation received nothing in the window: not an intermediary, and an
        // original funder now.
        assert!(g.intermediaries().is_empty());
        assert_eq!(g.all_awards(), Pence(8_000));
        assert_eq!(g.money_from_original_funders(), Pence(8_000));
        // The edge still links the cluster.
        assert_eq!(g.clusters()[0].len(), 4);
    }

    #[test]
    fn individuals_are_one_node_per_funder_and_no_key_is_written() {
        let mut data = regranting();
        grant(
            &mut data,
            "GB-CHC-F",
            Recipient::Individual(PersonKey(424_242)),
            3,
            "2023-06-01",
        );
        grant(
            &mut data,
            "GB-CHC-F",
            Recipient::Individual(PersonKey(515_151)),
            4,
            "2023-06-01",
        );
        let g = graph(&data);
        let r = g.recipients_of(&id("GB-CHC-F"));
        let people: Vec<_> = r
            .iter()
            .filter(|c| c.id.starts_with("individuals:"))
            .collect();
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].id, "individuals:GB-CHC-F");
        assert_eq!((people[0].amount, people[0].grants), (Pence(700), 2));
        // Given now includes the people: 30 + 40 + 3 + 4.
        assert_eq!(g.intermediaries()[0].given, Pence(7_700));
        // Individuals are not organisations: not in any cluster list.
        assert_eq!(g.clusters()[0].len(), 4);
        for out in [to_dot(&g), to_graphml(&g), to_gexf(&g), to_json(&g)] {
            assert!(!out.contains("424242") && !out.contains("515151"));
        }
    }

    /// Partnership P (fundholder: council), one 2-hour meeting; see each row below.
    fn partnership(payments: bool) -> Dataset {
        let mut data = regranting();
        data.partnerships.push(Partnership {
            id: "P".into(),
            name: "The Partnership".into(),
            fundholder: id("GB-LAE-C"),
            programme: None,
        });
        data.meetings.push(Meeting {
            id: "M1".into(),
            partnership: "P".into(),
            date: d("2023-07-01"),
            duration_hours: 2.0,
            host: None,
            chair: None,
            decision: None,
            kind: None,
            start_time: None,
        });
        let row = |person, org: Option<&str>, status, hours| Attendance {
            meeting: "M1".into(),
            person: PersonKey(person),
            org: org.map(id),
            status,
            hours,
        };
        data.attendance = vec![
            // Council officer: statutory, salaried time: 2 paid hours.
            row(1, Some("GB-LAE-C"), Status::Attended, None),
            // Group A, paid for this meeting: 1.5 paid hours.
            row(2, Some("GB-CHC-A"), Status::Attended, Some(1.5)),
            // Group A, unpaid: 2 unpaid hours.
            row(3, Some("GB-CHC-A"), Status::Attended, None),
            // Community member, expenses only: 2 unpaid hours.
            row(4, None, Status::Attended, None),
            // Group B sent apologies: a row, no hours.
            row(5, Some("GB-CHC-B"), Status::Apologies, None),
        ];
        let pay = |n: usize, payee, meeting: Option<&str>, pounds: i64, kind| Payment {
            id: format!("PAY{n}"),
            payer: id("GB-LAE-C"),
            payee,
            meeting: meeting.map(str::to_owned),
            period: None,
            amount: Pence(pounds * 100),
            kind,
            date: d("2023-07-01"),
        };
        data.payments = payments.then(|| {
            vec![
                pay(
                    1,
                    Payee::Person(PersonKey(2)),
                    Some("M1"),
                    40,
                    PaymentType::Involvement,
                ),
                pay(
                    2,
                    Payee::Person(PersonKey(4)),
                    Some("M1"),
                    5,
                    PaymentType::Expenses,
                ),
                // Person 9 never attended: the council's individuals node.
                pay(
                    3,
                    Payee::Person(PersonKey(9)),
                    None,
                    25,
                    PaymentType::Honorarium,
                ),
                pay(
                    4,
                    Payee::Org(id("GB-CHC-B")),
                    None,
                    60,
                    PaymentType::Backfill,
                ),
            ]
        });
        data
    }

    fn edge<'g>(g: &'g MoneyGraph, from: &str, to: &str, kind: EdgeKind) -> Option<&'g Edge> {
        g.edges()
            .find(|(f, t, e)| f.id == from && t.id == to && e.kind() == kind)
            .map(|(_, _, e)| e)
    }

    #[test]
    fn payments_go_to_the_persons_organisation_or_an_aggregate() {
        let data = partnership(true);
        let g = graph(&data);
        let amount = |to: &str| match edge(&g, "GB-LAE-C", to, EdgeKind::Payment) {
            Some(Edge::Payment(f)) => Some((f.amount, f.payments)),
            _ => None,
        };
        assert_eq!(amount("GB-CHC-A"), Some((Pence(4_000), 1)));
        assert_eq!(amount(COMMUNITY), Some((Pence(500), 1)));
        assert_eq!(amount("individuals:GB-LAE-C"), Some((Pence(2_500), 1)));
        assert_eq!(amount("GB-CHC-B"), Some((Pence(6_000), 1)));
    }

    #[test]
    fn public_exports_leave_out_small_attendance_counts() {
        let data = partnership(true);
        let mut g = graph(&data);
        // Group A: 2 rows, 2 attended, 3.5 h. Plain exports carry the counts...
        let plain = to_json(&g);
        assert!(plain.contains("\"rows\": 2") && !plain.contains("disclosure"));
        g.public = true;
        let a = match edge(&g, "GB-CHC-A", "partnership:P", EdgeKind::Attendance) {
            Some(e) => g.export_figures(e),
            None => EdgeFigures::default(),
        };
        // ...public ones leave out every count below 8 but keep the hours.
        assert_eq!((a.rows, a.attended, a.hours), (None, None, Some(3.5)));
        for out in [to_dot(&g), to_graphml(&g), to_gexf(&g), to_json(&g)] {
            assert!(out.contains("disclosure control") || out.contains("\"disclosure\""));
            assert!(!out.contains("\"rows\": ") && !out.contains("rows=\""));
            assert!(!out.contains("e_rows\">") && !out.contains("for=\"rows\" value"));
        }
        // Money edges are untouched.
        let grant = match edge(&g, "GB-LAE-C", "GB-CHC-F", EdgeKind::Grant) {
            Some(e) => g.export_figures(e),
            None => EdgeFigures::default(),
        };
        assert_eq!((grant.amount, grant.grants), (Some(100.0), Some(1)));
    }

    #[test]
    fn attendance_hours_split_paid_and_unpaid() {
        let data = partnership(true);
        let g = graph(&data);
        let p = |from: &str| match edge(&g, from, "partnership:P", EdgeKind::Attendance) {
            Some(Edge::Attendance(p)) => Some(*p),
            _ => None,
        };
        let council = p("GB-LAE-C").expect("council attended");
        assert_eq!((council.rows, council.attended, council.hours), (1, 1, 2.0));
        assert_eq!(
            (council.paid_hours, council.unpaid_hours),
            (Some(2.0), Some(0.0))
        );
        let a = p("GB-CHC-A").expect("group A attended");
        assert_eq!((a.rows, a.attended, a.hours), (2, 2, 3.5));
        assert_eq!((a.paid_hours, a.unpaid_hours), (Some(1.5), Some(2.0)));
        let c = p(COMMUNITY).expect("community member attended");
        assert_eq!((c.paid_hours, c.unpaid_hours), (Some(0.0), Some(2.0)));
        let b = p("GB-CHC-B").expect("group B has a row");
        assert_eq!((b.rows, b.attended, b.hours), (1, 0, 0.0));
        assert_eq!(
            edge(&g, "GB-LAE-C", "partnership:P", EdgeKind::Fundholder),
            Some(&Edge::Fundholder)
        );

        // Without payments.csv, payment is unknown: no split at all.
        let data = partnership(false);
        let g = graph(&data);
        match edge(&g, "GB-CHC-A", "partnership:P", EdgeKind::Attendance) {
            Some(Edge::Attendance(p)) => {
                assert_eq!((p.hours, p.paid_hours, p.unpaid_hours), (3.5, None, None))
            }
            other => panic!("no attendance edge: {other:?}"),
        }
        // Statutory time is salaried (statutory_time_is_paid), so the council's split is
        // known even without payments.csv, as in the participation measures.
        match edge(&g, "GB-LAE-C", "partnership:P", EdgeKind::Attendance) {
            Some(Edge::Attendance(p)) => {
                assert_eq!((p.paid_hours, p.unpaid_hours), (Some(2.0), Some(0.0)))
            }
            other => panic!("no attendance edge: {other:?}"),
        }
        // With statutory time not counted as paid, nothing is known without payments.csv.
        let params = Parameters {
            statutory_time_is_paid: false,
            ..Parameters::default()
        };
        let g = build(&Context::new(&data, None, Window::default()), &params);
        assert!(!to_json(&g).contains("paid_hours"));
    }

    #[test]
    fn a_period_payment_to_the_organisation_covers_the_meeting() {
        let mut data = partnership(true);
        if let Some(p) = data.payments.as_mut() {
            p[3].period = Some((d("2023-04-01"), d("2023-09-30")));
            p[3].payee = Payee::Org(id("GB-CHC-A"));
        }
        let g = graph(&data);
        match edge(&g, "GB-CHC-A", "partnership:P", EdgeKind::Attendance) {
            Some(Edge::Attendance(p)) => {
                assert_eq!((p.paid_hours, p.unpaid_hours), (Some(3.5), Some(0.0)))
            }
            other => panic!("no attendance edge: {other:?}"),
        }
    }

    #[test]
    fn nodes_and_edges_are_in_id_order() {
        let data = partnership(true);
        let g = graph(&data);
        let ids: Vec<&str> = g.nodes().map(|n| n.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
        let keys: Vec<(&str, &str, EdgeKind)> = g
            .edges()
            .map(|(f, t, e)| (f.id.as_str(), t.id.as_str(), e.kind()))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        // Rebuilding gives the same bytes.
        assert_eq!(to_dot(&g), to_dot(&graph(&data)));
        assert_eq!(to_gexf(&g), to_gexf(&graph(&data)));
    }

    #[test]
    fn exporters_escape_every_name() {
        let mut data = regranting();
        let nasty = "Tom & Jerry's \"Fund\" <b>\\n</b>\u{1}\n2nd line ✓ 🚀 Ελληνικά";
        if let Some(o) = data.organisations.get_mut(&id("GB-CHC-F")) {
            o.name = nasty.to_owned();
        }
        let g = graph(&data);
        let dot = to_dot(&g);
        assert!(dot.contains(
            "label=\"Tom & Jerry's \\\"Fund\\\" <b>\\\\n</b>\u{FFFD}\\n2nd line ✓ 🚀 Ελληνικά\""
        ));
        let expected_xml = "Tom &amp; Jerry&apos;s &quot;Fund&quot; &lt;b&gt;\\n&lt;/b&gt;\u{FFFD}&#10;2nd line ✓ 🚀 Ελληνικά";
        for xml in [to_graphml(&g), to_gexf(&g)] {
            assert!(xml.contains(expected_xml), "{xml}");
            assert!(!xml.contains('\u{1}'));
        }
        let json: serde_json::Value = serde_json::from_str(&to_json(&g)).expect("valid JSON");
        let label = json["nodes"]
            .as_array()
            .and_then(|n| n.iter().find(|n| n["id"] == "GB-CHC-F"))
            .map(|n| n["label"].clone());
        assert_eq!(label, Some(serde_json::Value::from(nasty)));
    }

    #[test]
    fn colours_follow_the_okabe_ito_palette() {
        let data = partnership(true);
        let g = graph(&data);
        let dot = to_dot(&g);
        assert!(dot.contains("\"GB-LAE-C\" [label=\"Council\", kind=\"organisation\", sector=\"statutory\", shape=\"box\", fillcolor=\"#0072B2\""));
        assert!(dot.contains("fillcolor=\"#009E73\""));
        assert!(dot.contains("fillcolor=\"#999999\""));
        assert!(dot.contains("\"partnership:P\" [label=\"The Partnership\", kind=\"partnership\", shape=\"hexagon\", fillcolor=\"#F0E442\""));
        assert!(dot.contains("fillcolor=\"#CC79A7\""));
        let gexf = to_gexf(&g);
        assert!(gexf.contains("<viz:color r=\"0\" g=\"114\" b=\"178\"/>"));
        assert!(gexf.contains("<viz:color r=\"240\" g=\"228\" b=\"66\"/>"));
        assert_eq!(rgb(colour::PRIVATE), (230, 159, 0));
    }

    #[test]
    fn every_exported_figure_is_declared() {
        let names: Vec<&str> = EdgeFigures::default()
            .fields()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        let declared: Vec<&str> = EDGE_FIELDS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, declared);
        let json = serde_json::to_value(EdgeFigures {
            amount: Some(1.0),
            grants: Some(1),
            active_annual: Some(1.0),
            active_grants: Some(1),
            payments: Some(1),
            rows: Some(1),
            attended: Some(1),
            hours: Some(1.0),
            paid_hours: Some(1.0),
            unpaid_hours: Some(1.0),
        })
        .expect("serialises");
        let mut keys: Vec<&str> = json
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        let mut declared = declared;
        declared.sort_unstable();
        assert_eq!(keys, declared);
    }

    #[test]
    fn empty_dataset_gives_empty_answers_and_valid_exports() {
        let data = Dataset::default();
        let g = graph(&data);
        assert_eq!((g.node_count(), g.edge_count()), (0, 0));
        assert!(g.intermediaries().is_empty() && g.clusters().is_empty());
        assert_eq!(
            (g.all_awards(), g.money_from_original_funders()),
            (Pence(0), Pence(0))
        );
        assert!(to_dot(&g).ends_with("}\n"));
        assert!(to_gexf(&g).contains("<nodes count=\"0\">"));
        let json: serde_json::Value = serde_json::from_str(&to_json(&g)).expect("JSON");
        assert_eq!(json["nodes"], serde_json::json!([]));
    }

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(Num::Real(230_000.0).to_string(), "230000");
        assert_eq!(Num::Real(round2(0.1 + 0.2)).to_string(), "0.3");
        assert_eq!(Num::Real(-0.0).to_string(), "0");
        assert_eq!(Num::Real(1e21).to_string(), "1000000000000000000000");
        assert_eq!(Num::Int(7).to_string(), "7");
    }
}
