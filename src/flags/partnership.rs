//! Partnership flags: RETENTION, DEFAULT-HOST, DEFAULT-CHAIR, UNPAID-PARTICIPATION and
//! PARTICIPATION-GAP (SPEC.md "Flags"), each rule beside its plain-English message.
//!
//! Every flag's subject is the fundholder and its partnership the partnership's id.
//! Thresholds are inclusive (`fundflow.toml` may change them; defaults in brackets):
//!
//! | code | medium | high | only when |
//! |---|---|---|---|
//! | RETENTION | retained_share ≥ 0.6 | ≥ 0.8 | programme_received > 0 |
//! | DEFAULT-HOST | host_share ≥ 0.5 and ≥ 2 × fair_share | ≥ 0.75 | ≥ 4 meetings with a host |
//! | DEFAULT-CHAIR | chair_share ≥ 0.5 and ≥ 2 × fair_share | ≥ 0.75 | ≥ 4 meetings with a chair |
//! | UNPAID-PARTICIPATION | vcse_unpaid_share ≥ 0.5 | ≥ 0.8 | vcse_hours > 0 |
//! | PARTICIPATION-GAP | statutory rate − VCSE rate ≥ 0.2 | ≥ 0.35 | ≥ 10 rows each side |
//!
//! `amount` (money at stake, for ranking) is programme_received for RETENTION and
//! unpaid_value for UNPAID-PARTICIPATION; the others involve no sum of money.
//!
//! Reading: a medium DEFAULT-HOST/CHAIR flag reports as its threshold the higher of the two
//! bars it had to clear (0.5, or 2 × fair_share), so "threshold" is always the bar that
//! actually bound. Without attendance.csv fair_share is unknown, so only the high band (which
//! needs the share alone) can be raised.
//!
//! Reading: the two comparisons that could be decided by binary rounding are made on whole
//! numbers: hosted × members ≥ multiple × meetings with a host, and the gap is recomputed
//! from attended and total row counts, (a_s·n_v − a_v·n_s) ÷ (n_s·n_v), so a gap of exactly
//! 0.2 (0.9 − 0.7) is 0.2 and raises the flag.
//!
//! Complexity: O(partnerships). Sources: SPEC.md "Flags" (thresholds); the patterns are from
//! the King's Fund and IVAR work on statutory–VCSE partnerships cited in SPEC.md.

use super::Code;
use super::{band_high_is_worse, money, percent, sort_flags, Flag, Severity};
use crate::config::{Bands, Parameters};
use crate::measures::partnership::PartnershipFigures;

/// Every partnership flag, sorted as SPEC.md says (severity, code, subject, partnership).
pub(crate) fn partnership_flags(figures: &[PartnershipFigures], params: &Parameters) -> Vec<Flag> {
    let mut flags: Vec<Flag> = figures
        .iter()
        .flat_map(|f| {
            [
                retention(f, params),
                defaulting(f, params, Role::Host),
                defaulting(f, params, Role::Chair),
                unpaid_participation(f, params),
                participation_gap(f, params),
            ]
        })
        .flatten()
        .collect();
    sort_flags(&mut flags);
    flags
}

fn flag(
    code: Code,
    f: &PartnershipFigures,
    band: (Severity, f64),
    value: f64,
    amount: Option<f64>,
    message: String,
) -> Option<Flag> {
    Some(
        Flag::new(code, band, value, message)
            .subject(f.fundholder.clone())
            .partnership(f.id.clone())
            .amount_opt(amount),
    )
}

/// A partnership's name as a board paper writes it: "the Healthy Northbridge Partnership"
/// (no second "the" when the name has one).
fn the(name: &str) -> String {
    if name.to_lowercase().starts_with("the ") {
        name.to_owned()
    } else {
        format!("the {name}")
    }
}

/// `471.5` → `471.5`, `472.0` → `472`.
fn hours(h: f64) -> String {
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h:.1}")
    }
}

/// RETENTION: the fundholder keeps most of the programme money.
fn retention(f: &PartnershipFigures, params: &Parameters) -> Option<Flag> {
    let received = f.programme_received.filter(|r| *r > 0.0)?;
    let retained = f.retained_share?;
    let band = band_high_is_worse(retained, params.retention)?;
    let passed_on = f.programme_passed_on.unwrap_or(0.0);
    let message = format!(
        "{} kept {} of the {} programme money it received for {}, passing on {}.",
        f.fundholder_name,
        percent(retained),
        money(received),
        the(&f.name),
        money(passed_on),
    );
    flag(Code::Retention, f, band, retained, Some(received), message)
}

#[derive(Clone, Copy)]
enum Role {
    Host,
    Chair,
}

/// DEFAULT-HOST and DEFAULT-CHAIR: meetings default to the fundholder.
fn defaulting(f: &PartnershipFigures, params: &Parameters, role: Role) -> Option<Flag> {
    let (code, bands, share, by_fundholder, recorded, verb) = match role {
        Role::Host => (
            Code::DefaultHost,
            params.default_host,
            f.host_share,
            f.hosted_by_fundholder,
            f.meetings_with_host,
            "hosted",
        ),
        Role::Chair => (
            Code::DefaultChair,
            params.default_chair,
            f.chair_share,
            f.chaired_by_fundholder,
            f.meetings_with_chair,
            "chaired",
        ),
    };
    if recorded < params.default_min_meetings {
        return None;
    }
    let share = share?;
    let band = default_band(share, by_fundholder, recorded, f, params, bands)?;
    let noun = match role {
        Role::Host => "host",
        Role::Chair => "chair",
    };
    // "34 of 36 meetings", or "19 of the 32 meetings whose host is recorded" when some
    // meetings have none.
    let counted = if recorded == f.meetings {
        format!("{by_fundholder} of {recorded} meetings of {}", the(&f.name))
    } else {
        format!(
            "{by_fundholder} of the {recorded} meetings of {} whose {noun} is recorded",
            the(&f.name)
        )
    };
    let even = match f.fair_share {
        Some(fair) => format!(
            "; with {} members an even share would be {}",
            f.members,
            percent(fair)
        ),
        None => String::new(),
    };
    let message = format!(
        "{} {verb} {counted} ({}){even}.",
        f.fundholder_name,
        percent(share),
    );
    flag(code, f, band, share, None, message)
}

/// High when share ≥ high; medium when share ≥ medium and share ≥ multiple × fair share.
fn default_band(
    share: f64,
    by_fundholder: usize,
    recorded: usize,
    f: &PartnershipFigures,
    params: &Parameters,
    bands: Bands,
) -> Option<(Severity, f64)> {
    if share >= bands.high {
        return Some((Severity::High, bands.high));
    }
    f.fair_share?;
    let multiple = params.default_fair_share_multiple;
    // share ≥ multiple ÷ members, on whole numbers: by × members ≥ multiple × recorded.
    let fair_enough = (by_fundholder * f.members) as f64 >= multiple * recorded as f64;
    (share >= bands.medium && fair_enough).then(|| {
        let bar = bands.medium.max(multiple / f.members as f64);
        (Severity::Medium, bar)
    })
}

/// UNPAID-PARTICIPATION: VCSE-side members give their time unpaid.
fn unpaid_participation(f: &PartnershipFigures, params: &Parameters) -> Option<Flag> {
    if f.vcse_hours <= 0.0 {
        return None;
    }
    let share = f.vcse_unpaid_share?;
    let unpaid = f.vcse_unpaid_hours?;
    let band = band_high_is_worse(share, params.unpaid)?;
    let worth = match f.unpaid_value {
        Some(v) => format!(
            ", worth about {} at £{:.2} an hour",
            money(v),
            params.hourly_rate
        ),
        None => String::new(),
    };
    let message = format!(
        "VCSE and community members gave {} hours to {} unpaid ({} of their {} hours){worth}; \
         {} holds the partnership's money.",
        hours(unpaid),
        the(&f.name),
        percent(share),
        hours(f.vcse_hours),
        f.fundholder_name,
    );
    flag(
        Code::UnpaidParticipation,
        f,
        band,
        share,
        f.unpaid_value,
        message,
    )
}

/// PARTICIPATION-GAP: VCSE-side members attend less than statutory ones.
fn participation_gap(f: &PartnershipFigures, params: &Parameters) -> Option<Flag> {
    let (n_s, n_v) = (f.attendance_rows.statutory, f.attendance_rows.vcse);
    let min = params.participation_gap_min_rows.max(1);
    if n_s < min || n_v < min {
        return None;
    }
    let (rate_s, rate_v) = (f.attendance_rate.statutory?, f.attendance_rate.vcse?);
    // Attended counts are recovered exactly from rate × rows (rows are far below 2^52), so
    // the gap is one correctly rounded division of whole numbers.
    let (a_s, a_v) = ((rate_s * n_s as f64).round(), (rate_v * n_v as f64).round());
    let gap = (a_s * n_v as f64 - a_v * n_s as f64) / (n_s as f64 * n_v as f64);
    let band = band_high_is_worse(gap, params.participation_gap)?;
    let message = participation_gap_message(f, Some((rate_s, rate_v, gap)));
    flag(Code::ParticipationGap, f, band, gap, None, message)
}

/// PARTICIPATION-GAP's message: with the statutory rate, the VCSE rate and the gap, or
/// without them when `--public` suppresses a rate (it rests on fewer than 8 rows).
pub(crate) fn participation_gap_message(
    f: &PartnershipFigures,
    rates_and_gap: Option<(f64, f64, f64)>,
) -> String {
    match rates_and_gap {
        Some((rate_s, rate_v, gap)) => format!(
            "At {}, statutory members attended {} of the meetings they were expected at, \
             VCSE and community members only {}: a gap of {:.0} percentage points. {} holds the \
             partnership's money.",
            the(&f.name),
            percent(rate_s),
            percent(rate_v),
            gap * 100.0,
            f.fundholder_name,
        ),
        None => format!(
            "At {}, VCSE and community members attended fewer of the meetings they were \
             expected at than statutory members (the rates rest on fewer than 8 attendance \
             rows and are not published). {} holds the partnership's money.",
            the(&f.name),
            f.fundholder_name,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::partnership::{partnership_figures, SideCounts, SideRates};
    use crate::measures::{Context, Window};

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 5e-4)
    }

    fn severity_of(flags: &[Flag], code: Code) -> Option<(Severity, f64)> {
        flags
            .iter()
            .find(|f| f.code == code)
            .map(|f| (f.severity, f.threshold))
    }

    /// A partnership with nothing to flag: 12 members, 36 meetings, hosts and chairs rotating,
    /// money passed on, everyone paid, even attendance.
    fn quiet() -> PartnershipFigures {
        PartnershipFigures {
            id: "P1".into(),
            name: "Healthy Northbridge Partnership".into(),
            fundholder: "GB-NHS-QNB".into(),
            fundholder_name: "NHS Northbridge ICB".into(),
            meetings: 36,
            members: 12,
            fair_share: Some(1.0 / 12.0),
            host_share: Some(3.0 / 36.0),
            meetings_with_host: 36,
            hosted_by_fundholder: 3,
            chair_share: Some(3.0 / 36.0),
            meetings_with_chair: 36,
            chaired_by_fundholder: 3,
            decision_host_share: None,
            seat_share: Some(0.1),
            programme_received: Some(750_000.0),
            programme_passed_on: Some(600_000.0),
            retained_share: Some(0.2),
            vcse_hours: 100.0,
            vcse_unpaid_hours: Some(0.0),
            vcse_unpaid_share: Some(0.0),
            unpaid_value: Some(0.0),
            attendance_rate: SideRates {
                statutory: Some(0.8),
                vcse: Some(0.8),
            },
            attendance_rows: SideCounts {
                statutory: 10,
                vcse: 10,
            },
            out_of_hours_share: SideRates::default(),
            attendance_by_quarter: Vec::new(),
            balance: Vec::new(),
            counts: Default::default(),
        }
    }

    fn flags_of(f: PartnershipFigures) -> Vec<Flag> {
        partnership_flags(&[f], &Parameters::default())
    }

    #[test]
    fn a_quiet_partnership_has_no_flags() {
        assert!(flags_of(quiet()).is_empty());
    }

    #[test]
    fn retention_bands_and_guard() {
        // 1 − 300,000 / 750,000 = 0.6: medium, inclusive.
        let mut f = quiet();
        f.programme_passed_on = Some(300_000.0);
        f.retained_share = Some(0.6);
        let flags = flags_of(f.clone());
        assert_eq!(
            severity_of(&flags, Code::Retention),
            Some((Severity::Medium, 0.6))
        );
        let flag = &flags[0];
        assert_eq!(flag.amount, Some(750_000.0));
        assert_eq!(
            (flag.subject.as_deref(), flag.partnership.as_deref()),
            (Some("GB-NHS-QNB"), Some("P1"))
        );
        assert_eq!(flag.group, None);
        assert_eq!(
            flag.message,
            "NHS Northbridge ICB kept 60% of the £750k programme money it received for the \
             Healthy Northbridge Partnership, passing on £300k."
        );
        f.retained_share = Some(0.8);
        assert_eq!(
            severity_of(&flags_of(f.clone()), Code::Retention),
            Some((Severity::High, 0.8))
        );
        f.retained_share = Some(0.5999);
        assert_eq!(severity_of(&flags_of(f.clone()), Code::Retention), None);
        // Only when programme_received > 0.
        f.retained_share = Some(0.9);
        f.programme_received = Some(0.0);
        assert_eq!(severity_of(&flags_of(f), Code::Retention), None);
    }

    #[test]
    fn default_host_bands_and_guards() {
        // 3 of 4 = 0.75: high, inclusive, with exactly the 4 meetings needed.
        let mut f = quiet();
        (
            f.meetings,
            f.meetings_with_host,
            f.hosted_by_fundholder,
            f.host_share,
        ) = (4, 4, 3, Some(0.75));
        let flags = flags_of(f.clone());
        assert_eq!(
            severity_of(&flags, Code::DefaultHost),
            Some((Severity::High, 0.75))
        );
        assert_eq!(
            flags[0].message,
            "NHS Northbridge ICB hosted 3 of 4 meetings of the Healthy Northbridge Partnership \
             (75%); with 12 members an even share would be 8%."
        );
        assert_eq!(flags[0].amount, None);
        // Only 3 meetings with a host (3 of 3): no flag.
        let mut g = f.clone();
        (g.meetings_with_host, g.host_share) = (3, Some(1.0));
        assert_eq!(severity_of(&flags_of(g), Code::DefaultHost), None);
        // 2 of 4 = 0.5 with 4 members: 0.5 ≥ 2 × 0.25, medium (threshold 0.5).
        (
            f.hosted_by_fundholder,
            f.host_share,
            f.members,
            f.fair_share,
        ) = (2, Some(0.5), 4, Some(0.25));
        assert_eq!(
            severity_of(&flags_of(f.clone()), Code::DefaultHost),
            Some((Severity::Medium, 0.5))
        );
        // With 3 members the fair share is 1/3: 0.5 < 2/3, no flag.
        (f.members, f.fair_share) = (3, Some(1.0 / 3.0));
        assert_eq!(severity_of(&flags_of(f.clone()), Code::DefaultHost), None);
        // 3 of 5 = 0.6 with 3 members: 0.6 < 0.667 still; 4 of 6 = 0.667 ≥ 2/3: medium,
        // and the bar reported is 2/3, the one that bound.
        (
            f.meetings,
            f.meetings_with_host,
            f.hosted_by_fundholder,
            f.host_share,
        ) = (6, 6, 4, Some(4.0 / 6.0));
        let medium = severity_of(&flags_of(f.clone()), Code::DefaultHost).expect("medium");
        assert_eq!(medium.0, Severity::Medium);
        assert!((medium.1 - 2.0 / 3.0).abs() < 1e-12);
        // Fair share unknown (no attendance.csv): medium cannot be judged; high still can.
        f.fair_share = None;
        assert_eq!(severity_of(&flags_of(f.clone()), Code::DefaultHost), None);
        (f.hosted_by_fundholder, f.host_share) = (5, Some(5.0 / 6.0));
        assert_eq!(
            severity_of(&flags_of(f), Code::DefaultHost).map(|s| s.0),
            Some(Severity::High)
        );
        // No host recorded: no share, no flag.
        let mut h = quiet();
        (h.meetings_with_host, h.hosted_by_fundholder, h.host_share) = (0, 0, None);
        assert!(flags_of(h).is_empty());
    }

    #[test]
    fn default_chair_bands_and_guards() {
        // 19 of the 32 meetings with a chair = 0.594; 12 members: 0.594 ≥ 2 × 0.083.
        let mut f = quiet();
        (
            f.meetings_with_chair,
            f.chaired_by_fundholder,
            f.chair_share,
        ) = (32, 19, Some(19.0 / 32.0));
        let flags = flags_of(f.clone());
        assert_eq!(
            severity_of(&flags, Code::DefaultChair),
            Some((Severity::Medium, 0.5))
        );
        assert_eq!(
            flags[0].message,
            "NHS Northbridge ICB chaired 19 of the 32 meetings of the Healthy Northbridge \
             Partnership whose chair is recorded (59%); with 12 members an even share would be 8%."
        );
        (
            f.meetings_with_chair,
            f.chaired_by_fundholder,
            f.chair_share,
        ) = (4, 3, Some(0.75));
        assert_eq!(
            severity_of(&flags_of(f.clone()), Code::DefaultChair),
            Some((Severity::High, 0.75))
        );
        (
            f.meetings_with_chair,
            f.chaired_by_fundholder,
            f.chair_share,
        ) = (3, 3, Some(1.0));
        assert_eq!(severity_of(&flags_of(f), Code::DefaultChair), None);
    }

    #[test]
    fn unpaid_participation_bands_and_guard() {
        let mut f = quiet();
        (
            f.vcse_hours,
            f.vcse_unpaid_hours,
            f.vcse_unpaid_share,
            f.unpaid_value,
        ) = (472.0, Some(472.0), Some(1.0), Some(5_763.12));
        let flags = flags_of(f.clone());
        assert_eq!(
            severity_of(&flags, Code::UnpaidParticipation),
            Some((Severity::High, 0.8))
        );
        assert_eq!(flags[0].amount, Some(5_763.12));
        assert_eq!(
            flags[0].message,
            "VCSE and community members gave 472 hours to the Healthy Northbridge Partnership \
             unpaid (100% of their 472 hours), worth about £5.8k at £12.21 an hour; NHS \
             Northbridge ICB holds the partnership's money."
        );
        // 50 of 100 h: medium, inclusive; 0.8 exactly: high.
        (f.vcse_hours, f.vcse_unpaid_hours, f.vcse_unpaid_share) = (100.0, Some(50.0), Some(0.5));
        assert_eq!(
            severity_of(&flags_of(f.clone()), Code::UnpaidParticipation),
            Some((Severity::Medium, 0.5))
        );
        f.vcse_unpaid_share = Some(0.8);
        assert_eq!(
            severity_of(&flags_of(f.clone()), Code::UnpaidParticipation),
            Some((Severity::High, 0.8))
        );
        f.vcse_unpaid_share = Some(0.49);
        assert!(flags_of(f.clone()).is_empty());
        // Payment unknown (no payments.csv): no flag.
        (f.vcse_unpaid_hours, f.vcse_unpaid_share, f.unpaid_value) = (None, None, None);
        assert!(flags_of(f.clone()).is_empty());
        // Only when vcse_hours > 0.
        (f.vcse_hours, f.vcse_unpaid_hours, f.vcse_unpaid_share) = (0.0, Some(0.0), Some(1.0));
        assert!(flags_of(f).is_empty());
    }

    #[test]
    fn participation_gap_bands_and_guard() {
        // 3/10 − 1/10 = 0.2 exactly (in floating point 0.3 − 0.1 is 0.19999…): medium.
        let mut f = quiet();
        f.attendance_rate = SideRates {
            statutory: Some(0.3),
            vcse: Some(0.1),
        };
        let flags = flags_of(f.clone());
        assert_eq!(
            severity_of(&flags, Code::ParticipationGap),
            Some((Severity::Medium, 0.2))
        );
        assert_eq!(flags[0].value, 0.2);
        assert_eq!(
            flags[0].message,
            "At the Healthy Northbridge Partnership, statutory members attended 30% of the \
             meetings they were expected at, VCSE and community members only 10%: a gap of 20 \
             percentage points. NHS Northbridge ICB holds the partnership's money."
        );
        // 17/20 − 10/20 = 0.35: high.
        f.attendance_rows = SideCounts {
            statutory: 20,
            vcse: 20,
        };
        f.attendance_rate = SideRates {
            statutory: Some(0.85),
            vcse: Some(0.5),
        };
        assert_eq!(
            severity_of(&flags_of(f.clone()), Code::ParticipationGap),
            Some((Severity::High, 0.35))
        );
        // VCSE members attending more is no gap.
        f.attendance_rate = SideRates {
            statutory: Some(0.5),
            vcse: Some(0.85),
        };
        assert!(flags_of(f.clone()).is_empty());
        // Only with at least 10 rows on each side.
        f.attendance_rate = SideRates {
            statutory: Some(1.0),
            vcse: Some(0.0),
        };
        f.attendance_rows = SideCounts {
            statutory: 9,
            vcse: 20,
        };
        assert!(flags_of(f.clone()).is_empty());
        f.attendance_rows = SideCounts {
            statutory: 10,
            vcse: 10,
        };
        assert_eq!(
            severity_of(&flags_of(f), Code::ParticipationGap),
            Some((Severity::High, 0.35))
        );
    }

    /// The built-in example against `python3 data/example/check.py` (README "Partnerships").
    #[test]
    fn example_partnerships_match_check_py() {
        let data = crate::load::load(&crate::load::DatasetSource::Example, &Default::default())
            .expect("example loads");
        let ctx = Context::new(&data, None, Window::default());
        let params = Parameters::default();
        let figs = partnership_figures(&ctx, &params);
        let ids: Vec<&str> = figs.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["P1", "P2", "P3"]);
        let (p1, p2, p3) = (&figs[0], &figs[1], &figs[2]);
        let gap =
            |f: &PartnershipFigures| Some(f.attendance_rate.statutory? - f.attendance_rate.vcse?);

        // P1, dominated: ICB hosts and chairs 34 of 36; VCSE time all unpaid (471.5 h);
        // statutory 0.892 of 204 rows vs VCSE 0.452 of 600; retained 1 − 59,500/750,000.
        assert_eq!((p1.hosted_by_fundholder, p1.meetings_with_host), (34, 36));
        assert_eq!((p1.chaired_by_fundholder, p1.meetings_with_chair), (34, 36));
        assert!(close(p1.host_share, 0.944) && close(p1.chair_share, 0.944));
        assert_eq!((p1.members, p1.meetings), (12, 36));
        assert_eq!((p1.vcse_hours, p1.vcse_unpaid_hours), (471.5, Some(471.5)));
        assert!(close(p1.vcse_unpaid_share, 1.0));
        assert!(
            close(p1.attendance_rate.statutory, 0.892) && close(p1.attendance_rate.vcse, 0.452)
        );
        assert_eq!(
            (p1.attendance_rows.statutory, p1.attendance_rows.vcse),
            (204, 600)
        );
        assert!(close(p1.retained_share, 0.921));
        assert_eq!(
            (p1.programme_received, p1.programme_passed_on),
            (Some(750_000.0), Some(59_500.0))
        );
        assert!(
            close(p1.out_of_hours_share.vcse, 0.465)
                && close(p1.out_of_hours_share.statutory, 0.269)
        );

        // P2, balanced.
        assert!(close(p2.host_share, 0.250) && close(p2.chair_share, 0.273));
        assert!(close(p2.vcse_unpaid_share, 0.268));
        assert!(close(gap(p2), 0.016));
        assert!(close(p2.retained_share, 0.276));
        assert_eq!(p2.members, 15);

        // P3, in between.
        assert_eq!((p3.hosted_by_fundholder, p3.meetings_with_host), (19, 32));
        assert!(close(p3.host_share, 0.594) && close(p3.chair_share, 0.364));
        assert!(close(p3.vcse_unpaid_share, 0.553));
        assert!(close(gap(p3), 0.287));
        assert!(close(p3.retained_share, 0.638));
        assert_eq!(p3.members, 12);

        // check.py --flags: nine partnership flags.
        let flags = partnership_flags(&figs, &params);
        let got: Vec<(Severity, Code, &str)> = flags
            .iter()
            .map(|f| (f.severity, f.code, f.partnership.as_deref().unwrap_or("")))
            .collect();
        use Severity::{High, Medium};
        assert_eq!(
            got,
            [
                (High, Code::DefaultChair, "P1"),
                (High, Code::DefaultHost, "P1"),
                (High, Code::ParticipationGap, "P1"),
                (High, Code::Retention, "P1"),
                (High, Code::UnpaidParticipation, "P1"),
                (Medium, Code::DefaultHost, "P3"),
                (Medium, Code::ParticipationGap, "P3"),
                (Medium, Code::Retention, "P3"),
                (Medium, Code::UnpaidParticipation, "P3"),
            ]
        );
        let subjects: Vec<&str> = flags.iter().filter_map(|f| f.subject.as_deref()).collect();
        assert_eq!(subjects[..5], ["GB-NHS-QNB"; 5]);
        assert_eq!(subjects[5..], ["GB-LAE-NBR"; 4]);
        assert!(flags[1].message.starts_with(
            "NHS Northbridge Integrated Care Board hosted 34 of 36 meetings of the Healthy \
             Northbridge Partnership (94%)"
        ));
    }
}
