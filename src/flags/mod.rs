//! Flags: thresholds → plain-English findings (SPEC.md "Flags").
//!
//! Each rule lives beside its message, in the module of its measure family. Every flag
//! carries the figure and the threshold it crossed, so a board member can see why it was
//! raised, and `fundflow explain CODE` gives the definition and the source.

pub(crate) mod equity;
pub mod explain;
pub(crate) mod funding;
pub(crate) mod partnership;

use crate::config::Bands;
use serde::Serialize;

/// How serious a flag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    /// Crossed the high threshold (sorts first).
    High,
    /// Crossed the medium threshold.
    Medium,
}

impl Severity {
    /// `high` or `medium`, as findings.json writes it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
        }
    }
}

/// A flag's rule (SPEC.md "Flags"), serialised as its code, e.g. `DEPENDENCY`. Ordered by
/// that text, as flags have always been sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// A funder's money held by its five largest recipients.
    Concentration,
    /// One funder provides most of the money to the VCSE side.
    FunderDominance,
    /// A VCSE organisation depends on one funder.
    Dependency,
    /// A VCSE organisation's running funding ends within 12 months.
    FundingCliff,
    /// The fundholder keeps the programme money.
    Retention,
    /// The fundholder hosts the meetings.
    DefaultHost,
    /// The fundholder chairs the meetings.
    DefaultChair,
    /// VCSE members give their time unpaid.
    UnpaidParticipation,
    /// VCSE members attend less than statutory members.
    ParticipationGap,
    /// A funder's money to VCSE organisations is short-term.
    ShortTermFunding,
    /// The same few organisations hold the VCSE seats.
    UsualSuspects,
    /// Organisations led by a group get less than their share.
    UnderFundedGroup,
}

impl Code {
    /// Every code, in SPEC.md's order.
    pub(crate) const ALL: [Code; 12] = [
        Code::Concentration,
        Code::FunderDominance,
        Code::Dependency,
        Code::FundingCliff,
        Code::Retention,
        Code::DefaultHost,
        Code::DefaultChair,
        Code::UnpaidParticipation,
        Code::ParticipationGap,
        Code::ShortTermFunding,
        Code::UsualSuspects,
        Code::UnderFundedGroup,
    ];

    /// The code as SPEC.md writes it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::Concentration => "CONCENTRATION",
            Code::FunderDominance => "FUNDER-DOMINANCE",
            Code::Dependency => "DEPENDENCY",
            Code::FundingCliff => "FUNDING-CLIFF",
            Code::Retention => "RETENTION",
            Code::DefaultHost => "DEFAULT-HOST",
            Code::DefaultChair => "DEFAULT-CHAIR",
            Code::UnpaidParticipation => "UNPAID-PARTICIPATION",
            Code::ParticipationGap => "PARTICIPATION-GAP",
            Code::ShortTermFunding => "SHORT-TERM-FUNDING",
            Code::UsualSuspects => "USUAL-SUSPECTS",
            Code::UnderFundedGroup => "UNDER-FUNDED-GROUP",
        }
    }

    /// A value or threshold of this code's figure, as a board reads it: a share as a
    /// percentage, PARTICIPATION-GAP (a difference of two rates) in percentage points,
    /// UNDER-FUNDED-GROUP's representation ratio as a number to two places.
    pub(crate) fn show(self, v: f64) -> String {
        match self {
            Code::ParticipationGap => format!("{:.0} points", v * 100.0),
            Code::UnderFundedGroup => format!("{v:.2}"),
            _ => percent(v),
        }
    }

    /// The code named by `s`, case-insensitively and ignoring surrounding space (`fundflow
    /// explain dependency`): the one place a code is read from text.
    pub(crate) fn parse(s: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Code) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Flag {
    /// The rule, e.g. `DEPENDENCY`.
    pub(crate) code: Code,
    /// high or medium.
    pub(crate) severity: Severity,
    /// The organisation it is about (org identifier), or `None` for a whole-area flag.
    pub(crate) subject: Option<String>,
    /// The partnership, when it is about one.
    pub(crate) partnership: Option<String>,
    /// A `Led By` tag or an area, when it is about one.
    pub(crate) group: Option<String>,
    /// The measured figure.
    pub(crate) value: f64,
    /// The threshold it crossed (of its severity).
    pub(crate) threshold: f64,
    /// Money at stake, in pounds, for ranking flags in summaries (not in SPEC's list; `None`
    /// where no sum of money is involved).
    pub(crate) amount: Option<f64>,
    /// One or two sentences a board member understands without a glossary.
    pub(crate) message: String,
}

impl Flag {
    /// A whole-area flag: `code` raised at `band` (its severity and the threshold of that
    /// severity that `value` crossed), with its message. What it is about — a subject,
    /// partnership or group — and the money at stake are added with the methods below.
    pub(crate) fn new(
        code: Code,
        (severity, threshold): (Severity, f64),
        value: f64,
        message: String,
    ) -> Self {
        Flag {
            code,
            severity,
            subject: None,
            partnership: None,
            group: None,
            value,
            threshold,
            amount: None,
            message,
        }
    }

    /// About this organisation.
    pub(crate) fn subject(self, id: String) -> Self {
        Flag {
            subject: Some(id),
            ..self
        }
    }

    /// About this partnership.
    pub(crate) fn partnership(self, id: String) -> Self {
        Flag {
            partnership: Some(id),
            ..self
        }
    }

    /// About this `Led By` tag or area.
    pub(crate) fn group(self, group: String) -> Self {
        self.group_opt(Some(group))
    }

    /// About this `Led By` tag or area, if any.
    pub(crate) fn group_opt(self, group: Option<String>) -> Self {
        Flag { group, ..self }
    }

    /// Pounds at stake.
    pub(crate) fn amount(self, pounds: f64) -> Self {
        self.amount_opt(Some(pounds))
    }

    /// Pounds at stake, if any.
    pub(crate) fn amount_opt(self, amount: Option<f64>) -> Self {
        Flag { amount, ..self }
    }
}

/// The severity a value earns when higher is worse (`value ≥ threshold`, inclusive).
pub(crate) fn band_high_is_worse(value: f64, bands: Bands) -> Option<(Severity, f64)> {
    if value >= bands.high {
        Some((Severity::High, bands.high))
    } else if value >= bands.medium {
        Some((Severity::Medium, bands.medium))
    } else {
        None
    }
}

/// The severity a value earns when lower is worse (`value ≤ threshold`, inclusive).
pub(crate) fn band_low_is_worse(value: f64, bands: Bands) -> Option<(Severity, f64)> {
    if value <= bands.high {
        Some((Severity::High, bands.high))
    } else if value <= bands.medium {
        Some((Severity::Medium, bands.medium))
    } else {
        None
    }
}

/// Sorts flags as SPEC.md says: severity (high first), then code, subject, partnership
/// (and group, so that whole-area flags for different tags have a stable order).
pub(crate) fn sort_flags(flags: &mut [Flag]) {
    flags.sort_by(|a, b| {
        (a.severity, a.code, &a.subject, &a.partnership, &a.group).cmp(&(
            b.severity,
            b.code,
            &b.subject,
            &b.partnership,
            &b.group,
        ))
    });
}

// The formatters live in the low `present` module; re-exported here for the flags' messages
// and the library's users.
pub(crate) use crate::present::{money, percent, possessive, thousands};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_inclusive() {
        type Rule = fn(f64, Bands) -> Option<(Severity, f64)>;
        let high = Bands {
            medium: 0.5,
            high: 0.7,
        };
        let low = Bands {
            medium: 0.5,
            high: 0.25,
        };
        // (rule, bands, value, severity): each threshold itself is in its band.
        let cases: [(Rule, Bands, f64, Option<Severity>); 6] = [
            (band_high_is_worse, high, 0.5, Some(Severity::Medium)),
            (band_high_is_worse, high, 0.7, Some(Severity::High)),
            (band_high_is_worse, high, 0.4999, None),
            (band_low_is_worse, low, 0.5, Some(Severity::Medium)),
            (band_low_is_worse, low, 0.25, Some(Severity::High)),
            (band_low_is_worse, low, 0.51, None),
        ];
        for (rule, bands, value, severity) in cases {
            assert_eq!(rule(value, bands), severity.map(|s| (s, value)), "{value}");
        }
    }

    #[test]
    fn severity_words_are_the_json_words() {
        for s in [Severity::High, Severity::Medium] {
            assert_eq!(serde_json::to_value(s).ok(), Some(s.as_str().into()));
        }
    }

    #[test]
    fn codes_read_back_and_sort_as_text() {
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(c));
            assert_eq!(
                Code::parse(&format!(" {} ", c.as_str().to_lowercase())),
                Some(c)
            );
        }
        assert_eq!(Code::parse("NOPE"), None);
        // Sorted by their text, as flags were sorted when codes were strings.
        let mut codes = Code::ALL;
        codes.sort();
        let text: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        let mut sorted = text.clone();
        sorted.sort_unstable();
        assert_eq!(text, sorted);
    }

    #[test]
    fn money_reads_like_a_board_paper() {
        type Format = fn(f64) -> String;
        let cases: [(Format, f64, &str); 9] = [
            (money, 1_234_567.0, "£1.2m"),
            (money, 20_019_000_000.0, "£20.0bn"),
            (money, 35_400.0, "£35k"),
            (money, 2_500.0, "£2.5k"),
            (money, 950.0, "£950"),
            (percent, 0.456, "46%"),
            (thousands, 1_234_567.4, "1,234,567"),
            (thousands, 999.0, "999"),
            (thousands, -1_000.0, "-1,000"),
        ];
        for (format, value, want) in cases {
            assert_eq!(format(value), want, "{value}");
        }
        assert_eq!(possessive("Age Well"), "Age Well's");
        assert_eq!(
            possessive("Eastfield Litter Pickers"),
            "Eastfield Litter Pickers'"
        );
    }
}
