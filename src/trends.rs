//! Trends: every headline figure per UK financial year (SPEC.md "Trends"), so a board sees
//! direction, not just a level.
//!
//! A trends year is exactly `--fy FY`: the window is 1 April FY – 31 March FY+1 and as_of is
//! that 31 March. Flow figures (money awarded, concentration, meetings, attendance) count
//! what happened in the year, so a grant is counted once, in the year of its award date,
//! however many years it runs; point-in-time figures (running grant funding and what ends
//! within 12 months) look at the grants active on the year's 31 March, so a multi-year grant
//! appears in every year it is running.
//!
//! The years are every financial year from the earliest to the latest award or meeting date
//! (a year with nothing in it is listed, with its reasons, rather than skipped). They do not
//! depend on `--from`/`--to`/`--fy`: the trend is the whole history. A figure built on too
//! little data is `None` with a reason in `notes`: concentration and the VCSE share need at
//! least `MIN_GRANTS` grants awarded in the year, the ending share at least `MIN_GRANTS`
//! running grants, and a partnership's shares and rates at least `MIN_MEETINGS` meetings.

use crate::config::Parameters;
use crate::measures::concentration;
use crate::measures::dependency::ending_summary;
use crate::measures::participation::SideRates;
use crate::measures::partnership::{partnership_figures_with, Detail};
use crate::measures::{Context, Window};
use crate::model::{Dataset, Pence, Sector};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// Money figures need at least this many grants in the year.
pub(crate) const MIN_GRANTS: usize = 5;
/// Partnership figures need at least this many meetings in the year.
pub(crate) const MIN_MEETINGS: usize = 4;

/// The headline figures of one financial year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TrendYear {
    /// The year it starts in: 2023 for 2023-24.
    pub(crate) fy: i32,
    /// `2023-24`.
    pub(crate) label: String,
    /// 1 April – 31 March.
    pub(crate) window: Window,
    /// The year's 31 March.
    pub(crate) as_of: NaiveDate,
    /// The year had ended by the dataset's latest award or meeting date (a later year is
    /// partial: its figures cover only part of it).
    pub(crate) complete: bool,
    /// Grants awarded in the year.
    pub(crate) grants: usize,
    /// Their amount, pounds.
    pub(crate) amount: f64,
    /// Amount by recipient sector, pounds (every sector, 0 when none).
    pub(crate) amount_by_sector: BTreeMap<Sector, f64>,
    /// HHI over recipients of all money awarded in the year.
    pub(crate) hhi: Option<f64>,
    /// Gini over recipients.
    pub(crate) gini: Option<f64>,
    /// Share of the year's money to the VCSE side.
    pub(crate) vcse_share: Option<f64>,
    /// VCSE-side grants running on the year's 31 March.
    pub(crate) active_grants: usize,
    /// Their annual value, pounds.
    pub(crate) active_annual: f64,
    /// The annual value of those ending within the following 12 months, pounds.
    pub(crate) ending_12m_annual: f64,
    /// ending_12m_annual ÷ active_annual.
    pub(crate) ending_12m_share: Option<f64>,
    /// Meetings in the year, all partnerships.
    pub(crate) meetings: usize,
    /// Why a figure is `None`, in words.
    pub(crate) notes: Vec<String>,
    /// Per partnership, by id.
    pub(crate) partnerships: Vec<PartnershipYear>,
}

/// One partnership's headline figures in one financial year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PartnershipYear {
    /// `Partnership ID`.
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// Meetings in the year.
    pub(crate) meetings: usize,
    /// Meetings hosted by the fundholder ÷ meetings with a host.
    pub(crate) host_share: Option<f64>,
    /// Meetings chaired by the fundholder ÷ meetings with a chair.
    pub(crate) chair_share: Option<f64>,
    /// The fundholder's attended rows ÷ all attended rows.
    pub(crate) seat_share: Option<f64>,
    /// VCSE-side unpaid hours ÷ VCSE-side hours.
    pub(crate) vcse_unpaid_share: Option<f64>,
    /// Attended ÷ all rows, per side.
    pub(crate) attendance_rate: SideRates,
    /// Why the figures are `None`, if they are.
    pub(crate) note: Option<String>,
    /// The counts behind the seat share and attendance rates, for disclosure control
    /// (`--public`); not written.
    #[serde(skip)]
    pub(crate) counts: crate::measures::partnership::RateCounts,
}

/// `2023` → `2023-24`.
pub fn fy_label(fy: i32) -> String {
    format!("{fy}-{:02}", (fy + 1).rem_euclid(100))
}

/// The UK financial year a date falls in: 2024-03-31 → 2023, 2024-04-01 → 2024.
pub(crate) fn fy_of(d: NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// Most financial years in the trends: the latest 30 with data back from the last award or
/// meeting date. A board reads direction over years, not centuries; without a bound a
/// dataset spanning 1900 to 2100 would cost 201 passes over it (and before dates were
/// bounded, one award dated 0000 cost 10,000). Earlier years are named in a note.
pub(crate) const MAX_TREND_YEARS: i32 = 30;

/// Every financial year from the first to the last award or meeting date, at most the
/// latest [`MAX_TREND_YEARS`]; and the years left out, if any (first, last).
fn years(data: &Dataset) -> (Vec<i32>, Option<(i32, i32)>) {
    let dates = data
        .grants
        .iter()
        .map(|g| g.award_date)
        .chain(data.meetings.iter().map(|m| m.date));
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for d in dates {
        let fy = fy_of(d);
        lo = lo.min(fy);
        hi = hi.max(fy);
    }
    if lo > hi {
        return (Vec::new(), None);
    }
    let first = lo.max(hi - (MAX_TREND_YEARS - 1));
    let left_out = (lo < first).then_some((lo, first - 1));
    ((first..=hi).collect(), left_out)
}

/// The trend series (see the module docs) of a dataset on its own, for the tests: the
/// analysis calls [`trends_in`]. O(years × (grants + attendance)).
#[cfg(test)]
pub(crate) fn trends(data: &Dataset, params: &Parameters) -> Vec<TrendYear> {
    trends_in(&Context::new(data, None, Window::default()), params)
}

/// The trend series (see the module docs), sharing `base`'s per-grant facts (periods, keys)
/// across the years. O(years × (grants + attendance)).
pub(crate) fn trends_in(base: &Context, params: &Parameters) -> Vec<TrendYear> {
    use rayon::prelude::*;
    let (years, left_out) = years(base.data);
    // Each year is independent: computed in parallel, collected in year order.
    let mut series: Vec<TrendYear> = years
        .into_par_iter()
        .filter_map(|fy| {
            let window = Window::financial_year(fy)?;
            let as_of = window.to?;
            Some(year(&base.at(Some(as_of), window), params, fy))
        })
        .collect();
    if let (Some((from, to)), Some(first)) = (left_out, series.first_mut()) {
        first.notes.insert(
            0,
            format!(
                "the trends show the latest {MAX_TREND_YEARS} financial years; {} to {} (earlier dates in the data) are left out",
                fy_label(from),
                fy_label(to)
            ),
        );
    }
    series
}

fn year(ctx: &Context, params: &Parameters, fy: i32) -> TrendYear {
    let (data, window, as_of, latest) = (ctx.data, ctx.window, ctx.as_of, ctx.latest);
    let label = fy_label(fy);
    let mut notes = Vec::new();

    let mut by_sector: BTreeMap<Sector, Pence> =
        Sector::ALL.iter().map(|s| (*s, Pence(0))).collect();
    let (mut grants, mut amount) = (0, Pence(0));
    for i in ctx.grants_in_window() {
        let g = &data.grants[i];
        grants += 1;
        amount += g.amount;
        *by_sector.entry(ctx.sector(i)).or_default() += g.amount;
    }
    let overall = concentration::overall(ctx);
    let enough_grants = grants >= MIN_GRANTS;
    if !enough_grants {
        notes.push(format!(
            "{grants} grant{} awarded in {label}: concentration and the VCSE share need at least {MIN_GRANTS}",
            if grants == 1 { "" } else { "s" }
        ));
    }
    let ending = ending_summary(ctx);
    if ending.active_grants < MIN_GRANTS {
        notes.push(format!(
            "{} VCSE-side grant{} running on {as_of}: the ending share needs at least {MIN_GRANTS}",
            ending.active_grants,
            if ending.active_grants == 1 { "" } else { "s" }
        ));
    }

    let partnerships: Vec<PartnershipYear> =
        partnership_figures_with(ctx, params, Detail::Meetings)
            .into_iter()
            .map(|p| {
                let enough = p.meetings >= MIN_MEETINGS;
                let keep = |x: Option<f64>| x.filter(|_| enough);
                PartnershipYear {
                    note: (!enough).then(|| {
                        format!(
                        "{} meeting{} in {label}: shares and rates need at least {MIN_MEETINGS}",
                        p.meetings,
                        if p.meetings == 1 { "" } else { "s" }
                    )
                    }),
                    host_share: keep(p.host_share),
                    chair_share: keep(p.chair_share),
                    seat_share: keep(p.seat_share),
                    vcse_unpaid_share: keep(p.vcse_unpaid_share),
                    attendance_rate: SideRates {
                        statutory: keep(p.attendance_rate.statutory),
                        vcse: keep(p.attendance_rate.vcse),
                    },
                    counts: p.counts,
                    id: p.id,
                    name: p.name,
                    meetings: p.meetings,
                }
            })
            .collect();

    TrendYear {
        fy,
        label,
        window,
        as_of,
        complete: latest.is_some_and(|l| as_of <= l),
        grants,
        amount: amount.pounds(),
        amount_by_sector: by_sector
            .into_iter()
            .map(|(s, p)| (s, p.pounds()))
            .collect(),
        hhi: overall.hhi.filter(|_| enough_grants),
        gini: overall.gini.filter(|_| enough_grants),
        vcse_share: overall.vcse_share.filter(|_| enough_grants),
        active_grants: ending.active_grants,
        active_annual: ending.active_annual,
        ending_12m_annual: ending.ending_12m_annual,
        ending_12m_share: ending
            .ending_12m_share
            .filter(|_| ending.active_grants >= MIN_GRANTS),
        meetings: data
            .meetings
            .iter()
            .filter(|m| window.contains(m.date))
            .count(),
        notes,
        partnerships,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::testkit::Builder;
    use crate::model::Status;

    #[test]
    fn financial_years_turn_on_1_april() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(fy_of(d("2024-03-31")), 2023);
        assert_eq!(fy_of(d("2024-04-01")), 2024);
        assert_eq!(fy_of(d("2024-01-15")), 2023);
        assert_eq!(fy_label(2023), "2023-24");
        assert_eq!(fy_label(1999), "1999-00");
    }

    /// Six grants from F straddling 31 March / 1 April 2024, and a three-year grant.
    fn straddle() -> Builder {
        let mut fx = Builder::all_files()
            .named_org("GB-F", "Funder", Sector::Statutory)
            .named_org("GB-V1", "V1", Sector::Vcse)
            .named_org("GB-V2", "V2", Sector::Vcse)
            .named_org("GB-S1", "S1", Sector::Statutory);
        // 2023-24: five grants, the last on 31 March 2024.
        for (who, pounds, day) in [
            ("GB-V1", 100, "2023-04-01"),
            ("GB-V1", 100, "2023-09-01"),
            ("GB-V2", 100, "2023-12-01"),
            ("GB-V2", 100, "2024-02-01"),
            ("GB-S1", 600, "2024-03-31"),
        ] {
            fx = fx.grant("GB-F", who, pounds, day);
        }
        // 2024-25: 1 April 2024, £3,000 to V1 for 36 months (to 2027-03-31).
        fx.grant("GB-F", "GB-V1", 3000, "2024-04-01").months(36.0)
    }

    /// The trends of [`straddle`] with more grants from F: (recipient, pounds, award date).
    fn straddle_with(grants: &[(&str, i64, &str)]) -> Vec<TrendYear> {
        let fx = grants.iter().fold(straddle(), |fx, (to, pounds, day)| {
            fx.grant("GB-F", to, *pounds, day)
        });
        trends(&fx.data, &Parameters::default())
    }

    #[test]
    fn a_31_march_grant_is_in_the_year_ending_that_day() {
        let t = trends(&straddle().data, &Parameters::default());
        let labels: Vec<&str> = t.iter().map(|y| y.label.as_str()).collect();
        assert_eq!(labels, ["2023-24", "2024-25"]);
        let (y23, y24) = (&t[0], &t[1]);
        // 2023-24: 5 grants, £1,000: V1 200, V2 200, S1 600. VCSE share 400/1000 = 0.4.
        // Recipients 200/200/600: HHI = 400 + 400 + 3600 = 4400.
        assert_eq!((y23.grants, y23.amount), (5, 1000.0));
        assert_eq!(y23.amount_by_sector[&Sector::Vcse], 400.0);
        assert_eq!(y23.amount_by_sector[&Sector::Statutory], 600.0);
        assert_eq!(y23.amount_by_sector[&Sector::Private], 0.0);
        assert_eq!(y23.vcse_share, Some(0.4));
        assert!(y23.hhi.is_some_and(|h| (h - 4400.0).abs() < 1e-9));
        assert_eq!(y23.as_of.to_string(), "2024-03-31");
        assert!(y23.complete, "the data runs to 2024-04-01");
        // 2024-25: the 1 April grant only: one grant, too few for concentration.
        assert_eq!((y24.grants, y24.amount), (1, 3000.0));
        assert_eq!((y24.hhi, y24.vcse_share), (None, None));
        assert!(y24
            .notes
            .iter()
            .any(|n| n.starts_with("1 grant awarded in 2024-25")));
        assert!(!y24.complete, "2025-03-31 is after the last date");
    }

    #[test]
    fn the_span_is_bounded_to_the_latest_years_and_the_rest_is_named() {
        // Grants in 1900-01 and 2100-01: 201 financial years from first to last. The trends
        // keep the latest 30, 2071-72 ..= 2100-01, and say that 1900-01 to 2070-71 are out.
        let t = straddle_with(&[("GB-V1", 100, "1900-06-01"), ("GB-V2", 100, "2100-06-01")]);
        assert_eq!(t.len(), MAX_TREND_YEARS as usize);
        assert_eq!(t.first().map(|y| y.fy), Some(2071));
        assert_eq!(t.last().map(|y| y.fy), Some(2100));
        assert_eq!(
            t[0].notes.first().map(String::as_str),
            Some("the trends show the latest 30 financial years; 1900-01 to 2070-71 (earlier dates in the data) are left out")
        );
        // Within the bound nothing is left out, and no note says so.
        let t = trends(&straddle().data, &Parameters::default());
        assert!(t
            .iter()
            .all(|y| y.notes.iter().all(|n| !n.contains("left out"))));
    }

    #[test]
    fn a_multi_year_grant_is_counted_once_but_runs_in_every_year() {
        // Two more years with a grant each, so the series runs to 2026-27.
        let t = straddle_with(&[("GB-V2", 50, "2025-06-01"), ("GB-V2", 50, "2026-06-01")]);
        assert_eq!(t.len(), 4);
        // Awarded: £3,000 in 2024-25 only, never again.
        assert_eq!(
            t.iter().map(|y| y.amount).collect::<Vec<_>>(),
            [1000.0, 3000.0, 50.0, 50.0]
        );
        // Running: the 36-month grant, 2024-04-01..2027-03-31 = 1,095 days = 2.998 years,
        // annual £3,000 ÷ 2.998 = £1,000.68, is active on 31 March 2025, 2026 and 2027;
        // each £50 grant runs 12 months from June, so it is active on the next 31 March.
        let annual = 3000.0 / (1095.0 / 365.25);
        let running: Vec<f64> = t.iter().map(|y| y.active_annual).collect();
        assert!((running[1] - annual).abs() < 1e-9, "{running:?}");
        assert!((running[2] - (annual + 50.0)).abs() < 1e-9, "{running:?}");
        assert!((running[3] - (annual + 50.0)).abs() < 1e-9, "{running:?}");
        // On 31 March 2024 it had not started; the four VCSE grants of 2023-24 are running
        // (the 1 April 2023 one ends that very day). Each 12-month period holds 29 Feb 2024,
        // so 366 days = 1.00205 years: annual £100 × 365.25 ÷ 366 = £99.795, four of them
        // £399.18.
        let four = 4.0 * 100.0 * 365.25 / 366.0;
        assert_eq!(t[0].active_grants, 4);
        assert!((t[0].active_annual - four).abs() < 1e-9);
        // All four end within 12 months, but 4 grants are too few for the share.
        assert!((t[0].ending_12m_annual - four).abs() < 1e-9);
        assert_eq!(t[0].ending_12m_share, None);
    }

    #[test]
    fn partnerships_need_four_meetings_a_year() {
        let mut fx = Builder::all_files()
            .named_org("GB-S1", "S1", Sector::Statutory)
            .named_org("GB-V1", "V1", Sector::Vcse)
            .partnership("P1", "GB-S1", None);
        // 2023-24: four meetings, hosted by S1, S1, S1, V1 → 0.75. 2024-25: three.
        for (m, day, host) in [
            ("M1", "2023-05-01", "GB-S1"),
            ("M2", "2023-08-01", "GB-S1"),
            ("M3", "2023-11-01", "GB-S1"),
            ("M4", "2024-03-31", "GB-V1"),
            ("M5", "2024-04-01", "GB-V1"),
            ("M6", "2024-08-01", "GB-V1"),
            ("M7", "2024-11-01", "GB-S1"),
        ] {
            fx = fx
                .meeting(m, day, Some(host), None)
                .row(1, Some("GB-S1"), Status::Attended)
                .row(2, Some("GB-V1"), Status::Absent);
        }
        let t = trends(&fx.data, &Parameters::default());
        let p23 = &t[0].partnerships[0];
        assert_eq!((p23.meetings, p23.host_share), (4, Some(0.75)));
        assert_eq!(p23.attendance_rate.vcse, Some(0.0));
        assert_eq!(p23.note, None);
        let p24 = &t[1].partnerships[0];
        assert_eq!((p24.meetings, p24.host_share), (3, None));
        assert!(p24
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("3 meetings in 2024-25")));
        assert_eq!(t[1].meetings, 3);
    }

    #[test]
    fn an_empty_dataset_has_no_years() {
        assert!(trends(&Dataset::default(), &Parameters::default()).is_empty());
    }
}
