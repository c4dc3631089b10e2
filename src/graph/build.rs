//! Building the graph from a dataset's [`Context`]: nodes in identifier order, edges
//! aggregated per (source, target, kind) and sorted (see the module docs of [`super`]).

use super::{Edge, GrantFlow, MoneyGraph, Node, NodeKind, Participation, PaymentFlow};
use crate::config::Parameters;
use crate::measures::keys::{FastMap, Party};
use crate::measures::participation::Seat;
use crate::measures::Context;
use crate::model::{Dataset, Meeting, OrgId, Payee, PersonKey, Sector};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, BTreeSet};

/// Builds the graph of `ctx.data` for `ctx.window` and `ctx.as_of` (see the module docs);
/// `params.statutory_time_is_paid` decides whether statutory attendance counts as paid, as
/// it does for the participation measures (both use `Seat`).
pub fn build(ctx: &Context<'_>, params: &Parameters) -> MoneyGraph {
    let data = ctx.data;
    let mut b = Builder {
        data,
        nodes: Vec::new(),
        slots: FastMap::default(),
        individuals: FastMap::default(),
        community: None,
        numbered: vec![None; ctx.keys.orgs.len()],
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
        let f = grants.entry(b.grant_pair(ctx, i)).or_default();
        f.amount += g.amount;
        f.grants += 1;
    }
    for i in ctx.active_grants() {
        let f = grants.entry(b.grant_pair(ctx, i)).or_default();
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

    let payment_index = &*ctx.payments;
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
        let seat = Seat::with_sector(ctx.attendance.sector[r], payment_index, params, m, a);
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
    /// The slot of the community members' node, once added.
    community: Option<u32>,
    /// `numbered[o]`: the slot of the context's organisation number `o`, once looked up
    /// (so a grant's endpoints are found by number, not by hashing identifiers).
    numbered: Vec<Option<u32>>,
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
        let key = crate::model::NodeId::Partnership(id).text();
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
        self.individuals_via(via_slot, via)
    }

    /// [`Self::individuals_of`] `via`, whose slot is `via_slot`.
    fn individuals_via(&mut self, via_slot: u32, via: &OrgId) -> u32 {
        if let Some(&slot) = self.individuals.get(&via_slot) {
            return slot;
        }
        let key = crate::model::NodeId::Individuals { via: via.as_str() }.text();
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
        if let Some(slot) = self.community {
            return slot;
        }
        let slot = self.add(Node {
            id: super::community_id(),
            label: "Community members (attending as themselves)".to_owned(),
            kind: NodeKind::Individuals,
            sector: Some(Sector::Individual),
            org: None,
        });
        self.community = Some(slot);
        slot
    }

    /// The slot of the context's organisation number `n`.
    fn org_numbered(&mut self, ctx: &Context<'_>, n: u32) -> u32 {
        if let Some(slot) = self.numbered[n as usize] {
            return slot;
        }
        let slot = self.org(&ctx.keys.orgs[n as usize]);
        self.numbered[n as usize] = Some(slot);
        slot
    }

    /// The slots of grant `i`'s funder and recipient: every person a funder supports is one
    /// aggregate node, never the person.
    fn grant_pair(&mut self, ctx: &Context<'_>, i: usize) -> (u32, u32) {
        let funder = ctx.keys.funder[i];
        let from = self.org_numbered(ctx, funder);
        let to = match ctx.keys.recipient[i] {
            Party::Org(o) => self.org_numbered(ctx, o),
            Party::Person(_) => self.individuals_via(from, &ctx.keys.orgs[funder as usize]),
        };
        (from, to)
    }
}
