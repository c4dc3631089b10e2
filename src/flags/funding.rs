//! Flags on money: CONCENTRATION, FUNDER-DOMINANCE, DEPENDENCY, FUNDING-CLIFF.
//!
//! Each rule's "only when" guard is beside its threshold test (SPEC.md "Flags"). Why
//! CONCENTRATION uses top-5 share rather than HHI: a funder making n equal grants has
//! HHI = 10 000 / n, so antitrust bands would call every small, even-handed funder
//! "concentrated"; a board reads "five organisations got 76% of the money" directly.

use super::Code;
use super::{band_high_is_worse, money, percent, possessive, Flag};
use crate::config::Parameters;
use crate::measures::concentration::{ConcentrationFindings, Dominance, DominanceFindings};
use crate::measures::dependency::{DependencyBasis, RecipientFigures};
use crate::model::Dataset;

/// CONCENTRATION: top5_share ≥ 0.5 (medium) / 0.7 (high), funders with ≥ 20 recipients.
pub(crate) fn concentration_flags(
    data: &Dataset,
    c: &ConcentrationFindings,
    p: &Parameters,
) -> Vec<Flag> {
    c.funders
        .iter()
        .filter(|f| f.figures.recipients >= p.concentration_min_recipients)
        .filter_map(|f| {
            let top5 = f.figures.top5_share?;
            let band = band_high_is_worse(top5, p.concentration)?;
            Some(
                Flag::new(
                    Code::Concentration,
                    band,
                    top5,
                    format!(
                        "{} gave {} of its {} to just five of its {} recipients.",
                        data.name_of(&f.id),
                        percent(top5),
                        money(f.figures.total),
                        f.figures.recipients
                    ),
                )
                .subject(f.id.to_string())
                .amount(f.figures.total * top5),
            )
        })
        .collect()
}

/// FUNDER-DOMINANCE: the largest funder's share of money to the VCSE side ≥ 0.5 / 0.7,
/// when ≥ 3 funders gave to the VCSE side; overall and per area.
pub(crate) fn dominance_flags(data: &Dataset, d: &DominanceFindings, p: &Parameters) -> Vec<Flag> {
    std::iter::once(&d.overall)
        .chain(d.by_area.iter())
        .filter_map(|dom| dominance_flag(data, dom, p))
        .collect()
}

fn dominance_flag(data: &Dataset, d: &Dominance, p: &Parameters) -> Option<Flag> {
    if d.funders.len() < p.dominance_min_funders {
        return None;
    }
    let (top, share) = (d.top_funder.as_ref()?, d.top_share?);
    let band = band_high_is_worse(share, p.dominance)?;
    let place = d
        .area
        .as_ref()
        .map_or_else(String::new, |a| format!(" in {a}"));
    Some(Flag::new(
        Code::FunderDominance,
        band,
        share,
        format!(
            "{} provided {} of the {} that reached voluntary and community groups{place}; the other {} funders together provided {}.",
            data.name_of(top),
            percent(share),
            money(d.vcse_total),
            d.funders.len() - 1,
            percent(1.0 - share)
        )
    )
        .subject(top.to_string())
        .group_opt(d.area.clone())
        .amount(d.vcse_total * share))
}

/// Who DEPENDENCY and FUNDING-CLIFF apply to: VCSE-side organisations (vcse and unknown).
fn can_be_flagged(r: &RecipientFigures) -> bool {
    r.sector.is_vcse_organisation() && !crate::model::NodeId::is_individuals(&r.id)
}

/// DEPENDENCY: dependency ≥ 0.5 / 0.75, when the basis is income or ≥ 2 funders have
/// active grants.
pub(crate) fn dependency_flags(
    data: &Dataset,
    recipients: &[RecipientFigures],
    p: &Parameters,
) -> Vec<Flag> {
    recipients
        .iter()
        .filter(|r| can_be_flagged(r))
        .filter(|r| {
            r.dependency_basis == Some(DependencyBasis::Income) || r.active_funders >= p.dependency_min_funders
        })
        .filter_map(|r| {
            let dep = r.dependency?;
            let band = band_high_is_worse(dep, p.dependency)?;
            let funder = r.top_active_funder.as_ref()?;
            let basis = match r.annual_income {
                Some(income) => format!("its annual income of {}", money(income)),
                None => format!(
                    "all the grant funding it has running ({} a year from {} funders)",
                    money(r.active_annual),
                    r.active_funders
                ),
            };
            Some(Flag::new(
                Code::Dependency,
                band,
                dep,
                format!(
                    "{} relies on {} for {} a year, {} of {basis}; losing that one funder would put it at risk.",
                    r.name,
                    data.name_of(funder),
                    money(r.top_active_annual),
                    percent(dep)
                )
            )
                .subject(r.id.clone())
                .amount(r.top_active_annual))
        })
        .collect()
}

/// FUNDING-CLIFF: ending_12m_share ≥ 0.5 / 0.8, when the annual value ending reaches
/// `cliff_min_annual` (£10,000 by default) and there are ≥ 2 active grants, or income is
/// known and the ending annual value is ≥ 25% of it (SPEC.md's guard, both parts). The
/// message says apart how much of the ending money ends on `as_of` itself.
pub(crate) fn cliff_flags(
    recipients: &[RecipientFigures],
    p: &Parameters,
    as_of: chrono::NaiveDate,
) -> Vec<Flag> {
    recipients
        .iter()
        .filter(|r| can_be_flagged(r))
        .filter(|r| r.ending_12m_annual >= p.cliff_min_annual)
        .filter(|r| {
            r.active_grants.n >= p.cliff_min_active_grants
                || r.annual_income
                    .is_some_and(|inc| r.ending_12m_annual >= p.cliff_min_income_share * inc)
        })
        .filter_map(|r| {
            let share = r.ending_12m_share?;
            let band = band_high_is_worse(share, p.cliff)?;
            Some(Flag::new(
                Code::FundingCliff,
                band,
                share,
                {
                    let grants = format!(
                        "{} grant{}",
                        r.active_grants.n,
                        if r.active_grants.n == 1 { "" } else { "s" }
                    );
                    let amounts = if money(r.ending_12m_annual) == money(r.active_annual) {
                        format!(
                            "all {} a year of it, across {grants}",
                            money(r.active_annual)
                        )
                    } else {
                        format!(
                            "{} of {} a year, across {grants}",
                            money(r.ending_12m_annual),
                            money(r.active_annual)
                        )
                    };
                    let today = if r.ending_on_as_of_annual <= 0.0 {
                        String::new()
                    } else if r.ending_on_as_of_annual >= r.ending_12m_annual {
                        format!(" All of it ends on {as_of}, the as-of date itself.")
                    } else {
                        format!(
                            " {} a year of it ends on {as_of}, the as-of date itself.",
                            money(r.ending_on_as_of_annual)
                        )
                    };
                    format!(
                        "{} of {} running grant funding ends within the next 12 months: {amounts}.{today}",
                        percent(share),
                        possessive(&r.name),
                    )
                }
            )
                .subject(r.id.clone())
                .amount(r.ending_12m_annual))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::Severity;
    use crate::measures::testkit::{date, Builder};
    use crate::measures::{concentration, dependency, Context, Window};
    use crate::model::Sector;

    fn params() -> Parameters {
        Parameters::default()
    }

    #[test]
    fn concentration_needs_twenty_recipients() {
        // 20 recipients: one gets £81, nineteen get £1 each → top five = 81 + 4 = 85 of 100.
        let mut b = Builder::default().org("F", Sector::Statutory);
        b = b.grant("F", "R0", 81, "2024-01-01");
        for i in 1..20 {
            b = b.grant("F", &format!("R{i}"), 1, "2024-01-01");
        }
        let d = b.build();
        let ctx = Context::new(&d, None, Window::default());
        let flags = concentration_flags(&d, &concentration::concentration(&ctx), &params());
        assert_eq!(flags.len(), 1);
        assert_eq!((flags[0].severity, flags[0].value), (Severity::High, 0.85));
        // Nineteen recipients (drop one £1 grant): the guard keeps the flag off.
        let mut b = Builder::default().grant("F", "R0", 81, "2024-01-01");
        for i in 1..19 {
            b = b.grant("F", &format!("R{i}"), 1, "2024-01-01");
        }
        let d = b.build();
        let ctx = Context::new(&d, None, Window::default());
        assert!(concentration_flags(&d, &concentration::concentration(&ctx), &params()).is_empty());
    }

    #[test]
    fn dominance_needs_three_funders_and_is_inclusive() {
        // A gives 50, B 30, C 20 to one VCSE group: A's share 0.5 → medium (inclusive).
        let d = Builder::default()
            .org("R", Sector::Vcse)
            .grant("A", "R", 50, "2024-01-01")
            .grant("B", "R", 30, "2024-01-01")
            .grant("C", "R", 20, "2024-01-01")
            .build();
        let ctx = Context::new(&d, None, Window::default());
        let f = dominance_flags(&d, &concentration::dominance(&ctx), &params());
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].severity, f[0].value, f[0].threshold),
            (Severity::Medium, 0.5, 0.5)
        );
        // Two funders only (A 70, B 30): no flag, however dominant.
        let d = Builder::default()
            .org("R", Sector::Vcse)
            .grant("A", "R", 70, "2024-01-01")
            .grant("B", "R", 30, "2024-01-01")
            .build();
        let ctx = Context::new(&d, None, Window::default());
        assert!(dominance_flags(&d, &concentration::dominance(&ctx), &params()).is_empty());
    }

    #[test]
    fn dependency_guard_and_who_can_be_flagged() {
        // One-year grants (365 days): annual value = amount.
        let (start, end) = ("2024-07-01", "2025-06-30");
        let d = Builder::default()
            // Recorded basis, one funder: 1.0 but not flagged (needs ≥ 2 funders).
            .org("ONE", Sector::Vcse)
            .grant("F", "ONE", 100, "2024-06-01")
            .period(start, end)
            // Recorded basis, two funders: F 75 of 100 = 0.75 → high (inclusive).
            .org("TWO", Sector::Unknown)
            .grant("F", "TWO", 75, "2024-06-01")
            .period(start, end)
            .grant("G", "TWO", 25, "2024-06-01")
            .period(start, end)
            // Income basis, one funder: 60 ÷ 100 = 0.6 → medium.
            .org("INC", Sector::Vcse)
            .income("INC", 100)
            .grant("F", "INC", 60, "2024-06-01")
            .period(start, end)
            // Statutory and private recipients are never flagged.
            .org("SCHOOL", Sector::Statutory)
            .income("SCHOOL", 10)
            .grant("F", "SCHOOL", 100, "2024-06-01")
            .period(start, end)
            .build();
        let ctx = Context::new(&d, Some(date("2024-12-31")), Window::default());
        let r = dependency::recipients(&ctx);
        let flags = dependency_flags(&d, &r, &params());
        let got: Vec<(&str, Severity, f64)> = flags
            .iter()
            .map(|f| (f.subject.as_deref().unwrap_or(""), f.severity, f.value))
            .collect();
        assert_eq!(
            got,
            [
                ("INC", Severity::Medium, 0.6),
                ("TWO", Severity::High, 0.75)
            ]
        );
    }

    #[test]
    fn cliff_guard_counts_grants_or_income_share() {
        let (start, end) = ("2024-07-01", "2025-06-30");
        let d = Builder::default()
            // One active grant, no income: a normal annual cycle, not flagged.
            .org("ONE", Sector::Vcse)
            .grant("F", "ONE", 100, "2024-06-01")
            .period(start, end)
            // One active grant of £30 a year against income £100: 30% ≥ 25% → flagged high.
            .org("BIG", Sector::Vcse)
            .income("BIG", 100)
            .grant("F", "BIG", 30, "2024-06-01")
            .period(start, end)
            // One grant of £20 against £100: 20% < 25% → not flagged.
            .org("SMALL", Sector::Vcse)
            .income("SMALL", 100)
            .grant("F", "SMALL", 20, "2024-06-01")
            .period(start, end)
            .build();
        let ctx = Context::new(&d, Some(date("2024-12-31")), Window::default());
        // The money floor has its own test: here it is off, so the guard alone decides.
        let p = Parameters {
            cliff_min_annual: 0.0,
            ..params()
        };
        let flags = cliff_flags(&dependency::recipients(&ctx), &p, ctx.as_of);
        let got: Vec<&str> = flags.iter().filter_map(|f| f.subject.as_deref()).collect();
        assert_eq!(got, ["BIG"]);
        assert_eq!(flags[0].value, 1.0);
    }

    #[test]
    fn cliff_needs_the_ending_annual_value_to_reach_the_floor() {
        // Two one-year grants each, all ending within 12 months of 2024-12-31 (share 1.0,
        // two active grants: the old guard passes for all three). 2024-07-01..2025-06-30 is
        // 365 days, so years = max(1, 365 / 365.25) = 1 and annual value = amount.
        let (start, end) = ("2024-07-01", "2025-06-30");
        let d = Builder::default()
            // £499 + £499 = £998 a year: the "all £998 a year", below £10,000.
            .org("TINY", Sector::Vcse)
            .grant("F", "TINY", 499, "2024-06-01")
            .period(start, end)
            .grant("G", "TINY", 499, "2024-06-01")
            .period(start, end)
            // £5,000 + £5,000 = £10,000: exactly the floor (inclusive) → flagged.
            .org("EDGE", Sector::Vcse)
            .grant("F", "EDGE", 5_000, "2024-06-01")
            .period(start, end)
            .grant("G", "EDGE", 5_000, "2024-06-01")
            .period(start, end)
            // £4,999 + £5,000 = £9,999: a pound short → not flagged.
            .org("SHORT", Sector::Unknown)
            .grant("F", "SHORT", 4_999, "2024-06-01")
            .period(start, end)
            .grant("G", "SHORT", 5_000, "2024-06-01")
            .period(start, end)
            .build();
        let ctx = Context::new(&d, Some(date("2024-12-31")), Window::default());
        let recipients = dependency::recipients(&ctx);
        let got = |p: &Parameters| -> Vec<String> {
            cliff_flags(&recipients, p, ctx.as_of)
                .iter()
                .filter_map(|f| f.subject.as_ref().map(|s| s.to_string()))
                .collect()
        };
        assert_eq!(got(&params()), ["EDGE"]);
        // The floor is configurable: at £0 the old guard alone decides, and all three are
        // flagged (sorted by id as recipients are).
        let none = Parameters {
            cliff_min_annual: 0.0,
            ..params()
        };
        assert_eq!(got(&none), ["EDGE", "SHORT", "TINY"]);
    }

    #[test]
    fn cliff_says_apart_what_ends_on_the_as_of_date() {
        // as_of 2025-03-31. GONE: two grants of £6,000 ending on 2025-03-31 itself (all of
        // its £12,000 ending). PART: £6,000 ending on 2025-03-31 and £6,000 on 2025-09-30:
        // £12,000 ending of which £6,000 on the as-of date. Each grant runs 365 days (years =
        // max(1, 365 / 365.25) = 1), so annual value = amount.
        let d = Builder::default()
            .org("GONE", Sector::Vcse)
            .grant("F", "GONE", 6_000, "2024-03-01")
            .period("2024-04-01", "2025-03-31")
            .grant("G", "GONE", 6_000, "2024-03-01")
            .period("2024-04-01", "2025-03-31")
            .org("PART", Sector::Vcse)
            .grant("F", "PART", 6_000, "2024-03-01")
            .period("2024-04-01", "2025-03-31")
            .grant("G", "PART", 6_000, "2024-09-01")
            .period("2024-10-01", "2025-09-30")
            .build();
        let ctx = Context::new(&d, Some(date("2025-03-31")), Window::default());
        let recipients = dependency::recipients(&ctx);
        let r = |id: &str| recipients.iter().find(|r| r.id == id).expect(id);
        assert_eq!(r("GONE").ending_on_as_of_annual, 12_000.0);
        assert_eq!(r("PART").ending_on_as_of_annual, 6_000.0);
        assert_eq!(r("PART").ending_12m_annual, 12_000.0);
        let flags = cliff_flags(&recipients, &params(), ctx.as_of);
        assert_eq!(flags.len(), 2);
        assert!(
            flags[0]
                .message
                .ends_with("All of it ends on 2025-03-31, the as-of date itself."),
            "{}",
            flags[0].message
        );
        assert!(
            flags[1]
                .message
                .ends_with("£6.0k a year of it ends on 2025-03-31, the as-of date itself."),
            "{}",
            flags[1].message
        );
        // The area's figure: £18,000 of the £24,000 ending ends on the as-of date.
        let s = dependency::ending_summary(&ctx);
        assert_eq!(
            (s.ending_12m_annual, s.ending_on_as_of_annual),
            (24_000.0, 18_000.0)
        );
        // A day later nothing ends on the as-of date (GONE's and PART's first grants have
        // ended; PART's second runs to 2025-09-30).
        let later = Context::new(&d, Some(date("2025-04-01")), Window::default());
        assert_eq!(
            dependency::ending_summary(&later).ending_on_as_of_annual,
            0.0
        );
    }
}
