//! Grant periods, annual values and activity (SPEC.md "Grant period").
//!
//! - start = `Planned Dates:Start Date`, else the award date.
//! - end = `Planned Dates:End Date`, else start + `Duration (months)` − 1 day, else
//!   start + 12 months − 1 day. Calendar months: 2024-01-31 + 1 month is 2024-02-29 (the
//!   month end), so the grant ends 2024-02-28. A fractional duration adds its whole months by
//!   calendar and the fraction as `fraction × 30.4375` days, rounded (METHOD.md reading).
//! - years = max(1, (end − start + 1 day) ÷ 365.25), used literally: a six-month grant counts
//!   as one year, so its annual value is its amount.
//! - annual value = amount ÷ years.
//! - active at `as_of` when start ≤ as_of ≤ end.
//! - length in months = calendar months from start to end + 1 day, plus the part-month as a
//!   fraction of the month it falls in (2024-03-01..2027-02-28 → 36; Duration 36 → 36).
//!
//! O(1) per grant.

use crate::model::Grant;
use chrono::{Datelike, Days, Months, NaiveDate};

/// Days in an average month (365.25 ÷ 12), for fractional durations.
const DAYS_PER_MONTH: f64 = 30.4375;

/// The period of one grant and the figures derived from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GrantPeriod {
    /// First day.
    pub(crate) start: NaiveDate,
    /// Last day (inclusive).
    pub(crate) end: NaiveDate,
    /// max(1, days ÷ 365.25).
    pub(crate) years: f64,
    /// Amount ÷ years, in pounds.
    pub(crate) annual_value: f64,
    /// Length in calendar months.
    pub(crate) months: f64,
}

impl GrantPeriod {
    /// The period of a grant.
    pub(crate) fn of(g: &Grant) -> GrantPeriod {
        let start = g.planned_start.unwrap_or(g.award_date);
        let end = g
            .planned_end
            .or_else(|| g.duration_months.and_then(|m| end_after_months(start, m)))
            .or_else(|| end_after_months(start, 12.0))
            .unwrap_or(start);
        let days = (end - start).num_days() + 1;
        let years = (days as f64 / 365.25).max(1.0);
        GrantPeriod {
            start,
            end,
            years,
            annual_value: g.amount.pounds() / years,
            months: months_between(start, end),
        }
    }

    /// start ≤ as_of ≤ end.
    pub(crate) fn is_active(&self, as_of: NaiveDate) -> bool {
        self.start <= as_of && as_of <= self.end
    }
}

/// start + `months` − 1 day; `None` when the date would leave chrono's range.
pub(crate) fn end_after_months(start: NaiveDate, months: f64) -> Option<NaiveDate> {
    if !(months.is_finite() && months > 0.0 && months < 12_000.0) {
        return None;
    }
    let whole = months.trunc() as u32;
    let extra_days = ((months - months.trunc()) * DAYS_PER_MONTH).round() as u64;
    start
        .checked_add_months(Months::new(whole))?
        .checked_add_days(Days::new(extra_days))?
        .checked_sub_days(Days::new(1))
}

/// Calendar months from `start` to `end` + 1 day: whole months, plus the remaining days as a
/// fraction of the following month's length.
pub(crate) fn months_between(start: NaiveDate, end: NaiveDate) -> f64 {
    let Some(stop) = end.succ_opt() else {
        return 0.0;
    };
    if stop <= start {
        return 0.0;
    }
    let mut whole = (stop.year() - start.year()) * 12 + stop.month() as i32 - start.month() as i32;
    let at = |m: i32| start.checked_add_months(Months::new(m.max(0) as u32));
    while whole > 0 && at(whole).is_none_or(|d| d > stop) {
        whole -= 1;
    }
    let (Some(from), Some(next)) = (at(whole), at(whole + 1)) else {
        return f64::from(whole.max(0));
    };
    let rest = (stop - from).num_days() as f64;
    let month_len = (next - from).num_days() as f64;
    f64::from(whole)
        + if month_len > 0.0 {
            rest / month_len
        } else {
            0.0
        }
}

/// The first day of the UK financial-year quarter holding `d` (quarters start 1 April,
/// 1 July, 1 October, 1 January).
pub(crate) fn quarter_start(d: NaiveDate) -> Option<NaiveDate> {
    let m = ((d.month() - 1) / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(d.year(), m, 1)
}

pub(crate) fn quarter_label(start: NaiveDate) -> String {
    // Financial year starts in April: Apr–Jun is Q1 of FY y/y+1; Jan–Mar is Q4 of y−1/y.
    let (fy, q) = match start.month() {
        4 => (start.year(), 1),
        7 => (start.year(), 2),
        10 => (start.year(), 3),
        _ => (start.year() - 1, 4),
    };
    format!("{fy}-{:02} Q{q}", (fy + 1) % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OrgId, Pence, Recipient};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn grant(
        amount: i64,
        award: &str,
        start: Option<&str>,
        end: Option<&str>,
        months: Option<f64>,
    ) -> Grant {
        let org = OrgId::parse("GB-CHC-1").expect("literal");
        Grant {
            id: "G".into(),
            amount: Pence(amount * 100),
            award_date: d(award),
            funder: org.clone(),
            recipient: Recipient::Org(org),
            planned_start: start.map(d),
            planned_end: end.map(d),
            duration_months: months,
            programme: None,
            beneficiary_location: None,
            regrant_type: None,
            restriction: None,
            unrestricted_keywords: None,
            source_line: 2,
        }
    }

    proptest::proptest! {
        /// Whatever the loader accepts (dates in 1900..=2100, durations up to 1,200 months,
        /// any order of start and end) and beyond (durations of 10^9 months, NaN): the
        /// period is computed with checked arithmetic, never a panic, and its figures are
        /// finite.
        #[test]
        fn periods_never_overflow(
            award in 0i64..73_414,
            start in proptest::option::of(0i64..73_414),
            end in proptest::option::of(0i64..73_414),
            months in proptest::option::of(proptest::prop_oneof![0.0f64..=1200.0, proptest::num::f64::ANY]),
            amount in 0i64..10_000_000_000_000,
        ) {
            // Day offsets from 1900-01-01: 73,414 days is 2100-12-31.
            let at = |days: i64| {
                d("1900-01-01")
                    .checked_add_days(Days::new(days as u64))
                    .map(|x| x.to_string())
                    .unwrap_or_default()
            };
            let (a, s, e) = (at(award), start.map(at), end.map(at));
            let g = grant(amount, &a, s.as_deref(), e.as_deref(), months);
            let p = GrantPeriod::of(&g);
            proptest::prop_assert!(p.years.is_finite() && p.years >= 1.0);
            proptest::prop_assert!(p.annual_value.is_finite() && p.months.is_finite());
        }
    }

    #[test]
    fn period_falls_back_in_spec_order() {
        // Planned start and end given: used as they are.
        let p = GrantPeriod::of(&grant(
            1000,
            "2023-01-15",
            Some("2023-04-01"),
            Some("2024-03-31"),
            Some(6.0),
        ));
        assert_eq!((p.start, p.end), (d("2023-04-01"), d("2024-03-31")));
        // Duration only: award date + 36 months − 1 day.
        let p = GrantPeriod::of(&grant(1000, "2020-11-03", None, None, Some(36.0)));
        assert_eq!((p.start, p.end), (d("2020-11-03"), d("2023-11-02")));
        // Nothing: 12 months − 1 day.
        let p = GrantPeriod::of(&grant(1000, "2013-01-18", None, None, None));
        assert_eq!(p.end, d("2014-01-17"));
        // Month-end start: 2024-01-31 + 1 month = 2024-02-29 (leap year), − 1 day.
        let p = GrantPeriod::of(&grant(1000, "2024-01-31", None, None, Some(1.0)));
        assert_eq!(p.end, d("2024-02-28"));
    }

    #[test]
    fn years_and_annual_value() {
        // 2023-04-01..2026-03-31 is 1,096 days; 1096 / 365.25 = 3.0007 years;
        // £30,000 / 3.0007 = £9,997.72 a year.
        let p = GrantPeriod::of(&grant(30_000, "2023-04-01", None, Some("2026-03-31"), None));
        assert!((p.years - 1096.0 / 365.25).abs() < 1e-12);
        assert!((p.annual_value - 30_000.0 * 365.25 / 1096.0).abs() < 1e-9);
        // Six months counts as one year (max(1, ...)): annual value = amount.
        let p = GrantPeriod::of(&grant(5_000, "2023-04-01", None, None, Some(6.0)));
        assert_eq!(p.years, 1.0);
        assert_eq!(p.annual_value, 5_000.0);
    }

    #[test]
    fn active_is_inclusive_at_both_ends() {
        let p = GrantPeriod::of(&grant(1, "2023-04-01", None, Some("2024-03-31"), None));
        assert!(p.is_active(d("2023-04-01")));
        assert!(p.is_active(d("2024-03-31")));
        assert!(!p.is_active(d("2024-04-01")));
        assert!(!p.is_active(d("2023-03-31")));
    }

    #[test]
    fn length_in_calendar_months() {
        // SPEC fine print: Duration 36 → 36; 2024-03-01..2027-02-28 → 36.
        let p = GrantPeriod::of(&grant(1, "2024-03-01", None, None, Some(36.0)));
        assert_eq!(p.months, 36.0);
        assert_eq!(months_between(d("2024-03-01"), d("2027-02-28")), 36.0);
        assert_eq!(months_between(d("2023-04-01"), d("2024-03-31")), 12.0);
        // 2024-03-01..2024-03-15: 15 of March's 31 days.
        assert!((months_between(d("2024-03-01"), d("2024-03-15")) - 15.0 / 31.0).abs() < 1e-12);
        // Fractional duration: 1.5 months from 2024-01-01 = Feb 1 + round(0.5 × 30.4375) = 15
        // days → 2024-02-16, minus a day → 2024-02-15.
        assert_eq!(
            end_after_months(d("2024-01-01"), 1.5),
            Some(d("2024-02-15"))
        );
        assert_eq!(end_after_months(d("2024-01-01"), f64::NAN), None);
    }
}
