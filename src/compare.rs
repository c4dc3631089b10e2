//! `fundflow compare`: did it get better? Two [`Findings`] — two financial years of one
//! dataset, or two snapshots of one area — side by side: each headline figure, its change
//! and the direction in words, the flags that appeared, cleared or changed severity, and the
//! organisations present on one side only (matched by identifier).
//!
//! Directions are stated neutrally ("rose", "fell"): whether a rise is good depends on the
//! figure (a rising VCSE share is welcome, a rising host share is not), and the reader is
//! better placed to say so than a rule. Shares change by percentage points.

use crate::findings::Findings;
use crate::flags::Code;
use crate::flags::{money, percent, thousands, Flag, Severity};
use crate::measures::Window;
use crate::model::Sector;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Bumped when the shape of `compare.json` changes.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// How a figure is measured, and so how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Unit {
    /// Pounds: £1.2m.
    Money,
    /// A share 0–1: 48%; changes in percentage points.
    Share,
    /// A count: 1,234.
    Count,
    /// HHI on 0–10,000: 1,309.
    Hhi,
    /// A coefficient 0–1 (Gini): 0.58.
    Coefficient,
}

impl Unit {
    /// A value as a board paper writes it.
    pub(crate) fn format(self, v: f64) -> String {
        match self {
            Unit::Money => money(v),
            Unit::Share => percent(v),
            Unit::Count | Unit::Hhi => thousands(v),
            Unit::Coefficient => format!("{v:.2}"),
        }
    }

    /// A change as a board paper writes it: +£0.3m, +7 points, −12.
    pub(crate) fn format_change(self, d: f64) -> String {
        let a = d.abs();
        let body = match self {
            Unit::Money => money(a),
            Unit::Share => {
                let points = format!("{:.0}", a * 100.0);
                let plural = if points == "1" { "" } else { "s" };
                format!("{points} point{plural}")
            }
            Unit::Count | Unit::Hhi => thousands(a),
            Unit::Coefficient => format!("{a:.2}"),
        };
        // A change that rounds to nothing carries no sign ("0 points", not "−0 points").
        let shown_as_zero = !body.chars().any(|c| c.is_ascii_digit() && c != '0');
        let sign = if shown_as_zero {
            ""
        } else if d > 0.0 {
            "+"
        } else {
            "−"
        };
        format!("{sign}{body}")
    }
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Side {
    /// `2022-23`, or the dataset as given.
    pub(crate) label: String,
    /// Its as_of.
    pub(crate) as_of: NaiveDate,
    /// Its window.
    pub(crate) window: Window,
}

/// One headline figure on both sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FigureChange {
    /// A stable key, e.g. `vcse_share` or `host_share`.
    pub(crate) figure: String,
    /// The partnership it is about, if any.
    pub(crate) partnership: Option<String>,
    /// In words, e.g. "VCSE share of funding".
    pub(crate) label: String,
    /// How it is measured.
    pub(crate) unit: Unit,
    /// The base side's value.
    pub(crate) base: Option<f64>,
    /// The other side's value.
    pub(crate) to: Option<f64>,
    /// to − base, when both are known.
    pub(crate) change: Option<f64>,
    /// Whether the figure moved as a reader sees it: false when both sides show the same
    /// displayed value (17.6% and 18.4% both show as 18%), true otherwise — also when a side
    /// has no figure, which is news in itself.
    pub(crate) moved: bool,
    /// The change in a sentence.
    pub(crate) words: String,
}

/// How a flag differs between the sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FlagChangeKind {
    /// Raised on the new side only.
    Appeared,
    /// Raised on the base side only.
    Cleared,
    /// Raised on both, at different severities.
    Severity,
}

/// A flag that appeared, cleared or changed severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FlagChange {
    /// What happened.
    pub(crate) change: FlagChangeKind,
    /// The flag's code.
    pub(crate) code: Code,
    /// Its subject.
    pub(crate) subject: Option<String>,
    /// Its partnership.
    pub(crate) partnership: Option<String>,
    /// Its group.
    pub(crate) group: Option<String>,
    /// Severity on the base side (`None`: not raised).
    pub(crate) base_severity: Option<Severity>,
    /// Severity on the other side.
    pub(crate) to_severity: Option<Severity>,
    /// The message of the newer flag (the base's when it cleared).
    pub(crate) message: String,
    /// For a cleared flag: why it is not raised on the other side.
    pub(crate) cleared_because: Option<ClearedBecause>,
    /// For a cleared flag: the reason in words, with the figure now when there is one.
    pub(crate) why: Option<String>,
}

/// Why a flag raised on the base side is not raised on the other (issue 18: "the
/// partnership just received no programme money" is not the same as "retention fell").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ClearedBecause {
    /// The figure is measured on the other side and is below the flag's threshold: a real
    /// change.
    BelowThreshold,
    /// The figure is measured and still crosses the threshold, but the flag's condition no
    /// longer holds (too few recipients, funders, meetings, rows, grants or tagged
    /// organisations to judge).
    TooLittleToJudge,
    /// Nothing to measure on the other side: the subject is absent, or the figure cannot be
    /// computed (no programme money, no meetings with a host, no running grants, …).
    NothingToMeasure,
}

/// An organisation found on one side only.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct OrgRef {
    /// Identifier.
    pub(crate) id: String,
    /// Name.
    pub(crate) name: String,
}

/// The whole comparison (`compare.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Shape version of this file.
    pub(crate) schema_version: u32,
    /// The earlier side.
    pub(crate) base: Side,
    /// The later side.
    pub(crate) to: Side,
    /// Every headline figure.
    pub(crate) figures: Vec<FigureChange>,
    /// Flags that appeared, cleared or changed severity.
    pub(crate) flags: Vec<FlagChange>,
    /// Funders and recipients on the base side only.
    pub(crate) only_in_base: Vec<OrgRef>,
    /// Funders and recipients on the other side only.
    pub(crate) only_in_to: Vec<OrgRef>,
}

impl Comparison {
    /// The sentences of the figures that moved ([`FigureChange::moved`]), in order: the
    /// "What changed" list of the terminal summary and of compare.html.
    pub(crate) fn moved_words(&self) -> Vec<&str> {
        self.figures
            .iter()
            .filter(|f| f.moved)
            .map(|f| f.words.as_str())
            .collect()
    }
}

/// A figure's key, partnership, label and unit, and how to read it from findings.
struct Spec {
    figure: String,
    partnership: Option<String>,
    label: String,
    unit: Unit,
}

/// (spec, value) pairs of one side, keyed by (partnership, figure).
type Values = BTreeMap<(Option<String>, String), (Spec, Option<f64>)>;

fn headline(f: &Findings) -> Values {
    let mut v: Values = BTreeMap::new();
    let mut put = |figure: &str, partnership: Option<&str>, label: String, unit, value| {
        v.insert(
            (partnership.map(str::to_owned), figure.to_owned()),
            (
                Spec {
                    figure: figure.to_owned(),
                    partnership: partnership.map(str::to_owned),
                    label,
                    unit,
                },
                value,
            ),
        );
    };
    let t = &f.totals;
    put(
        "grants",
        None,
        "Grants awarded".into(),
        Unit::Count,
        Some(t.grants as f64),
    );
    put(
        "amount",
        None,
        "Money awarded".into(),
        Unit::Money,
        Some(t.amount),
    );
    put(
        "funders",
        None,
        "Funders".into(),
        Unit::Count,
        Some(t.funders as f64),
    );
    put(
        "recipients",
        None,
        "Recipients".into(),
        Unit::Count,
        Some(t.recipients as f64),
    );
    for s in Sector::ALL {
        let amount = t
            .by_sector
            .iter()
            .find(|x| x.sector == s)
            .map_or(0.0, |x| x.amount);
        let who = match s {
            Sector::Statutory => "statutory bodies",
            Sector::Vcse => "VCSE organisations",
            Sector::Private => "private companies",
            Sector::Individual => "individuals",
            Sector::Unknown => "recipients of unknown sector",
        };
        put(
            &format!("amount_{}", s.as_str()),
            None,
            format!("Money to {who}"),
            Unit::Money,
            Some(amount),
        );
    }
    let c = &f.concentration.overall;
    put(
        "vcse_share",
        None,
        "VCSE share of funding".into(),
        Unit::Share,
        c.vcse_share,
    );
    put(
        "top5_share",
        None,
        "Share of money to the five largest recipients".into(),
        Unit::Share,
        c.top5_share,
    );
    put(
        "hhi",
        None,
        "HHI across recipients".into(),
        Unit::Hhi,
        c.hhi,
    );
    put(
        "gini",
        None,
        "Gini across recipients".into(),
        Unit::Coefficient,
        c.gini,
    );
    put(
        "ending_12m_share",
        None,
        "Share of VCSE running grant funding ending within 12 months".into(),
        Unit::Share,
        f.cliff.overall.ending_12m_share,
    );
    if let Some(us) = &f.equity.usual_suspects {
        put(
            "top5_seat_share",
            None,
            "Share of VCSE seats held by the five organisations with most".into(),
            Unit::Share,
            us.top5_seat_share,
        );
    }
    let count = |sev| f.flags.iter().filter(|x| x.severity == sev).count() as f64;
    put(
        "flags_high",
        None,
        "High flags".into(),
        Unit::Count,
        Some(count(Severity::High)),
    );
    put(
        "flags_medium",
        None,
        "Medium flags".into(),
        Unit::Count,
        Some(count(Severity::Medium)),
    );
    for p in &f.partnerships {
        let id = Some(p.id.as_str());
        let at = |what: &str| format!("{}: {what}", p.name);
        put(
            "host_share",
            id,
            at("fundholder's share of meetings hosted"),
            Unit::Share,
            p.host_share,
        );
        put(
            "chair_share",
            id,
            at("fundholder's share of meetings chaired"),
            Unit::Share,
            p.chair_share,
        );
        put(
            "seat_share",
            id,
            at("fundholder's share of seats"),
            Unit::Share,
            p.seat_share,
        );
        put(
            "vcse_unpaid_share",
            id,
            at("share of VCSE hours unpaid"),
            Unit::Share,
            p.vcse_unpaid_share,
        );
        put(
            "attendance_rate_statutory",
            id,
            at("statutory attendance rate"),
            Unit::Share,
            p.attendance_rate.statutory,
        );
        put(
            "attendance_rate_vcse",
            id,
            at("VCSE attendance rate"),
            Unit::Share,
            p.attendance_rate.vcse,
        );
    }
    v
}

/// The sentence for one figure.
fn words(
    label: &str,
    unit: Unit,
    base: Option<f64>,
    to: Option<f64>,
    sides: (&str, &str),
) -> String {
    match (base, to) {
        (Some(b), Some(t)) => {
            let (fb, ft) = (unit.format(b), unit.format(t));
            if fb == ft {
                format!("{label} stayed at {ft}.")
            } else if t > b {
                format!("{label} rose from {fb} to {ft}.")
            } else {
                format!("{label} fell from {fb} to {ft}.")
            }
        }
        (Some(b), None) => format!(
            "{label} was {} in {}; no figure for {}.",
            unit.format(b),
            sides.0,
            sides.1
        ),
        (None, Some(t)) => format!(
            "{label}: no figure for {}; {} in {}.",
            sides.0,
            unit.format(t),
            sides.1
        ),
        (None, None) => format!("{label}: no figure on either side."),
    }
}

type FlagKey = (Code, Option<String>, Option<String>, Option<String>);

fn flag_key(f: &Flag) -> FlagKey {
    (
        f.code,
        f.subject.clone(),
        f.partnership.clone(),
        f.group.clone(),
    )
}

fn org_refs(f: &Findings) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for x in &f.funders {
        m.insert(x.id.to_string(), x.name.clone());
    }
    for r in &f.recipients {
        // "individuals:FUNDER" lines stand for people, not an organisation.
        if !crate::model::NodeId::is_individuals(&r.id) {
            m.insert(r.id.clone(), r.name.clone());
        }
    }
    m
}

/// Compares `base` (labelled `base_label`) with `to`.
pub fn compare(base: &Findings, base_label: &str, to: &Findings, to_label: &str) -> Comparison {
    let (mut a, mut b) = (headline(base), headline(to));
    let keys: BTreeSet<(Option<String>, String)> = a.keys().chain(b.keys()).cloned().collect();
    // Area-wide figures first (partnership None sorts first), then per partnership; in each,
    // the order of FIGURE_ORDER.
    let rank = |f: &str| {
        FIGURE_ORDER
            .iter()
            .position(|x| *x == f)
            .unwrap_or(usize::MAX)
    };
    let mut keys: Vec<_> = keys.into_iter().collect();
    keys.sort_by(|x, y| (&x.0, rank(&x.1), &x.1).cmp(&(&y.0, rank(&y.1), &y.1)));
    let figures = keys
        .into_iter()
        .filter_map(|k| {
            let (sa, va) = a.remove(&k).map_or((None, None), |(s, v)| (Some(s), v));
            let (sb, vb) = b.remove(&k).map_or((None, None), |(s, v)| (Some(s), v));
            let spec = sb.or(sa)?;
            Some(FigureChange {
                words: words(&spec.label, spec.unit, va, vb, (base_label, to_label)),
                change: va.zip(vb).map(|(x, y)| y - x + 0.0),
                moved: va
                    .zip(vb)
                    .is_none_or(|(x, y)| spec.unit.format(x) != spec.unit.format(y)),
                figure: spec.figure,
                partnership: spec.partnership,
                label: spec.label,
                unit: spec.unit,
                base: va,
                to: vb,
            })
        })
        .collect();

    let fa: BTreeMap<FlagKey, &Flag> = base.flags.iter().map(|f| (flag_key(f), f)).collect();
    let fb: BTreeMap<FlagKey, &Flag> = to.flags.iter().map(|f| (flag_key(f), f)).collect();
    let mut flags: Vec<FlagChange> = Vec::new();
    for key in fa.keys().chain(fb.keys()).collect::<BTreeSet<_>>() {
        let (x, y) = (fa.get(key), fb.get(key));
        let change = match (x, y) {
            (None, Some(_)) => FlagChangeKind::Appeared,
            (Some(_), None) => FlagChangeKind::Cleared,
            (Some(x), Some(y)) if x.severity != y.severity => FlagChangeKind::Severity,
            _ => continue,
        };
        let Some(newest) = y.or(x) else { continue };
        flags.push(FlagChange {
            change,
            code: key.0,
            subject: key.1.clone(),
            partnership: key.2.clone(),
            group: key.3.clone(),
            base_severity: x.map(|f| f.severity),
            to_severity: y.map(|f| f.severity),
            message: newest.message.clone(),
            cleared_because: None,
            why: None,
        });
        if let (FlagChangeKind::Cleared, Some(x), Some(last)) = (change, x, flags.last_mut()) {
            let (because, why) = why_cleared(to, x);
            last.cleared_because = Some(because);
            last.why = Some(why);
        }
    }
    flags.sort_by(|x, y| {
        (x.change, x.code, &x.subject, &x.partnership, &x.group).cmp(&(
            y.change,
            y.code,
            &y.subject,
            &y.partnership,
            &y.group,
        ))
    });

    let (oa, ob) = (org_refs(base), org_refs(to));
    let only = |m: &BTreeMap<String, String>, other: &BTreeMap<String, String>| {
        m.iter()
            .filter(|(id, _)| !other.contains_key(*id))
            .map(|(id, name)| OrgRef {
                id: id.clone(),
                name: name.clone(),
            })
            .collect()
    };
    Comparison {
        schema_version: SCHEMA_VERSION,
        base: Side {
            label: base_label.to_owned(),
            as_of: base.as_of,
            window: base.window,
        },
        to: Side {
            label: to_label.to_owned(),
            as_of: to.as_of,
            window: to.window,
        },
        figures,
        flags,
        only_in_base: only(&oa, &ob),
        only_in_to: only(&ob, &oa),
    }
}

/// Why `flag` (raised on the base side) is not raised in `to`: its figure for the same
/// subject on the other side, against the flag's bar there. The flag's own condition ("only
/// when") is not re-implemented: a figure that still crosses the bar means the condition is
/// what stopped it.
fn why_cleared(to: &Findings, flag: &Flag) -> (ClearedBecause, String) {
    let p = &to.parameters;
    let partnership = || {
        to.partnerships
            .iter()
            .find(|x| Some(&x.id) == flag.partnership.as_ref())
    };
    let recipient = || {
        to.recipients
            .iter()
            .find(|r| Some(&r.id) == flag.subject.as_ref())
    };
    let funder = || {
        to.funders
            .iter()
            .find(|f| Some(f.id.as_str()) == flag.subject.as_deref())
    };
    // DEFAULT-HOST's and DEFAULT-CHAIR's medium bar: the larger of the band and twice the
    // fair share, but never above the high band (which needs the share alone).
    let default_bar = |bands: crate::config::Bands| {
        partnership()
            .and_then(|x| x.fair_share)
            .map_or(bands.medium, |fs| {
                bands
                    .medium
                    .max(p.default_fair_share_multiple * fs)
                    .min(bands.high)
            })
    };
    // (figure on the other side, the bar it must reach, higher is worse, what is missing
    // when there is no figure).
    let (value, bar, high_is_worse, missing): (Option<f64>, f64, bool, &str) = match flag.code {
        Code::Concentration => (
            funder().and_then(|f| f.concentration.top5_share),
            p.concentration.medium,
            true,
            "the funder made no grants in the window",
        ),
        Code::FunderDominance => {
            let d = if flag.group.is_none() {
                Some(&to.dominance.overall)
            } else {
                to.dominance.by_area.iter().find(|d| d.area == flag.group)
            };
            (
                d.and_then(|d| {
                    d.funders
                        .iter()
                        .find(|f| Some(f.id.as_str()) == flag.subject.as_deref())
                        .map(|f| f.share)
                }),
                p.dominance.medium,
                true,
                "the funder gave nothing to the VCSE side there",
            )
        }
        Code::Dependency => (
            recipient().and_then(|r| r.dependency),
            p.dependency.medium,
            true,
            "the organisation has no grants running at the as-of date",
        ),
        Code::FundingCliff => (
            recipient().and_then(|r| r.ending_12m_share),
            p.cliff.medium,
            true,
            "the organisation has no grants running at the as-of date",
        ),
        Code::Retention => (
            partnership().and_then(|x| x.retained_share),
            p.retention.medium,
            true,
            "no programme money reached the fundholder",
        ),
        Code::DefaultHost => (
            partnership().and_then(|x| x.host_share),
            default_bar(p.default_host),
            true,
            "no meetings with a host were recorded",
        ),
        Code::DefaultChair => (
            partnership().and_then(|x| x.chair_share),
            default_bar(p.default_chair),
            true,
            "no meetings with a chair were recorded",
        ),
        Code::UnpaidParticipation => (
            partnership().and_then(|x| x.vcse_unpaid_share),
            p.unpaid.medium,
            true,
            "no VCSE-side hours were recorded, or payment is unknown",
        ),
        Code::ParticipationGap => (
            partnership().and_then(|x| {
                x.attendance_rate
                    .statutory
                    .zip(x.attendance_rate.vcse)
                    .map(|(s, v)| s - v)
            }),
            p.participation_gap.medium,
            true,
            "attendance rates are not known for both sides",
        ),
        Code::ShortTermFunding => (
            funder().and_then(|f| f.practice.vcse_short_term_share),
            p.short_term,
            true,
            "the funder made no grants to VCSE organisations",
        ),
        Code::UsualSuspects => (
            to.equity
                .usual_suspects
                .as_ref()
                .and_then(|u| u.top5_seat_share),
            p.usual_suspects.medium,
            true,
            "no VCSE-side seats were recorded",
        ),
        Code::UnderFundedGroup => (
            to.equity
                .groups
                .iter()
                .find(|g| Some(&g.tag) == flag.group.as_ref())
                .and_then(|g| g.representation_ratio),
            p.under_funded.medium,
            false,
            "no organisations carry the tag, or none was funded",
        ),
    };
    match value.filter(|v| v.is_finite()) {
        None => (
            ClearedBecause::NothingToMeasure,
            format!("nothing to measure: {missing}"),
        ),
        Some(v) if (high_is_worse && v < bar) || (!high_is_worse && v > bar) => (
            ClearedBecause::BelowThreshold,
            format!(
                "the figure is now {}, {} the threshold of {}",
                flag.code.show(v),
                if high_is_worse { "below" } else { "above" },
                flag.code.show(bar)
            ),
        ),
        Some(v) => (
            ClearedBecause::TooLittleToJudge,
            format!(
                "the figure is still {} (threshold {}), but there is too little to judge by the flag's rule (see fundflow explain {})",
                flag.code.show(v),
                flag.code.show(bar),
                flag.code
            ),
        ),
    }
}

/// The order figures are printed in.
const FIGURE_ORDER: &[&str] = &[
    "grants",
    "amount",
    "funders",
    "recipients",
    "amount_statutory",
    "amount_vcse",
    "amount_private",
    "amount_individual",
    "amount_unknown",
    "vcse_share",
    "top5_share",
    "hhi",
    "gini",
    "ending_12m_share",
    "top5_seat_share",
    "flags_high",
    "flags_medium",
    "host_share",
    "chair_share",
    "seat_share",
    "vcse_unpaid_share",
    "attendance_rate_statutory",
    "attendance_rate_vcse",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{analyse, AnalyseOptions};
    use crate::measures::testkit::Builder;
    use crate::model::Dataset;

    fn findings(d: &Dataset) -> Findings {
        analyse(d, &AnalyseOptions::default())
    }

    /// F gives V1..V5 £300 each on 2024-01-01: for 12 months (`long` false) or for three
    /// years (`long` true); V1's income £120 is known only in the later snapshot.
    fn snapshot(long: bool) -> Dataset {
        let mut b = Builder::default().org("F", Sector::Statutory);
        for v in 1..=5 {
            b = b.org(&format!("V{v}"), Sector::Vcse);
        }
        if long {
            b = b.income("V1", 120);
        }
        for v in 1..=5 {
            b = b.grant("F", &format!("V{v}"), 300, "2024-01-01");
            if long {
                b = b.period("2024-01-01", "2026-12-31");
            }
        }
        b.build()
    }

    #[test]
    fn a_dataset_compared_with_itself_changes_nothing() {
        let f = findings(&snapshot(false));
        let c = compare(&f, "old", &f, "new");
        assert!(!c.figures.is_empty());
        for x in &c.figures {
            assert!(
                x.change.is_none_or(|d| d == 0.0 && d.is_sign_positive()),
                "{}: {:?}",
                x.figure,
                x.change
            );
            assert!(x.base == x.to, "{}", x.figure);
            // The same value on both sides has not moved (a figure with no value on either
            // side is reported, so it counts as moved).
            assert_eq!(x.moved, x.base.is_none(), "{}", x.figure);
        }
        assert!(c.flags.is_empty());
        assert!(c.only_in_base.is_empty() && c.only_in_to.is_empty());
        let share = c.figures.iter().find(|x| x.figure == "vcse_share");
        assert!(share.is_some_and(|x| x.words == "VCSE share of funding stayed at 100%."));
    }

    #[test]
    fn one_flag_clears_and_another_appears() {
        let (old, new) = (findings(&snapshot(false)), findings(&snapshot(true)));
        let c = compare(&old, "2024 snapshot", &new, "2025 snapshot");
        // Old: five 12-month grants to VCSE organisations → SHORT-TERM-FUNDING (share 1.0,
        // 5 grants). New: three-year grants clear it; V1's income of £120 against F's
        // £300 ÷ (1,096 ÷ 365.25) = £99.98 a year gives dependency 0.83 on the income basis
        // → DEPENDENCY high appears.
        let summary: Vec<(FlagChangeKind, Code, Option<&str>)> = c
            .flags
            .iter()
            .map(|f| (f.change, f.code, f.subject.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                (FlagChangeKind::Appeared, Code::Dependency, Some("V1")),
                (FlagChangeKind::Cleared, Code::ShortTermFunding, Some("F")),
            ]
        );
        assert_eq!(c.flags[0].to_severity, Some(Severity::High));
        assert_eq!(c.flags[1].base_severity, Some(Severity::Medium));
        // Why it cleared: every grant now runs three years, so F's short-term share of money
        // to VCSE is 0, below SHORT-TERM-FUNDING's 0.8.
        assert_eq!(
            c.flags[1].cleared_because,
            Some(ClearedBecause::BelowThreshold)
        );
        assert_eq!(
            c.flags[1].why.as_deref(),
            Some("the figure is now 0%, below the threshold of 80%")
        );
        assert_eq!((c.flags[0].cleared_because, &c.flags[0].why), (None, &None));
        // Money is the same £1,500 on both sides.
        let amount = c.figures.iter().find(|x| x.figure == "amount");
        assert!(amount
            .is_some_and(|x| x.change == Some(0.0) && x.words == "Money awarded stayed at £1.5k."));
    }

    #[test]
    fn a_cleared_flag_says_whether_there_was_anything_to_measure() {
        let old = findings(&snapshot(false)); // SHORT-TERM-FUNDING on F: 5 one-year grants.
                                              // Four one-year grants to VCSE: the share is still 1.0 ≥ 0.8, but 4 < 5 grants.
        let mut b = Builder::default().org("F", Sector::Statutory);
        for v in 1..=4 {
            b = b.org(&format!("V{v}"), Sector::Vcse).grant(
                "F",
                &format!("V{v}"),
                300,
                "2024-01-01",
            );
        }
        let fewer = findings(&b.build());
        let c = compare(&old, "a", &fewer, "b");
        let x = c.flags.iter().find(|x| x.code == Code::ShortTermFunding);
        assert_eq!(
            x.and_then(|x| x.cleared_because),
            Some(ClearedBecause::TooLittleToJudge)
        );
        assert!(x
            .and_then(|x| x.why.as_deref())
            .is_some_and(|w| w.starts_with("the figure is still 100% (threshold 80%)")));
        // F gives only to a council: nothing to VCSE organisations, nothing to measure.
        let none = findings(
            &Builder::default()
                .org("F", Sector::Statutory)
                .org("C", Sector::Statutory)
                .grant("F", "C", 300, "2024-01-01")
                .build(),
        );
        let c = compare(&old, "a", &none, "b");
        let x = c.flags.iter().find(|x| x.code == Code::ShortTermFunding);
        assert_eq!(
            x.and_then(|x| x.cleared_because),
            Some(ClearedBecause::NothingToMeasure)
        );
        assert_eq!(
            x.and_then(|x| x.why.as_deref()),
            Some("nothing to measure: the funder made no grants to VCSE organisations")
        );
    }

    #[test]
    fn words_and_formats() {
        let sides = ("2022-23", "2024-25");
        assert_eq!(
            words(
                "VCSE share of funding",
                Unit::Share,
                Some(0.41),
                Some(0.48),
                sides
            ),
            "VCSE share of funding rose from 41% to 48%."
        );
        assert_eq!(
            words(
                "Money awarded",
                Unit::Money,
                Some(3_400_000.0),
                Some(2_900_000.0),
                sides
            ),
            "Money awarded fell from £3.4m to £2.9m."
        );
        assert_eq!(
            words("HHI", Unit::Hhi, None, Some(1309.3), sides),
            "HHI: no figure for 2022-23; 1,309 in 2024-25."
        );
        assert_eq!(Unit::Share.format_change(0.07), "+7 points");
        assert_eq!(Unit::Share.format_change(-0.01), "−1 point");
        assert_eq!(Unit::Share.format_change(-0.004), "0 points");
        assert_eq!(Unit::Money.format_change(-0.2), "£0");
        assert_eq!(Unit::Count.format_change(-1234.0), "−1,234");
        assert_eq!(Unit::Money.format_change(250_000.0), "+£250k");
    }

    #[test]
    fn organisations_on_one_side_are_listed() {
        let old = snapshot(false);
        let mut new = snapshot(false);
        new.grants.retain(|g| {
            g.recipient != crate::model::Recipient::Org(crate::measures::testkit::org("V5"))
        });
        let c = compare(&findings(&old), "a", &findings(&new), "b");
        assert_eq!(
            c.only_in_base
                .iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>(),
            ["V5"]
        );
        assert!(c.only_in_to.is_empty());
    }
}
