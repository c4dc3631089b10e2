//! Views: the series the charts draw and the headline figures the report states, computed
//! once in the analysis from the money and participation graph and the recipients, so that a
//! number in a chart or in the report is a number in `findings.json` (issue 17, item 2).
//!
//! A view is not a new measure: each is a regrouping of figures findings already hold (the
//! graph's grant and attendance edges, the recipients' window totals). It lives beside
//! [`crate::findings`] rather than in `measures/` because it reads the graph, which is built
//! from the measures (`measures` → `graph` → `views`: the arrows only point down).
//!
//! - [`partnership_hours`]: hours attended at each partnership's meetings in the window by
//!   the attendee's sector, split into paid (or salaried statutory), unpaid and payment
//!   unknown. Σ over the attendance edges into the partnership, each edge's figures rounded
//!   to hundredths of an hour as exported; an edge whose split is unknown (a row without a
//!   known payment) counts all its hours as payment unknown.
//! - [`top_recipients`]: the [`TOP_RECIPIENTS`] recipients given most in the window (ties by
//!   identifier), each with the money from each funder (largest first, ties by identifier).
//! - [`sector_flows`]: money from funder sectors through the largest
//!   [`MAX_INTERMEDIARIES`] intermediaries to recipient sectors; the funder column is the
//!   money awarded by original funders (`totals.awarded_by_original_funders`), each pound once
//!   (METHOD.md, "The flows chart").
//! - [`top_decile`]: the share of the money received by the largest 10% of recipients
//!   (round(n ÷ 10), at least one, of the n recipients given more than nothing).
//!
//! Edge cases: no attendance in the window gives no hours rows; no money in the window gives
//! no recipients and no flows; fewer than two recipients given money gives no top-decile
//! figure (there is no distribution). Nothing here is a count of people: hours, pounds, and
//! counts of recipient lines (a funder's grants to people are one line) and intermediaries.
//!
//! Complexity: O(E + R log R) for E graph edges and R recipients, plus O(I log I) to rank the
//! I intermediaries.

use crate::graph::{Edge, Intermediary, MoneyGraph};
use crate::measures::dependency::RecipientFigures;
use crate::model::{NodeId, OrgId, Sector};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Recipients in [`top_recipients`].
pub const TOP_RECIPIENTS: usize = 15;
/// Intermediaries given their own node in [`sector_flows`]; the smaller ones share one.
pub const MAX_INTERMEDIARIES: usize = 8;

/// Every view, as written to `findings.json` under `views`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Views {
    /// Hours by sector per partnership ([`partnership_hours`]).
    pub partnership_hours: Vec<SectorHours>,
    /// The largest recipients and their funders ([`top_recipients`]).
    pub top_recipients: Vec<RecipientFunders>,
    /// Money between sectors and intermediaries ([`sector_flows`]).
    pub sector_flows: SectorFlows,
    /// The largest 10% of recipients' share of the money ([`top_decile`]).
    pub top_decile: Option<TopDecile>,
}

/// Every view of the graph and the recipients (see the module docs).
pub fn views(
    graph: &MoneyGraph,
    recipients: &[RecipientFigures],
    intermediaries: &[Intermediary],
) -> Views {
    Views {
        partnership_hours: partnership_hours(graph),
        top_recipients: top_recipients(graph, recipients),
        sector_flows: sector_flows(graph, intermediaries),
        top_decile: top_decile(recipients),
    }
}

/// Hours attended at one partnership's meetings in the window by attendees of one sector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectorHours {
    /// The partnership's identifier.
    pub partnership: String,
    /// The attendees' sector (`individual` for community members attending as themselves).
    pub sector: Sector,
    /// Hours attended.
    pub hours: f64,
    /// Of which paid, or salaried statutory time.
    pub paid_hours: f64,
    /// Of which unpaid.
    pub unpaid_hours: f64,
    /// Of which on edges whose payment is not known (payments.csv absent).
    pub payment_unknown_hours: f64,
}

/// Hours by sector per partnership, in partnership identifier then sector order (see the
/// module docs). Edges with no hours are left out.
pub fn partnership_hours(graph: &MoneyGraph) -> Vec<SectorHours> {
    let mut per: BTreeMap<(&str, Sector), SectorHours> = BTreeMap::new();
    for (a, b, e) in graph.edges() {
        let Edge::Attendance(_) = e else { continue };
        let NodeId::Partnership(partnership) = NodeId::parse(&b.id) else {
            continue;
        };
        let figures = e.figures();
        let hours = figures.hours.unwrap_or(0.0);
        if hours <= 0.0 {
            continue;
        }
        let sector = a.sector.unwrap_or(Sector::Unknown);
        let row = per
            .entry((partnership, sector))
            .or_insert_with(|| SectorHours {
                partnership: partnership.to_owned(),
                sector,
                hours: 0.0,
                paid_hours: 0.0,
                unpaid_hours: 0.0,
                payment_unknown_hours: 0.0,
            });
        row.hours += hours;
        match (figures.paid_hours, figures.unpaid_hours) {
            (Some(p), Some(u)) => {
                row.paid_hours += p;
                row.unpaid_hours += u;
            }
            _ => row.payment_unknown_hours += hours,
        }
    }
    per.into_values().collect()
}

/// One of the largest recipients, with what each funder gave it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecipientFunders {
    /// The recipient (an organisation, or `individuals:FUNDER`), as in `recipients`.
    pub recipient: String,
    /// Money awarded to it in the window, pounds (its `recipients` total).
    pub total: f64,
    /// Each funder's money to it in the window, largest first (ties by identifier).
    pub funders: Vec<FunderAmount>,
}

/// One funder's money to one recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunderAmount {
    /// The funder.
    pub funder: OrgId,
    /// Pounds awarded in the window.
    pub amount: f64,
}

/// The [`TOP_RECIPIENTS`] recipients given most (more than nothing) in the window, largest
/// first, ties by identifier; each with its funders from the grant edges.
pub fn top_recipients(
    graph: &MoneyGraph,
    recipients: &[RecipientFigures],
) -> Vec<RecipientFunders> {
    let mut top: Vec<&RecipientFigures> = recipients.iter().filter(|r| r.total > 0.0).collect();
    top.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.id.cmp(&b.id)));
    top.truncate(TOP_RECIPIENTS);
    let wanted: HashMap<&str, usize> = top
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut by_recipient: Vec<BTreeMap<&OrgId, f64>> = vec![BTreeMap::new(); top.len()];
    for (a, b, e) in graph.edges() {
        let Edge::Grant(_) = e else { continue };
        let (Some(i), Some(funder), Some(amount)) = (
            wanted.get(b.id.as_str()),
            a.org.as_ref(),
            e.figures().amount,
        ) else {
            continue;
        };
        if amount > 0.0 {
            *by_recipient[*i].entry(funder).or_default() += amount;
        }
    }
    top.iter()
        .zip(by_recipient)
        .map(|(r, m)| {
            let mut funders: Vec<FunderAmount> = m
                .into_iter()
                .map(|(funder, amount)| FunderAmount {
                    funder: funder.clone(),
                    amount,
                })
                .collect();
            funders.sort_by(|a, b| b.amount.total_cmp(&a.amount).then(a.funder.cmp(&b.funder)));
            RecipientFunders {
                recipient: r.id.clone(),
                total: r.total,
                funders,
            }
        })
        .collect()
}

/// A node of the flows: a column position and what it groups. The order (funder sectors,
/// direct, intermediaries largest first, the other intermediaries, recipient sectors) is
/// the drawing order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "node", rename_all = "snake_case")]
pub enum FlowNode {
    /// Funders of one sector (left column).
    Funders {
        /// Their sector.
        sector: Sector,
    },
    /// Money going straight from funders to recipients: a gap in the middle column, so
    /// those bands never pass behind an intermediary. Used only when there are
    /// intermediaries.
    Direct,
    /// One of the largest [`MAX_INTERMEDIARIES`] intermediaries (middle column).
    Intermediary {
        /// 0 for the intermediary that received most (ties by identifier).
        rank: usize,
        /// The organisation.
        id: OrgId,
        /// Its sector.
        sector: Sector,
    },
    /// The intermediaries beyond the largest [`MAX_INTERMEDIARIES`], together.
    OtherIntermediaries,
    /// Recipients of one sector (right column).
    Recipients {
        /// Their sector.
        sector: Sector,
    },
}

/// Money from one node to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    /// Where the money comes from.
    pub from: FlowNode,
    /// Where it goes.
    pub to: FlowNode,
    /// Pounds in the window.
    pub amount: f64,
}

/// The flows between sectors and intermediaries (see [`sector_flows`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SectorFlows {
    /// Every flow with money, in (from, to) drawing order.
    pub flows: Vec<Flow>,
    /// The intermediaries given their own node, largest first: the
    /// [`FlowNode::Intermediary`] of rank r is the r-th.
    pub intermediaries: Vec<OrgId>,
    /// Intermediaries beyond [`MAX_INTERMEDIARIES`], drawn as one middle node.
    pub other_intermediaries: usize,
    /// Σ flows out of the funder nodes: the money awarded by original funders, each pound
    /// once (equal to `totals.awarded_by_original_funders` to the penny).
    pub funder_column: f64,
}

/// Every grant edge as a flow, and each intermediary's own money (what it gave beyond what
/// it received in the window) as a flow from its sector's funders into it, so the funder
/// column is the money awarded by original funders, each pound once:
/// Σ grants from organisations that are not intermediaries + Σ max(0, given − received)
/// = all awards − Σ min(received, given) = `totals.awarded_by_original_funders`.
///
/// A grant from an ordinary funder to a named intermediary ends in the middle column; a
/// grant from a named intermediary starts there; a grant of an intermediary to itself goes
/// straight across from its sector's funders; every other grant goes from a funder sector
/// to a recipient sector, through [`FlowNode::Direct`] when there are intermediaries.
pub fn sector_flows(graph: &MoneyGraph, intermediaries: &[Intermediary]) -> SectorFlows {
    let mut inter: Vec<&Intermediary> = intermediaries.iter().collect();
    inter.sort_by(|a, b| b.received.cmp(&a.received).then(a.id.cmp(&b.id)));
    let other_intermediaries = inter.len().saturating_sub(MAX_INTERMEDIARIES);
    // Each node's sector, from the graph (an aggregate of people is `individual`).
    let sector_of: HashMap<&str, Sector> = graph
        .nodes()
        .map(|n| (n.id.as_str(), n.sector.unwrap_or(Sector::Unknown)))
        .collect();
    let sector = |id: &str| sector_of.get(id).copied().unwrap_or(Sector::Unknown);
    // Every intermediary has a middle node: its own, or the one of all the others.
    let middle: HashMap<&str, FlowNode> = inter
        .iter()
        .enumerate()
        .map(|(rank, x)| {
            let n = if rank < MAX_INTERMEDIARIES {
                FlowNode::Intermediary {
                    rank,
                    id: x.id.clone(),
                    sector: sector(x.id.as_str()),
                }
            } else {
                FlowNode::OtherIntermediaries
            };
            (x.id.as_str(), n)
        })
        .collect();

    let mut flows: BTreeMap<(FlowNode, FlowNode), f64> = BTreeMap::new();
    // Received and given per intermediary, from the same edges (a grant to itself is
    // neither: it goes straight across, from its sector's funders).
    let mut received: HashMap<&str, f64> = HashMap::new();
    let mut given: HashMap<&str, f64> = HashMap::new();
    for (a, b, e) in graph.edges() {
        let Edge::Grant(_) = e else { continue };
        let Some(amount) = e.figures().amount.filter(|x| *x > 0.0) else {
            continue;
        };
        let (source, target) = (a.id.as_str(), b.id.as_str());
        let own = source == target;
        let from = match middle.get(source) {
            Some(n) if !own => {
                *given.entry(source).or_default() += amount;
                n.clone()
            }
            _ => FlowNode::Funders {
                sector: sector(source),
            },
        };
        if !own && middle.contains_key(target) {
            *received.entry(target).or_default() += amount;
        }
        let to = match (&from, middle.get(target)) {
            (FlowNode::Funders { .. }, Some(n)) if !own => n.clone(),
            _ => FlowNode::Recipients {
                sector: sector(target),
            },
        };
        if !middle.is_empty()
            && matches!(
                (&from, &to),
                (FlowNode::Funders { .. }, FlowNode::Recipients { .. })
            )
        {
            *flows.entry((from, FlowNode::Direct)).or_default() += amount;
            *flows.entry((FlowNode::Direct, to)).or_default() += amount;
        } else {
            *flows.entry((from, to)).or_default() += amount;
        }
    }
    // Own money: an intermediary is taken to pass on what it received first (METHOD.md).
    let mut ids: Vec<&&str> = middle.keys().collect();
    ids.sort();
    for id in ids {
        let own =
            given.get(*id).copied().unwrap_or(0.0) - received.get(*id).copied().unwrap_or(0.0);
        if own > 0.0 {
            if let Some(n) = middle.get(*id) {
                *flows
                    .entry((FlowNode::Funders { sector: sector(id) }, n.clone()))
                    .or_default() += own;
            }
        }
    }
    let funder_column = flows
        .iter()
        .filter(|((a, _), _)| matches!(a, FlowNode::Funders { .. }))
        .map(|(_, v)| v)
        .sum();
    SectorFlows {
        flows: flows
            .into_iter()
            .map(|((from, to), amount)| Flow { from, to, amount })
            .collect(),
        intermediaries: inter
            .iter()
            .take(MAX_INTERMEDIARIES)
            .map(|x| x.id.clone())
            .collect(),
        other_intermediaries,
        funder_column,
    }
}

/// The largest 10% of recipients and their share of the money.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TopDecile {
    /// Recipients given more than nothing in the window (n; a funder's grants to people
    /// are one recipient line, as in `recipients`).
    pub recipients: usize,
    /// The largest k of them: round(n ÷ 10), at least 1.
    pub largest: usize,
    /// Their share of the money: Σ the k largest totals ÷ Σ all n totals.
    pub share: f64,
}

/// The top-10% point of the Lorenz curve (see [`TopDecile`]); `None` with fewer than two
/// recipients given money. Unlike `equity.burden.burden_top_decile_share` (hours among
/// people at meetings), this is money among recipients.
pub fn top_decile(recipients: &[RecipientFigures]) -> Option<TopDecile> {
    let mut totals: Vec<f64> = recipients
        .iter()
        .map(|r| r.total)
        .filter(|t| *t > 0.0)
        .collect();
    let n = totals.len();
    if n < 2 {
        return None;
    }
    totals.sort_by(|a, b| b.total_cmp(a));
    let k = ((n as f64) * 0.1).round().max(1.0) as usize;
    let sum: f64 = totals.iter().sum();
    Some(TopDecile {
        recipients: n,
        largest: k,
        share: totals.iter().take(k).sum::<f64>() / sum,
    })
}
