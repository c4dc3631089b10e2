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
use crate::measures::partnership::PartnershipFigures;
use crate::model::{NodeId, OrgId, Sector};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Recipients in [`top_recipients`].
pub(crate) const TOP_RECIPIENTS: usize = 15;
/// Intermediaries given their own node in [`sector_flows`]; the smaller ones share one.
pub(crate) const MAX_INTERMEDIARIES: usize = 8;

/// Every view, as written to `findings.json` under `views`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Views {
    /// Hours by sector per partnership ([`partnership_hours`]).
    pub(crate) partnership_hours: Vec<SectorHours>,
    /// The largest recipients and their funders ([`top_recipients`]).
    pub(crate) top_recipients: Vec<RecipientFunders>,
    /// Money between sectors and intermediaries ([`sector_flows`]).
    pub(crate) sector_flows: SectorFlows,
    /// The largest 10% of recipients' share of the money ([`top_decile`]).
    pub(crate) top_decile: Option<TopDecile>,
    /// The [`top_recipients`]' share of all the money awarded in the window: Σ their
    /// totals ÷ `totals.amount`; `None` when nothing was awarded.
    pub(crate) top_recipients_share: Option<f64>,
    /// Unpaid VCSE-side time summed over every partnership (see [`UnpaidTime`]).
    pub(crate) unpaid_time: UnpaidTime,
}

/// Unpaid VCSE-side time at partnership meetings, Σ over every partnership in
/// `partnerships`; each sum is `None` when any partnership's figure is (payment not
/// recorded), and 0 when there are no partnerships.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct UnpaidTime {
    /// Σ `unpaid_value`, pounds (at the hourly rate).
    pub(crate) unpaid_value: Option<f64>,
    /// Σ `vcse_unpaid_hours`.
    pub(crate) vcse_unpaid_hours: Option<f64>,
}

/// Every view of the graph and the recipients (see the module docs).
/// `amount` is all the money awarded in the window (`totals.amount`).
pub(crate) fn views(
    graph: &MoneyGraph,
    recipients: &[RecipientFigures],
    intermediaries: &[Intermediary],
    partnerships: &[PartnershipFigures],
    amount: f64,
) -> Views {
    let top = top_recipients(graph, recipients);
    let shown: f64 = top.iter().map(|r| r.total).sum();
    Views {
        partnership_hours: partnership_hours(graph),
        top_recipients_share: (amount > 0.0).then(|| shown / amount),
        top_recipients: top,
        sector_flows: sector_flows(graph, intermediaries),
        top_decile: top_decile(recipients),
        unpaid_time: UnpaidTime {
            unpaid_value: sum(partnerships.iter().map(|p| p.unpaid_value)),
            vcse_unpaid_hours: sum(partnerships.iter().map(|p| p.vcse_unpaid_hours)),
        },
    }
}

/// Hours attended at one partnership's meetings in the window by attendees of one sector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SectorHours {
    /// The partnership's identifier.
    pub(crate) partnership: String,
    /// The attendees' sector (`individual` for community members attending as themselves).
    pub(crate) sector: Sector,
    /// Hours attended.
    pub(crate) hours: f64,
    /// Of which paid, or salaried statutory time.
    pub(crate) paid_hours: f64,
    /// Of which unpaid.
    pub(crate) unpaid_hours: f64,
    /// Of which on edges whose payment is not known (payments.csv absent).
    pub(crate) payment_unknown_hours: f64,
}

/// Hours by sector per partnership, in partnership identifier then sector order (see the
/// module docs). Edges with no hours are left out.
pub(crate) fn partnership_hours(graph: &MoneyGraph) -> Vec<SectorHours> {
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

/// Σ of figures, `None` when any is; from +0 (the standard library's empty float sum is
/// −0, which findings.json would print as `-0.0`), in iteration order.
fn sum(mut figures: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    figures.try_fold(0.0, |acc, x| Some(acc + x?))
}

/// One of the largest recipients, with what each funder gave it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RecipientFunders {
    /// The recipient (an organisation, or `individuals:FUNDER`), as in `recipients`.
    pub(crate) recipient: String,
    /// Money awarded to it in the window, pounds (its `recipients` total).
    pub(crate) total: f64,
    /// Each funder's money to it in the window, largest first (ties by identifier).
    pub(crate) funders: Vec<FunderAmount>,
}

/// One funder's money to one recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FunderAmount {
    /// The funder.
    pub(crate) funder: OrgId,
    /// Pounds awarded in the window.
    pub(crate) amount: f64,
}

/// The [`TOP_RECIPIENTS`] recipients given most (more than nothing) in the window, largest
/// first, ties by identifier; each with its funders from the grant edges.
pub(crate) fn top_recipients(
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
pub(crate) enum FlowNode {
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
pub(crate) struct Flow {
    /// Where the money comes from.
    pub(crate) from: FlowNode,
    /// Where it goes.
    pub(crate) to: FlowNode,
    /// Pounds in the window.
    pub(crate) amount: f64,
}

/// The flows between sectors and intermediaries (see [`sector_flows`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct SectorFlows {
    /// Every flow with money, in (from, to) drawing order.
    pub(crate) flows: Vec<Flow>,
    /// The intermediaries given their own node, largest first: the
    /// [`FlowNode::Intermediary`] of rank r is the r-th.
    pub(crate) intermediaries: Vec<OrgId>,
    /// Intermediaries beyond [`MAX_INTERMEDIARIES`], drawn as one middle node.
    pub(crate) other_intermediaries: usize,
    /// Σ flows out of the funder nodes: the money awarded by original funders, each pound
    /// once (equal to `totals.awarded_by_original_funders` to the penny).
    pub(crate) funder_column: f64,
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
pub(crate) fn sector_flows(graph: &MoneyGraph, intermediaries: &[Intermediary]) -> SectorFlows {
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
pub(crate) struct TopDecile {
    /// Recipients given more than nothing in the window (n; a funder's grants to people
    /// are one recipient line, as in `recipients`).
    pub(crate) recipients: usize,
    /// The largest k of them: round(n ÷ 10), at least 1.
    pub(crate) largest: usize,
    /// Their share of the money: Σ the k largest totals ÷ Σ all n totals.
    pub(crate) share: f64,
}

/// The top-10% point of the Lorenz curve (see [`TopDecile`]); `None` with fewer than two
/// recipients given money. Unlike `equity.burden.burden_top_decile_share` (hours among
/// people at meetings), this is money among recipients.
pub(crate) fn top_decile(recipients: &[RecipientFigures]) -> Option<TopDecile> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Parameters;
    use crate::measures::testkit::{person, Builder};
    use crate::measures::{dependency, Context, Window};
    use crate::model::{Dataset, PaymentType, Status};
    use proptest::prelude::*;

    /// The views of a dataset, over all time, as analysis computes them.
    fn of(data: &Dataset) -> Views {
        let ctx = Context::new(data, None, Window::default());
        let graph = crate::graph::build(&ctx, &Parameters::default());
        let partnerships =
            crate::measures::partnership::partnership_figures(&ctx, &Parameters::default());
        let amount = data.grants.iter().map(|g| g.amount.pounds()).sum();
        views(
            &graph,
            &dependency::recipients(&ctx),
            &graph.intermediaries(),
            &partnerships,
            amount,
        )
    }

    /// Asserts partnership P's hours by sector, each as (sector, [hours, paid, unpaid,
    /// payment unknown]).
    fn assert_hours_of_p(data: &Dataset, want: &[(Sector, [f64; 4])]) {
        let want: Vec<SectorHours> = want
            .iter()
            .map(|(sector, h)| SectorHours {
                partnership: "P".into(),
                sector: *sector,
                hours: h[0],
                paid_hours: h[1],
                unpaid_hours: h[2],
                payment_unknown_hours: h[3],
            })
            .collect();
        assert_eq!(of(data).partnership_hours, want);
    }

    /// Partnership P of the statutory fundholder F and the charity V; at its two-hour
    /// meeting M1, person 1 attends for F and person 2 for V.
    fn f_and_v_at_m1() -> Builder {
        Builder::all_files()
            .named_org("GB-LAE-F", "F", Sector::Statutory)
            .named_org("GB-CHC-V", "V", Sector::Vcse)
            .partnership("P", "GB-LAE-F", None)
            .meeting("M1", "2024-03-01", None, None)
            .row(1, Some("GB-LAE-F"), Status::Attended)
            .row(2, Some("GB-CHC-V"), Status::Attended)
    }

    #[test]
    fn hours_by_sector_per_partnership_by_hand() {
        // P: two-hour meetings M1 and M2. M1: the statutory fundholder F (salaried: paid),
        // two VCSE people of V (person 2 paid for M1, person 3 not), a community member
        // (unpaid), and person 5 of V absent. M2: person 3 of V for 1.5 hours (unpaid).
        // Statutory 2 h, all paid. VCSE: 2 + 2 + 1.5 = 5.5 h, paid 2, unpaid 3.5.
        // Individual (community): 2 h unpaid.
        let data = f_and_v_at_m1()
            .row(3, Some("GB-CHC-V"), Status::Attended)
            .row(4, None, Status::Attended)
            .row(5, Some("GB-CHC-V"), Status::Apologies)
            .meeting("M2", "2024-06-01", None, None)
            .row_hours(3, Some("GB-CHC-V"), Status::Attended, Some(1.5))
            .pay_meeting(person(2), "M1", PaymentType::Involvement)
            .data;
        assert_hours_of_p(
            &data,
            &[
                (Sector::Statutory, [2.0, 2.0, 0.0, 0.0]),
                (Sector::Vcse, [5.5, 2.0, 3.5, 0.0]),
                (Sector::Individual, [2.0, 0.0, 2.0, 0.0]),
            ],
        );
    }

    #[test]
    fn hours_without_payments_are_payment_unknown_except_salaried_statutory_time() {
        // No payments.csv: the VCSE member's 2 h cannot be split; the statutory 2 h are
        // salaried (paid).
        let data = f_and_v_at_m1().without_payments().data;
        assert_hours_of_p(
            &data,
            &[
                (Sector::Statutory, [2.0, 2.0, 0.0, 0.0]),
                (Sector::Vcse, [2.0, 0.0, 0.0, 2.0]),
            ],
        );
    }

    /// A gives B £100; B gives C £70 and D £50 (£20 of its own); E gives F £30 and C £10.
    fn chain() -> Dataset {
        Builder::default()
            .org("GB-LAE-A", Sector::Statutory)
            .org("GB-CHC-B", Sector::Vcse)
            .org("GB-CHC-C", Sector::Vcse)
            .org("GB-CHC-D", Sector::Vcse)
            .org("GB-COH-E", Sector::Private)
            .org("GB-CHC-F", Sector::Vcse)
            .grant("GB-LAE-A", "GB-CHC-B", 100, "2024-01-10")
            .grant("GB-CHC-B", "GB-CHC-C", 70, "2024-02-10")
            .grant("GB-CHC-B", "GB-CHC-D", 50, "2024-03-10")
            .grant("GB-COH-E", "GB-CHC-F", 30, "2024-04-10")
            .grant("GB-COH-E", "GB-CHC-C", 10, "2024-05-10")
            .build()
    }

    #[test]
    fn the_largest_recipients_and_their_funders_by_hand() {
        // Totals: B 100, C 70 + 10 = 80, D 50, F 30: largest first.
        let v = of(&chain());
        type Stack<'a> = (&'a str, f64, Vec<(&'a str, f64)>);
        let got: Vec<Stack> = v
            .top_recipients
            .iter()
            .map(|r| {
                let fs = r
                    .funders
                    .iter()
                    .map(|x| (x.funder.as_str(), x.amount))
                    .collect();
                (r.recipient.as_str(), r.total, fs)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("GB-CHC-B", 100.0, vec![("GB-LAE-A", 100.0)]),
                (
                    "GB-CHC-C",
                    80.0,
                    vec![("GB-CHC-B", 70.0), ("GB-COH-E", 10.0)]
                ),
                ("GB-CHC-D", 50.0, vec![("GB-CHC-B", 50.0)]),
                ("GB-CHC-F", 30.0, vec![("GB-COH-E", 30.0)]),
            ]
        );
    }

    #[test]
    fn the_largest_recipients_share_by_hand() {
        // All four recipients are shown: (100 + 80 + 50 + 30) ÷ all awards 260 = 1.
        assert_eq!(of(&chain()).top_recipients_share, Some(1.0));
        // Sixteen recipients given £1 … £16 (Σ 136): the largest 15 have 136 − 1 = 135.
        let mut b = Builder::default();
        for i in 1..=16 {
            b = b.grant("GB-LAE-A", &format!("GB-CHC-{i}"), i, "2024-01-10");
        }
        assert_eq!(of(&b.build()).top_recipients_share, Some(135.0 / 136.0));
        assert_eq!(of(&Dataset::default()).top_recipients_share, None);
    }

    #[test]
    fn unpaid_time_sums_the_partnerships() {
        // P and Q, one two-hour meeting each, one unpaid VCSE member at each (payments.csv
        // present, paying nobody): 2 h + 2 h = 4 h, worth 4 × the hourly rate r.
        let two = Builder::all_files()
            .named_org("GB-LAE-F", "F", Sector::Statutory)
            .named_org("GB-CHC-V", "V", Sector::Vcse)
            .partnership("P", "GB-LAE-F", None)
            .meeting("M1", "2024-03-01", None, None)
            .row(3, Some("GB-CHC-V"), Status::Attended)
            .partnership("Q", "GB-LAE-F", None)
            .meeting("M2", "2024-03-02", None, None)
            .row(7, Some("GB-CHC-V"), Status::Attended);
        let data = two.clone().build();
        let rate = Parameters::default().hourly_rate;
        assert_eq!(
            of(&data).unpaid_time,
            UnpaidTime {
                unpaid_value: Some(4.0 * rate),
                vcse_unpaid_hours: Some(4.0),
            }
        );
        // Without payments.csv the VCSE split is not known: no sum.
        let unknown = of(&two.without_payments().build()).unpaid_time;
        assert_eq!(unknown.vcse_unpaid_hours, None);
        assert_eq!(unknown.unpaid_value, None);
        // No partnerships: nothing unpaid, +0 (not −0).
        let none = of(&Dataset::default()).unpaid_time;
        assert_eq!(
            none.vcse_unpaid_hours.map(f64::is_sign_positive),
            Some(true)
        );
    }

    #[test]
    fn sector_flows_by_hand() {
        // B is the one intermediary (received 100, gave 120: £20 of its own).
        // Statutory funders → B 100; VCSE funders (B's own money) → B 20;
        // B → VCSE recipients 70 + 50 = 120; private funders → direct 30 + 10 = 40;
        // direct → VCSE recipients 40. Funder column 100 + 20 + 40 = 160
        // = all awards 260 − min(received 100, given 120).
        let v = of(&chain()).sector_flows;
        let b = FlowNode::Intermediary {
            rank: 0,
            id: crate::measures::testkit::org("GB-CHC-B"),
            sector: Sector::Vcse,
        };
        let funders = |sector| FlowNode::Funders { sector };
        let vcse = FlowNode::Recipients {
            sector: Sector::Vcse,
        };
        let flow = |from: &FlowNode, to: &FlowNode, amount| Flow {
            from: from.clone(),
            to: to.clone(),
            amount,
        };
        assert_eq!(
            v.flows,
            vec![
                flow(&funders(Sector::Statutory), &b, 100.0),
                flow(&funders(Sector::Vcse), &b, 20.0),
                flow(&funders(Sector::Private), &FlowNode::Direct, 40.0),
                flow(&FlowNode::Direct, &vcse, 40.0),
                flow(&b, &vcse, 120.0),
            ]
        );
        assert_eq!(v.funder_column, 160.0);
        assert_eq!(
            v.intermediaries,
            vec![crate::measures::testkit::org("GB-CHC-B")]
        );
        assert_eq!(v.other_intermediaries, 0);
    }

    #[test]
    fn the_top_decile_by_hand() {
        // Four recipients given 100, 80, 50, 30 (Σ 260): k = round(0.4) = 0, at least 1;
        // the largest has 100 ÷ 260.
        let v = of(&chain());
        assert_eq!(
            v.top_decile,
            Some(TopDecile {
                recipients: 4,
                largest: 1,
                share: 100.0 / 260.0
            })
        );
        // Fifteen recipients given £1 … £15 (Σ 120): k = round(1.5) = 2, the largest two
        // 15 + 14 = 29, share 29 ÷ 120.
        let mut b = Builder::default().org("GB-LAE-A", Sector::Statutory);
        for i in 1..=15 {
            b = b.grant("GB-LAE-A", &format!("GB-CHC-{i}"), i, "2024-01-10");
        }
        let v = of(&b.build());
        assert_eq!(
            v.top_decile,
            Some(TopDecile {
                recipients: 15,
                largest: 2,
                share: 29.0 / 120.0
            })
        );
        // One recipient: no distribution.
        let one = Builder::default()
            .grant("GB-LAE-A", "GB-CHC-B", 100, "2024-01-10")
            .build();
        assert_eq!(of(&one).top_decile, None);
        // Nothing at all: no views, nothing unpaid.
        let empty = of(&Dataset::default());
        assert_eq!(
            empty,
            Views {
                unpaid_time: UnpaidTime {
                    unpaid_value: Some(0.0),
                    vcse_unpaid_hours: Some(0.0),
                },
                ..Views::default()
            }
        );
    }

    /// Findings of grants (funder, recipient, pounds, day) among organisations GB-CHC-0…
    /// that both give and receive, so intermediaries (and chains of them) arise.
    fn findings(grants: &[(u8, u8, u16, u16)]) -> Option<crate::findings::Findings> {
        use crate::load::{load_inputs, Inputs, LoadOptions};
        let mut text = String::from("Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n");
        for (i, (f, r, pounds, day)) in grants.iter().enumerate() {
            let date = chrono::NaiveDate::from_ymd_opt(2022, 1, 1)?
                .checked_add_days(chrono::Days::new(u64::from(*day)))?;
            text.push_str(&format!(
                "G{i},{pounds},{date},GB-CHC-{f},Org {f},GB-CHC-{r},Org {r}\n"
            ));
        }
        let d = load_inputs(&Inputs::grants_csv(text), &LoadOptions::default()).ok()?;
        Some(crate::findings::analyse(
            &d,
            &crate::findings::AnalyseOptions::default(),
        ))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The funder column is the money awarded by original funders, each pound once,
        /// whatever the chains, self-grants and number of intermediaries (ids 0–15, so
        /// more than MAX_INTERMEDIARIES can arise); money out of the funders and into the
        /// recipients is all the money, less what intermediaries passed on, and the
        /// top-decile share is in (0, 1].
        #[test]
        fn the_funder_column_is_the_money_awarded_by_original_funders(
            grants in proptest::collection::vec((0u8..16, 0u8..16, 1u16..5_000, 0u16..700), 1..60),
        ) {
            let f = findings(&grants).ok_or_else(|| TestCaseError::fail("the grants did not load"))?;
            let v = &f.views.sector_flows;
            prop_assert!(
                (v.funder_column - f.totals.awarded_by_original_funders).abs() < 0.005,
                "{} vs {}",
                v.funder_column,
                f.totals.awarded_by_original_funders
            );
            let into_recipients: f64 = v
                .flows
                .iter()
                .filter(|x| matches!(x.to, FlowNode::Recipients { .. }))
                .map(|x| x.amount)
                .sum();
            let named_or_not = v.intermediaries.len() + v.other_intermediaries;
            prop_assert_eq!(named_or_not, f.regranting.intermediaries.len());
            // Every pound awarded reaches a recipient sector or an intermediary.
            prop_assert!(into_recipients <= f.totals.amount + 0.005);
            if let Some(t) = f.views.top_decile {
                prop_assert!(t.share > 0.0 && t.share <= 1.0 + 1e-12);
                prop_assert!(t.largest >= 1 && t.largest <= t.recipients);
            }
        }
    }
}
