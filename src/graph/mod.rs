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
//! both are reported), and `MoneyGraph::clusters` (connected components of the grant network,
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

mod build;
mod queries;
#[cfg(test)]
mod tests;

pub use crate::render::graph::{to_dot, to_gexf, to_graphml, to_json};
pub use build::build;

use crate::measures::Window;
use crate::model::{OrgId, Pence, Sector};
use chrono::NaiveDate;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::BTreeMap;

/// Node id of the community members who attend as themselves (`individuals:community`;
/// organisation ids are upper case, so no funder's people share it).
fn community_id() -> String {
    crate::model::NodeId::Individuals { via: "community" }.text()
}

// The palette lives in `present` (issue 17); its graph paths keep working.
pub(crate) use crate::present::{colour, sector_colour};

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum NodeKind {
    /// An organisation of the dataset.
    Organisation,
    /// People, aggregated: those one organisation funds or pays, or community members.
    Individuals,
    /// A partnership.
    Partnership,
}

impl NodeKind {
    /// The lower-case name used in exports.
    pub(crate) fn as_str(self) -> &'static str {
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
    pub(crate) id: String,
    /// Name for people.
    pub(crate) label: String,
    /// What the node stands for.
    pub(crate) kind: NodeKind,
    /// Sector of an organisation (`individual` for aggregate people); `None` for partnerships.
    pub(crate) sector: Option<Sector>,
    /// The organisation, for organisation nodes.
    #[serde(skip)]
    pub(crate) org: Option<OrgId>,
}

impl Node {
    /// Fill colour from the Okabe–Ito palette (see [`colour`]).
    pub(crate) fn colour(&self) -> &'static str {
        match (self.kind, self.sector) {
            (NodeKind::Partnership, _) => colour::PARTNERSHIP,
            (_, Some(s)) => sector_colour(s),
            (_, None) => colour::UNKNOWN,
        }
    }
}

/// What an edge stands for; also the tie-break in edge order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum EdgeKind {
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
    pub(crate) fn as_str(self) -> &'static str {
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
pub(crate) struct GrantFlow {
    /// Σ amount of grants awarded in the window.
    pub(crate) amount: Pence,
    /// Grants awarded in the window.
    pub(crate) grants: usize,
    /// Σ annual value (pounds) of grants awarded on or before as_of and active at as_of.
    pub(crate) active_annual: f64,
    /// How many grants are active.
    pub(crate) active_grants: usize,
}

/// Payments from one payer to one payee.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct PaymentFlow {
    /// Σ amount of payments dated in the window.
    pub(crate) amount: Pence,
    /// How many payments.
    pub(crate) payments: usize,
}

/// One organisation's attendance at one partnership's meetings in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Participation {
    /// Attendance rows, any status.
    pub(crate) rows: usize,
    /// Rows with status `attended`.
    pub(crate) attended: usize,
    /// Hours attended.
    pub(crate) hours: f64,
    /// Hours attended that were resourced; `None` without payments.csv.
    pub(crate) paid_hours: Option<f64>,
    /// Hours attended that were not; `None` without payments.csv.
    pub(crate) unpaid_hours: Option<f64>,
}

/// One edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Edge {
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
    pub(crate) fn kind(&self) -> EdgeKind {
        match self {
            Edge::Grant(_) => EdgeKind::Grant,
            Edge::Payment(_) => EdgeKind::Payment,
            Edge::Attendance(_) => EdgeKind::Attendance,
            Edge::Fundholder => EdgeKind::Fundholder,
        }
    }

    /// Pounds for grants and payments, hours for attendance, 1 for fundholder membership.
    pub(crate) fn weight(&self) -> f64 {
        match self {
            Edge::Grant(f) => f.amount.pounds(),
            Edge::Payment(f) => f.amount.pounds(),
            Edge::Attendance(p) => p.hours,
            Edge::Fundholder => 1.0,
        }
    }

    /// Every figure of the edge, rounded for export (pence, hundredths of an hour); the
    /// figures that do not apply to its kind are `None`.
    pub(crate) fn figures(&self) -> EdgeFigures {
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
pub(crate) struct EdgeFigures {
    /// Pounds (grant, payment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) amount: Option<f64>,
    /// Grants in the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) grants: Option<u64>,
    /// Annual value of active grants, pounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) active_annual: Option<f64>,
    /// Active grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) active_grants: Option<u64>,
    /// Payments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) payments: Option<u64>,
    /// Attendance rows, any status.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::disclosure::people_opt_u64")]
    pub(crate) rows: Option<u64>,
    /// Attended rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::disclosure::people_opt_u64")]
    pub(crate) attended: Option<u64>,
    /// Hours attended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hours: Option<f64>,
    /// Resourced hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) paid_hours: Option<f64>,
    /// Unresourced hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unpaid_hours: Option<f64>,
}

pub(crate) fn round2(x: f64) -> f64 {
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
    pub(crate) id: OrgId,
    /// Its name.
    pub(crate) name: String,
    /// Σ grants received in the window (from others).
    pub(crate) received: Pence,
    /// Σ grants given in the window (to others, individuals included).
    pub(crate) given: Pence,
    /// given ÷ received; `None` when nothing was received (zero-amount grants only).
    pub(crate) pass_through: Option<f64>,
}

/// The money and participation graph of one dataset at one point in time.
#[derive(Debug, Clone)]
pub struct MoneyGraph {
    graph: DiGraph<Node, Edge>,
    index: BTreeMap<String, NodeIndex>,
    /// The point in time for active grants.
    pub as_of: NaiveDate,
    /// The window for grants, payments and meetings.
    pub(crate) window: Window,
    /// `--public`: exports disclosure-control counts of attendance rows (SPEC.md "Output";
    /// [`crate::disclosure`]): below 8 left out, others rounded to the nearest 5.
    pub public: bool,
}

impl MoneyGraph {
    /// The underlying petgraph graph, for algorithms not wrapped here. Node and edge indices
    /// follow the deterministic order described in the module docs.
    pub(crate) fn graph(&self) -> &DiGraph<Node, Edge> {
        &self.graph
    }

    /// Nodes in order.
    pub(crate) fn nodes(&self) -> impl Iterator<Item = &Node> + '_ {
        self.graph.node_weights()
    }

    /// Edges in order, as (source, target, edge).
    pub(crate) fn edges(&self) -> impl Iterator<Item = (&Node, &Node, &Edge)> + '_ {
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
}
