//! Recipient dependency and funding cliffs (SPEC.md "Recipient dependency", "Funding cliff",
//! "Who can be flagged").
//!
//! Per recipient organisation:
//! - total, grants, funders: grants awarded in the window.
//! - top_funder_share = the largest share of its window total from one funder (ties: the
//!   smallest funder identifier); `None` when its window total is £0.
//! - active_annual = Σ annual value of its grants active at as_of (awarded on or before
//!   as_of, whatever `--from` says).
//! - dependency = active annual value from its largest active funder ÷ annual income
//!   (organisations.csv; basis `income`), else ÷ all its active annual value (basis
//!   `recorded`). Reading (METHOD.md): with no active grants there is nothing to depend on
//!   and dependency is `None` on both bases.
//! - ending_12m_share = annual value of active grants ending on or before as_of + 365 days ÷
//!   annual value of all its active grants (`None` without active grants).
//! - ending_on_as_of_annual: the part of ending_12m_annual from grants ending on as_of itself,
//!   reported apart (issue 18): when as_of is the last date in the data, grants ending that
//!   day may be where the data stops rather than a cliff ahead, and when it is a date the
//!   user chose they are money stopping tomorrow. SPEC.md's ending_12m_share still counts
//!   them (an active grant ends on or before the horizon), so the figure is unchanged.
//!
//! Listed: every organisation that received a grant in the window, and every organisation
//! with a grant active at as_of even if none fell in the window (total 0). Grants to
//! individuals are one line per funder (`individuals:FUNDER`), never listed by person.
//!
//! Per quarter (whole dataset, VCSE-side recipients): the annual value of active grants
//! ending in each of the eight UK financial-year quarters from the one holding as_of.
//!
//! Complexity: O(g log r).

use super::keys::{FastMap, Party};
use super::period::{quarter_label, quarter_start};
use super::Context;
use crate::model::{OrgId, Pence, Sector};
use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// What a dependency figure divides by (findings.json writes `income` or `recorded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DependencyBasis {
    /// The organisation's annual income, from organisations.csv.
    Income,
    /// All its active annual value in the grants data (no income known).
    Recorded,
}

/// Days ahead that count as "ending within 12 months".
pub(crate) const CLIFF_HORIZON_DAYS: u64 = 365;

/// What is known about one recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RecipientFigures {
    /// Organisation identifier, or `individuals:FUNDER` for a funder's grants to people.
    pub(crate) id: String,
    /// Name.
    pub(crate) name: String,
    /// Sector.
    pub(crate) sector: Sector,
    /// Money awarded in the window, pounds.
    pub(crate) total: f64,
    /// Grants awarded in the window (grants to people on an `individuals:` line: disclosed
    /// under `--public`).
    pub(crate) grants: crate::disclosure::Count,
    /// Distinct funders in the window.
    pub(crate) funders: usize,
    /// The funder giving most in the window.
    pub(crate) top_funder: Option<OrgId>,
    /// Its share of the window total.
    pub(crate) top_funder_share: Option<f64>,
    /// Annual value of grants active at as_of, pounds.
    pub(crate) active_annual: f64,
    /// Active grants at as_of (to people on an `individuals:` line).
    pub(crate) active_grants: crate::disclosure::Count,
    /// Funders with active grants at as_of.
    pub(crate) active_funders: usize,
    /// The largest active funder.
    pub(crate) top_active_funder: Option<OrgId>,
    /// Its active annual value, pounds.
    pub(crate) top_active_annual: f64,
    /// Annual income from organisations.csv, pounds.
    pub(crate) annual_income: Option<f64>,
    /// Dependency on the largest active funder.
    pub(crate) dependency: Option<f64>,
    /// What `dependency` divides by.
    pub(crate) dependency_basis: Option<DependencyBasis>,
    /// Annual value of active grants ending within 12 months, pounds.
    pub(crate) ending_12m_annual: f64,
    /// Its share of all active annual value.
    pub(crate) ending_12m_share: Option<f64>,
    /// Of ending_12m_annual, the annual value of grants ending on as_of itself, pounds.
    pub(crate) ending_on_as_of_annual: f64,
}

#[derive(Default)]
struct Acc {
    /// Summed in pence: exact, whatever the order.
    total: Pence,
    grants: usize,
    /// By funder number (identifier order; see [`super::keys`]).
    by_funder: FastMap<u32, Pence>,
    active: FastMap<u32, f64>,
    active_grants: usize,
    ending: f64,
    ending_on_as_of: f64,
    /// All active annual value, summed in the same order as `ending` so that a recipient
    /// whose every grant ends soon gets exactly 1, not 1.0000000000000002.
    active_total: f64,
}

/// The largest value in a map, ties going to the smallest key (funder numbers follow
/// identifier order, so the smallest identifier).
fn largest<V: Copy + PartialOrd>(map: &FastMap<u32, V>) -> Option<(u32, V)> {
    let mut entries: Vec<(u32, V)> = map.iter().map(|(k, v)| (*k, *v)).collect();
    entries.sort_unstable_by_key(|(k, _)| *k);
    entries.into_iter().fold(None, |best, (k, v)| match best {
        Some((_, b)) if b >= v => best,
        _ => Some((k, v)),
    })
}

/// Whom a grant's money counts for: an organisation, or the people one funder supports
/// (one line per funder, never per person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Line {
    Org(u32),
    Individuals(u32),
}

/// Dependency and cliff figures for every listed recipient, sorted by id.
pub(crate) fn recipients(ctx: &Context) -> Vec<RecipientFigures> {
    let horizon = ctx
        .as_of
        .checked_add_days(Days::new(CLIFF_HORIZON_DAYS))
        .unwrap_or(NaiveDate::MAX);
    let keys = &ctx.keys;
    let mut accs: FastMap<Line, (Sector, Acc)> = FastMap::default();
    for (i, g) in ctx.data.grants.iter().enumerate() {
        let in_window = ctx.window.contains(g.award_date);
        let p = &ctx.periods[i];
        let active = g.award_date <= ctx.as_of && p.is_active(ctx.as_of);
        if !in_window && !active {
            continue;
        }
        let funder = keys.funder[i];
        let line = match keys.recipient[i] {
            Party::Org(o) => Line::Org(o),
            Party::Person(_) => Line::Individuals(funder),
        };
        let sector = ctx.sector(i);
        let (_, acc) = accs.entry(line).or_insert_with(|| (sector, Acc::default()));
        if in_window {
            acc.total += g.amount;
            acc.grants += 1;
            *acc.by_funder.entry(funder).or_default() += g.amount;
        }
        if active {
            *acc.active.entry(funder).or_default() += p.annual_value;
            acc.active_total += p.annual_value;
            acc.active_grants += 1;
            if p.end <= horizon {
                acc.ending += p.annual_value;
            }
            if p.end == ctx.as_of {
                acc.ending_on_as_of += p.annual_value;
            }
        }
    }
    let mut out: Vec<RecipientFigures> = accs
        .into_iter()
        .map(|(line, (sector, acc))| {
            let (id, org) = match line {
                Line::Org(o) => {
                    let id = &keys.orgs[o as usize];
                    (id.to_string(), ctx.data.organisations.get(id))
                }
                Line::Individuals(f) => (
                    crate::model::NodeId::Individuals {
                        via: keys.orgs[f as usize].as_str(),
                    }
                    .text(),
                    None,
                ),
            };
            figures(ctx, id, sector, org, acc)
        })
        .collect();
    out.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    out
}

fn figures(
    ctx: &Context,
    id: String,
    sector: Sector,
    org: Option<&crate::model::Organisation>,
    acc: Acc,
) -> RecipientFigures {
    let via = match crate::model::NodeId::parse(&id) {
        crate::model::NodeId::Individuals { via } => Some(via),
        _ => None,
    };
    let individuals = via.is_some();
    let name = match via {
        Some(funder) => {
            let funder_name =
                OrgId::parse(funder).map_or(funder.to_owned(), |f| ctx.data.name_of(&f));
            format!("Individuals funded by {funder_name}")
        }
        None => org.map_or_else(|| id.clone(), |o| o.name.clone()),
    };
    let top = largest(&acc.by_funder);
    let top_active = largest(&acc.active);
    let active_annual = acc.active_total;
    let income = org
        .and_then(|o| o.annual_income)
        .map(|p| p.pounds())
        .filter(|i| *i > 0.0);
    let (dependency, basis) = match (top_active, income) {
        (Some((_, top)), Some(inc)) => (Some(top / inc), Some(DependencyBasis::Income)),
        (Some((_, top)), None) if active_annual > 0.0 => {
            (Some(top / active_annual), Some(DependencyBasis::Recorded))
        }
        _ => (None, None),
    };
    RecipientFigures {
        name,
        sector,
        total: acc.total.pounds(),
        grants: crate::disclosure::Count {
            n: acc.grants,
            people: individuals,
        },
        funders: acc.by_funder.len(),
        top_funder: top.map(|(f, _)| ctx.keys.orgs[f as usize].clone()),
        top_funder_share: top
            .filter(|_| acc.total.0 > 0)
            .map(|(_, v)| v.0 as f64 / acc.total.0 as f64),
        active_annual,
        active_grants: crate::disclosure::Count {
            n: acc.active_grants,
            people: individuals,
        },
        active_funders: acc.active.len(),
        top_active_funder: top_active.map(|(f, _)| ctx.keys.orgs[f as usize].clone()),
        top_active_annual: top_active.map_or(0.0, |(_, v)| v),
        annual_income: income,
        dependency: if individuals { None } else { dependency },
        dependency_basis: if individuals { None } else { basis },
        ending_12m_annual: acc.ending,
        // A part of a sum of positives cannot exceed it; `min` only guards rounding.
        ending_12m_share: (active_annual > 0.0).then(|| (acc.ending / active_annual).min(1.0)),
        ending_on_as_of_annual: acc.ending_on_as_of,
        id,
    }
}

/// Annual value of VCSE-side active grants ending in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct QuarterEnding {
    /// UK financial-year quarter, e.g. `2025-26 Q1` (April–June 2025).
    pub(crate) quarter: String,
    /// First day.
    pub(crate) from: NaiveDate,
    /// Last day.
    pub(crate) to: NaiveDate,
    /// Annual value of active grants ending in it, pounds.
    pub(crate) annual_value_ending: f64,
    /// How many grants.
    pub(crate) grants: usize,
}

/// Annual value of VCSE-side active grants ending per quarter, for the eight quarters from
/// the one holding as_of.
pub(crate) fn cliff_by_quarter(ctx: &Context) -> Vec<QuarterEnding> {
    let Some(first) = quarter_start(ctx.as_of) else {
        return Vec::new();
    };
    let mut quarters: Vec<QuarterEnding> = (0..8)
        .filter_map(|k| {
            let from = first.checked_add_months(Months::new(3 * k))?;
            let to = from.checked_add_months(Months::new(3))?.pred_opt()?;
            Some(QuarterEnding {
                quarter: quarter_label(from),
                from,
                to,
                annual_value_ending: 0.0,
                grants: 0,
            })
        })
        .collect();
    for i in ctx.active_grants() {
        if !ctx.sector(i).is_vcse_organisation() {
            continue;
        }
        let end = ctx.periods[i].end;
        if let Some(q) = quarters.iter_mut().find(|q| q.from <= end && end <= q.to) {
            q.annual_value_ending += ctx.periods[i].annual_value;
            q.grants += 1;
        }
    }
    quarters
}

/// Running grant funding of VCSE-side organisations (vcse, unknown) at as_of, and how much
/// of it ends within 12 months: the area's funding cliff in one figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct EndingSummary {
    /// Grants active at as_of.
    pub(crate) active_grants: usize,
    /// Their annual value, pounds.
    pub(crate) active_annual: f64,
    /// The annual value of those ending on or before as_of + 365 days.
    pub(crate) ending_12m_annual: f64,
    /// ending_12m_annual ÷ active_annual (`None` with nothing running).
    pub(crate) ending_12m_share: Option<f64>,
    /// Of ending_12m_annual, the annual value of grants ending on as_of itself, pounds.
    pub(crate) ending_on_as_of_annual: f64,
}

/// The [`EndingSummary`] at `ctx.as_of`. O(grants).
pub(crate) fn ending_summary(ctx: &Context) -> EndingSummary {
    let horizon = ctx
        .as_of
        .checked_add_days(Days::new(CLIFF_HORIZON_DAYS))
        .unwrap_or(NaiveDate::MAX);
    let mut s = EndingSummary::default();
    for i in ctx.active_grants() {
        if !ctx.sector(i).is_vcse_organisation() {
            continue;
        }
        let p = &ctx.periods[i];
        s.active_grants += 1;
        s.active_annual += p.annual_value;
        if p.end <= horizon {
            s.ending_12m_annual += p.annual_value;
        }
        if p.end == ctx.as_of {
            s.ending_on_as_of_annual += p.annual_value;
        }
    }
    s.ending_12m_share = (s.active_annual > 0.0).then(|| s.ending_12m_annual / s.active_annual);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::testkit::{date, org, Builder};
    use crate::measures::Window;

    fn find<'a>(r: &'a [RecipientFigures], id: &str) -> &'a RecipientFigures {
        r.iter()
            .find(|x| x.id == id)
            .unwrap_or_else(|| panic!("{id} is not listed"))
    }

    #[test]
    fn dependency_on_income_and_on_recorded_funding() {
        // Periods of exactly 365 days are one year, so annual value = amount.
        let (start, end) = ("2024-07-01", "2025-06-30");
        let d = Builder::default()
            .org("R1", Sector::Vcse)
            .income("R1", 200)
            .org("R2", Sector::Unknown)
            .grant("F", "R1", 50, "2024-06-01")
            .period(start, end)
            .grant("G", "R1", 100, "2024-06-01")
            .period(start, end)
            .grant("F", "R2", 30, "2024-06-01")
            .period(start, end)
            .grant("F", "R2", 10, "2024-06-01")
            .period(start, end)
            .build();
        let ctx = Context::new(&d, Some(date("2024-12-31")), Window::default());
        let r = recipients(&ctx);
        // R1: largest active funder G, £100 a year ÷ income £200 = 0.5 (income basis).
        let r1 = find(&r, "R1");
        assert_eq!(
            (r1.dependency, r1.dependency_basis),
            (Some(0.5), Some(DependencyBasis::Income))
        );
        assert_eq!(r1.top_active_funder, Some(org("G")));
        // Window total 150: top funder G 100 → 0.667.
        assert!((r1.top_funder_share.unwrap_or(0.0) - 100.0 / 150.0).abs() < 1e-12);
        // R2: one funder with 40 of 40 a year → recorded basis 1.0, one active funder.
        let r2 = find(&r, "R2");
        assert_eq!(
            (r2.dependency, r2.dependency_basis, r2.active_funders),
            (Some(1.0), Some(DependencyBasis::Recorded), 1)
        );
    }

    #[test]
    fn cliff_share_and_listing_of_active_grants_outside_the_window() {
        // as_of 2024-12-31; horizon 2025-12-31.
        // A: 2024-07-01..2025-06-30 £100 (365 days → 1 year → £100 a year), ends in horizon.
        // B: 2024-07-01..2027-06-30 £300: 1,095 days → 2.99795 years → £100.068 a year.
        // ending_12m_share = 100 / (100 + 300 × 365.25 / 1095) = 0.49983.
        let d = Builder::default()
            .org("R", Sector::Vcse)
            .grant("F", "R", 100, "2024-06-01")
            .period("2024-07-01", "2025-06-30")
            .grant("G", "R", 300, "2023-06-01")
            .period("2024-07-01", "2027-06-30")
            .build();
        let w = Window {
            from: Some(date("2024-01-01")),
            to: None,
        };
        let ctx = Context::new(&d, Some(date("2024-12-31")), w);
        let r = find(&recipients(&ctx), "R").clone();
        let expected = 100.0 / (100.0 + 300.0 * 365.25 / 1095.0);
        assert!((r.ending_12m_share.unwrap_or(0.0) - expected).abs() < 1e-12);
        // B was awarded before the window: not in total, but active, so counted here.
        assert_eq!((r.total, r.grants.n, r.active_grants.n), (100.0, 1, 2));
        // The quarter table: A ends 2025-06-30, in 2025-26 Q1 (Apr–Jun 2025); B ends beyond
        // the eight quarters from 2024-25 Q3.
        let q = cliff_by_quarter(&ctx);
        assert_eq!(q.len(), 8);
        assert_eq!(q[0].quarter, "2024-25 Q3");
        assert_eq!(
            (q[2].quarter.as_str(), q[2].annual_value_ending, q[2].grants),
            ("2025-26 Q1", 100.0, 1)
        );
        assert_eq!(q.iter().map(|x| x.grants).sum::<usize>(), 1);
    }

    #[test]
    fn no_active_grants_means_no_dependency_and_individuals_are_one_line() {
        let d = Builder::default()
            .org("R", Sector::Vcse)
            .income("R", 1000)
            .grant("F", "R", 100, "2020-01-01")
            .grant("F", "person:1", 5, "2024-01-01")
            .grant("F", "person:2", 7, "2024-01-01")
            .build();
        let ctx = Context::new(&d, Some(date("2024-06-30")), Window::default());
        let r = recipients(&ctx);
        let old = find(&r, "R");
        assert_eq!((old.dependency, old.ending_12m_share), (None, None));
        let ind = find(&r, "individuals:F");
        assert_eq!(
            (ind.grants, ind.total, ind.sector),
            (
                crate::disclosure::Count { n: 2, people: true },
                12.0,
                Sector::Individual
            )
        );
        assert_eq!(ind.dependency, None);
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn ending_summary_by_hand() {
        // At 2024-06-30: V (vcse) has £1,200 for 2024-01-01..2024-12-31 (366 days, a leap
        // year: 1.00205 years, annual £1,200 × 365.25 ÷ 366 = £1,197.54, ends within 365
        // days) and £3,000 for 2024-01-01..2026-12-31 (1,096 days = 3.0007 years, annual
        // £999.77, ends after). S (statutory) is not VCSE-side; an expired grant is not
        // running.
        let d = Builder::default()
            .org("V", Sector::Vcse)
            .org("S", Sector::Statutory)
            .grant("F", "V", 1200, "2024-01-01")
            .period("2024-01-01", "2024-12-31")
            .grant("F", "V", 3000, "2024-01-01")
            .period("2024-01-01", "2026-12-31")
            .grant("F", "S", 9000, "2024-01-01")
            .period("2024-01-01", "2024-12-31")
            .grant("F", "V", 500, "2022-01-01")
            .period("2022-01-01", "2022-12-31")
            .build();
        let ctx = Context::new(&d, Some(date("2024-06-30")), Window::default());
        let s = ending_summary(&ctx);
        let short = 1200.0 * 365.25 / 366.0;
        let long = 3000.0 * 365.25 / 1096.0;
        assert_eq!(s.active_grants, 2);
        assert!((s.active_annual - (short + long)).abs() < 1e-9);
        assert!((s.ending_12m_annual - short).abs() < 1e-9);
        assert!(s
            .ending_12m_share
            .is_some_and(|x| (x - short / (short + long)).abs() < 1e-12));
        // Nothing running: no share, not 0.
        let ctx = Context::new(&d, Some(date("2030-01-01")), Window::default());
        assert_eq!(ending_summary(&ctx).ending_12m_share, None);
    }
}
