//! The board summary: what a board should read first, chosen once in the analysis so the
//! report's first pages and the terminal say the same thing in the same order (and
//! findings.json holds it, under `summary`).
//!
//! **Priority** (docs/METHOD.md "The board summary"): the research fundflow rests on is about
//! partnership power and participation, so those flags come first, then money, then the
//! equity lenses:
//! 1. partnership: DEFAULT-HOST, DEFAULT-CHAIR, UNPAID-PARTICIPATION, PARTICIPATION-GAP,
//!    RETENTION;
//! 2. money: DEPENDENCY, FUNDING-CLIFF, CONCENTRATION, FUNDER-DOMINANCE;
//! 3. equity lenses: SHORT-TERM-FUNDING, UNDER-FUNDED-GROUP, USUAL-SUSPECTS.
//!
//! Within a code: the most money at stake first (a flag with no sum of money counts as £0),
//! then high before medium, then the flags' own order (severity, code, subject,
//! partnership).
//!
//! **Selection**: at most [`MAX_FINDINGS`]. First the leading flag of each code, in priority
//! order, so that one code with many flags (19 funding cliffs) cannot crowd out the others;
//! then, while places remain, the next flags in priority order. The chosen flags are shown in
//! priority order. Each carries a question for the board from `fundflow explain CODE`: the
//! first question for a code's first flag, the second for its second, and so on.
//!
//! Complexity: O(f log f) for f flags.

use crate::flags::Code;
use crate::flags::{explain, Flag};
use serde::Serialize;

/// The most findings the summary shows (issue 18: "at most eight").
pub(crate) const MAX_FINDINGS: usize = 8;

/// What a flag is about, for the summary's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Theme {
    /// Partnership power and participation.
    Partnership,
    /// Money: dependency, cliffs, concentration, dominance.
    Money,
    /// The equity lenses.
    Equity,
}

/// Every flag code in summary priority order, with its theme.
pub(crate) const PRIORITY: [(Code, Theme); 12] = [
    (Code::DefaultHost, Theme::Partnership),
    (Code::DefaultChair, Theme::Partnership),
    (Code::UnpaidParticipation, Theme::Partnership),
    (Code::ParticipationGap, Theme::Partnership),
    (Code::Retention, Theme::Partnership),
    (Code::Dependency, Theme::Money),
    (Code::FundingCliff, Theme::Money),
    (Code::Concentration, Theme::Money),
    (Code::FunderDominance, Theme::Money),
    (Code::ShortTermFunding, Theme::Equity),
    (Code::UnderFundedGroup, Theme::Equity),
    (Code::UsualSuspects, Theme::Equity),
];

/// A code's place in [`PRIORITY`] and its theme (every code has one: a test checks it; the
/// fallback, last and equity, is never reached).
pub(crate) fn priority(code: Code) -> (usize, Theme) {
    PRIORITY
        .iter()
        .position(|(c, _)| *c == code)
        .map_or((PRIORITY.len(), Theme::Equity), |i| (i, PRIORITY[i].1))
}

/// One finding of the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SummaryFinding {
    /// Its index in `flags`.
    pub(crate) flag: usize,
    /// The flag's code.
    pub(crate) code: Code,
    /// What it is about.
    pub(crate) theme: Theme,
    /// The flag's figure as the summary states it (`None` when suppressed under `--public`).
    pub(crate) figure: Option<String>,
    /// A question for the board to ask.
    pub(crate) question: &'static str,
}

/// How as_of was chosen (SPEC.md "Definitions").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AsOfBasis {
    /// `--as-of`.
    Given,
    /// The window's end (`--to` or `--fy`).
    WindowEnd,
    /// The latest award or meeting date in the data: where the data stops, which may not be
    /// the date the board meets.
    LatestInData,
}

/// The board summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct BoardSummary {
    /// At most [`MAX_FINDINGS`] findings, in priority order.
    pub(crate) findings: Vec<SummaryFinding>,
    /// Flags raised but not in the summary (they are in the report's appendix).
    pub(crate) more: usize,
    /// How as_of was chosen.
    pub(crate) as_of_basis: AsOfBasis,
    /// What a reader must know before trusting the summary's figures ([`warnings`]).
    pub(crate) warnings: Vec<String>,
}

/// Flag indices in priority order: code priority, most money first, high first, then the
/// flags' own (sorted) order.
pub(crate) fn ranked(flags: &[Flag]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..flags.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&flags[a], &flags[b]);
        priority(x.code)
            .0
            .cmp(&priority(y.code).0)
            .then(y.amount.unwrap_or(0.0).total_cmp(&x.amount.unwrap_or(0.0)))
            .then(x.severity.cmp(&y.severity))
            .then(a.cmp(&b))
    });
    order
}

/// The summary of `flags` (already disclosed under `--public`).
pub(crate) fn board_summary(flags: &[Flag], as_of_basis: AsOfBasis) -> BoardSummary {
    let order = ranked(flags);
    let mut chosen: Vec<usize> = Vec::new();
    // Pass 1: each code's leading flag.
    let mut seen: Vec<Code> = Vec::new();
    for &i in &order {
        if chosen.len() == MAX_FINDINGS {
            break;
        }
        if !seen.contains(&flags[i].code) {
            seen.push(flags[i].code);
            chosen.push(i);
        }
    }
    // Pass 2: the rest in priority order.
    for &i in &order {
        if chosen.len() == MAX_FINDINGS {
            break;
        }
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    // Shown in priority order.
    let rank_of = |i: usize| order.iter().position(|&j| j == i).unwrap_or(usize::MAX);
    chosen.sort_by_key(|&i| rank_of(i));
    let mut per_code: Vec<(Code, usize)> = Vec::new();
    let findings = chosen
        .into_iter()
        .map(|i| {
            let f = &flags[i];
            let k = match per_code.iter_mut().find(|(c, _)| *c == f.code) {
                Some((_, n)) => {
                    *n += 1;
                    *n - 1
                }
                None => {
                    per_code.push((f.code, 1));
                    0
                }
            };
            let questions = explain::explanation(f.code).questions;
            SummaryFinding {
                flag: i,
                code: f.code,
                theme: priority(f.code).1,
                figure: figure(f),
                question: questions
                    .get(k % questions.len().max(1))
                    .copied()
                    .unwrap_or(""),
            }
        })
        .collect::<Vec<_>>();
    BoardSummary {
        more: flags.len() - findings.len(),
        findings,
        as_of_basis,
        warnings: Vec::new(),
    }
}

/// The summary's warnings: when as_of is only where the data stops (no `--as-of`, no
/// window end), the funding cliff is measured from that date, and grants ending on that day
/// itself may be where the data stops rather than money about to stop.
pub(crate) fn warnings(
    as_of: chrono::NaiveDate,
    basis: AsOfBasis,
    cliff: &crate::measures::dependency::EndingSummary,
) -> Vec<String> {
    use crate::flags::money;
    if basis != AsOfBasis::LatestInData {
        return Vec::new();
    }
    let mut w = format!(
        "No date was given, so the figures are as of {as_of}, the latest date in the data: running grants and funding cliffs are measured from where the data stops, not from the date of this paper."
    );
    if cliff.ending_on_as_of_annual > 0.0 {
        w.push_str(&format!(
            " {} a year of VCSE-side grants end on {as_of} itself (of {} a year ending within 12 months); grants renewed after that date are not in the data.",
            money(cliff.ending_on_as_of_annual),
            money(cliff.ending_12m_annual)
        ));
    }
    w.push_str(" Run with --as-of set to the paper's date to measure from it.");
    vec![w]
}

/// A flag's value as a board reads it: a share as a percentage, PARTICIPATION-GAP (a
/// difference of two rates) in percentage points, UNDER-FUNDED-GROUP's representation ratio
/// as a ratio. `None` for a suppressed (non-finite) value.
pub(crate) fn figure(f: &Flag) -> Option<String> {
    if !f.value.is_finite() {
        return None;
    }
    let shown = f.code.show(f.value);
    Some(match f.code {
        Code::UnderFundedGroup => format!("{shown} of a fair share"),
        _ => shown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::Severity;

    fn flag(code: Code, severity: Severity, amount: Option<f64>, subject: &str) -> Flag {
        Flag {
            code,
            severity,
            subject: Some(subject.into()),
            partnership: None,
            group: None,
            value: 0.6,
            threshold: 0.5,
            amount,
            message: format!("{code} {subject}"),
        }
    }

    #[test]
    fn every_code_has_a_place_and_an_explanation() {
        for c in Code::ALL {
            assert!(priority(c).0 < PRIORITY.len(), "{c}");
            assert_eq!(explain::explanation(c).code, c);
        }
        assert_eq!(PRIORITY.len(), Code::ALL.len());
    }

    #[test]
    fn partnership_before_money_before_equity_and_one_per_code_first() {
        use Severity::*;
        // Ten funding cliffs, two DEFAULT-HOST, one USUAL-SUSPECTS, one DEPENDENCY.
        let mut flags = Vec::new();
        for k in 0..10 {
            // Amounts 1000, 2000, … 10000: the largest (k = 9) leads FUNDING-CLIFF.
            flags.push(flag(
                Code::FundingCliff,
                High,
                Some(1000.0 * (k + 1) as f64),
                &format!("c{k}"),
            ));
        }
        flags.push(flag(Code::UsualSuspects, High, None, "u")); // 10
        flags.push(flag(Code::DefaultHost, Medium, None, "h1")); // 11
        flags.push(flag(Code::DefaultHost, High, None, "h2")); // 12
        flags.push(flag(Code::Dependency, Medium, Some(50.0), "d")); // 13
        let s = board_summary(&flags, AsOfBasis::Given);
        // Pass 1 takes one per code: DEFAULT-HOST (h2, high first), DEPENDENCY,
        // FUNDING-CLIFF (c9, £10,000), USUAL-SUSPECTS = 4. Pass 2 fills 4 more in
        // priority order: h1, then cliffs c8, c7, c6. Shown in priority order.
        let shown: Vec<&str> = s
            .findings
            .iter()
            .map(|x| flags[x.flag].subject.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(shown, ["h2", "h1", "d", "c9", "c8", "c7", "c6", "u"]);
        assert_eq!(s.more, 14 - 8);
        // Questions: DEFAULT-HOST's first and second questions, in turn.
        let q = explain::explanation(Code::DefaultHost).questions;
        assert_eq!(s.findings[0].question, q[0]);
        assert_eq!(s.findings[1].question, q[1]);
        assert_eq!(s.findings[0].theme, Theme::Partnership);
        assert_eq!(s.findings[7].theme, Theme::Equity);
    }

    #[test]
    fn figures_read_as_a_board_reads_them() {
        let mut f = flag(Code::ParticipationGap, Severity::High, None, "p");
        f.value = 0.3749; // 37.49 points → "37 points"
        assert_eq!(figure(&f).as_deref(), Some("37 points"));
        f.code = Code::UnderFundedGroup;
        f.value = 0.4; // representation ratio 0.4 → "0.40 of a fair share"
        assert_eq!(figure(&f).as_deref(), Some("0.40 of a fair share"));
        f.code = Code::Dependency;
        f.value = 0.755; // 75.5% → "76%" (rounded half away from zero by format)
        assert_eq!(figure(&f).as_deref(), Some("76%"));
        f.value = f64::NAN; // suppressed under --public
        assert_eq!(figure(&f), None);
    }

    #[test]
    fn warns_when_as_of_is_where_the_data_stops() {
        use crate::measures::dependency::EndingSummary;
        let d = chrono::NaiveDate::from_ymd_opt(2025, 3, 31).expect("date");
        let cliff = EndingSummary {
            active_grants: 10,
            active_annual: 2_000_000.0,
            ending_12m_annual: 1_400_000.0,
            ending_12m_share: Some(0.7),
            ending_on_as_of_annual: 675_000.0,
        };
        assert!(warnings(d, AsOfBasis::Given, &cliff).is_empty());
        assert!(warnings(d, AsOfBasis::WindowEnd, &cliff).is_empty());
        let w = warnings(d, AsOfBasis::LatestInData, &cliff);
        assert_eq!(w.len(), 1);
        // money(675,000) = "£675k", money(1,400,000) = "£1.4m".
        assert!(
            w[0].contains("£675k a year of VCSE-side grants end on 2025-03-31 itself (of £1.4m a year ending within 12 months)"),
            "{}",
            w[0]
        );
        let none = EndingSummary {
            ending_on_as_of_annual: 0.0,
            ..cliff
        };
        assert!(!warnings(d, AsOfBasis::LatestInData, &none)[0].contains("itself"));
    }

    #[test]
    fn no_flags_no_findings() {
        let s = board_summary(&[], AsOfBasis::LatestInData);
        assert!(s.findings.is_empty());
        assert_eq!(s.more, 0);
    }

    proptest::proptest! {
        #[test]
        fn summary_invariants(codes in proptest::collection::vec((0usize..12, proptest::bool::ANY, 0u32..5), 0..40)) {
            let flags: Vec<Flag> = codes
                .iter()
                .enumerate()
                .map(|(k, (c, high, m))| {
                    let sev = if *high { Severity::High } else { Severity::Medium };
                    flag(PRIORITY[*c].0, sev, Some(f64::from(*m)), &format!("s{k}"))
                })
                .collect();
            let s = board_summary(&flags, AsOfBasis::Given);
            // At most eight, none twice, the rest counted.
            proptest::prop_assert!(s.findings.len() <= MAX_FINDINGS);
            proptest::prop_assert_eq!(s.findings.len() + s.more, flags.len());
            let mut idx: Vec<usize> = s.findings.iter().map(|x| x.flag).collect();
            idx.dedup();
            proptest::prop_assert_eq!(idx.len(), s.findings.len());
            // Shown in priority order.
            for w in s.findings.windows(2) {
                proptest::prop_assert!(priority(w[0].code).0 <= priority(w[1].code).0);
            }
            // Every code raised appears, up to eight codes.
            let mut codes_raised: Vec<Code> = flags.iter().map(|f| f.code).collect();
            codes_raised.sort_by_key(|c| priority(*c).0);
            codes_raised.dedup();
            for c in codes_raised.iter().take(MAX_FINDINGS) {
                proptest::prop_assert!(s.findings.iter().any(|x| x.code == *c));
            }
        }
    }
}
