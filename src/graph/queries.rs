//! Questions asked of a built graph: funders and recipients, intermediaries, totals and
//! clusters (formulas and edge cases in the module docs of [`super`]).

use super::{Counterparty, Edge, GrantFlow, Intermediary, MoneyGraph};
use crate::model::{OrgId, Pence};
use petgraph::graph::NodeIndex;
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::BTreeMap;

/// (Σ amount, grants) for each node, by node index.
type PerNode = Vec<(Pence, usize)>;

impl MoneyGraph {
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
    pub(crate) fn clusters(&self) -> Vec<Vec<OrgId>> {
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
}
