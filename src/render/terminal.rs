//! What the commands print on the terminal: `analyse`'s summary and `compare`'s report.
//! Both read only the findings (or the comparison) and [`crate::present`]; names from the
//! data go through `terminal_text` or the caller's [`crate::present::terminal_lines`].

use crate::compare::{Comparison, FlagChangeKind};
use crate::findings::Findings;
use crate::flags::Severity;
use crate::present::{count_of, money, terminal_text, thousands};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// `analyse`'s terminal summary (to stderr): totals, then what the board should know (the findings' summary,
/// in its priority order, each with its question), then the count of the other flags by code
/// in the same order. Names come from the data, so every message goes through
/// `terminal_text`; `charts` says whether chart files were written: an ESC or OSC sequence in an organisation's name is shown escaped,
/// never acted on by the terminal.
pub fn analysis(f: &Findings, out: &Path, charts: bool) -> String {
    use crate::summary::priority;
    let mut s = String::new();
    let t = &f.totals;
    s.push_str(&format!(
        "fundflow: {}, {} from {} to {} (as of {}).\n",
        count_of(t.grants, "grant", "grants"),
        money(t.amount),
        count_of(t.funders, "funder", "funders"),
        count_of(t.recipients, "recipient", "recipients"),
        f.as_of
    ));
    let high = f
        .flags
        .iter()
        .filter(|x| x.severity == Severity::High)
        .count();
    s.push_str(&format!(
        "{} ({} high){}\n",
        count_of(f.flags.len(), "flag", "flags"),
        thousands(high as f64),
        if f.summary.findings.is_empty() {
            "."
        } else {
            ". What the board should know:"
        }
    ));
    for (k, item) in f.summary.findings.iter().enumerate() {
        let Some(flag) = f.flags.get(item.flag) else {
            continue;
        };
        s.push_str(&format!(
            "  {}. [{}] {}: {}\n     Ask: {}\n",
            k + 1,
            flag.severity.as_str(),
            flag.code,
            terminal_text(&flag.message),
            item.question
        ));
    }
    if f.summary.more > 0 {
        let mut rest: BTreeMap<(usize, crate::flags::Code), usize> = BTreeMap::new();
        for (i, flag) in f.flags.iter().enumerate() {
            if !f.summary.findings.iter().any(|x| x.flag == i) {
                *rest.entry((priority(flag.code).0, flag.code)).or_default() += 1;
            }
        }
        let list: Vec<String> = rest
            .iter()
            .map(|((_, code), n)| format!("{code} {n}"))
            .collect();
        s.push_str(&format!(
            "  … and {} more ({}) in report.html's appendix and findings.json.\n",
            thousands(f.summary.more as f64),
            list.join(", ")
        ));
    }
    for w in &f.summary.warnings {
        s.push_str(&format!("Note: {w}\n"));
    }
    for sk in &f.skipped {
        s.push_str(&format!(
            "skipped: {} (needs {})\n",
            sk.analysis,
            sk.missing.join(", ")
        ));
    }
    let o = out.display().to_string();
    let o = terminal_text(&o);
    s.push_str(&format!(
        "Wrote {o}/report.html, {o}/findings.json, {o}/tables/{}.\n",
        if !charts {
            String::new()
        } else {
            format!(" and {o}/charts/")
        }
    ));
    s
}

/// `compare`'s terminal report: a table of figures, the changes in words, and the flag changes.
pub fn comparison(c: &Comparison) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "fundflow compare: {} → {}", c.base.label, c.to.label);
    // Area-wide figures, then each partnership's under its name (labels without it).
    let short = |f: &crate::compare::FigureChange| -> String {
        match &f.partnership {
            Some(_) => f
                .label
                .split_once(": ")
                .map_or(f.label.clone(), |(_, rest)| format!("  {rest}")),
            None => f.label.clone(),
        }
    };
    let width = c
        .figures
        .iter()
        .map(|f| short(f).chars().count())
        .max()
        .unwrap_or(6);
    let cell = |v: Option<f64>, f: &crate::compare::FigureChange| {
        v.map_or_else(|| "—".to_owned(), |x| f.unit.format(x))
    };
    let _ = writeln!(
        s,
        "\n{:<width$}  {:>10}  {:>10}  {:>12}",
        "figure", c.base.label, c.to.label, "change"
    );
    let mut partnership: Option<&str> = None;
    for f in &c.figures {
        if f.partnership.as_deref() != partnership {
            partnership = f.partnership.as_deref();
            if let (Some(id), Some((name, _))) = (partnership, f.label.split_once(": ")) {
                let _ = writeln!(s, "{name} ({id})");
            }
        }
        let change = f
            .change
            .map_or_else(|| "—".to_owned(), |d| f.unit.format_change(d));
        let _ = writeln!(
            s,
            "{:<width$}  {:>10}  {:>10}  {:>12}",
            short(f),
            cell(f.base, f),
            cell(f.to, f),
            change
        );
    }
    let moved = c.moved_words();
    let _ = writeln!(s, "\nWhat changed:");
    if moved.is_empty() {
        let _ = writeln!(s, "  nothing: every figure is the same on both sides.");
    }
    for w in moved {
        let _ = writeln!(s, "  - {w}");
    }
    let count = |k| c.flags.iter().filter(|f| f.change == k).count();
    let _ = writeln!(
        s,
        "\nFlags: {} appeared, {} cleared, {} changed severity.",
        count(FlagChangeKind::Appeared),
        count(FlagChangeKind::Cleared),
        count(FlagChangeKind::Severity)
    );
    const SHOWN: usize = 10;
    let mut shown: std::collections::BTreeMap<FlagChangeKind, usize> = Default::default();
    for f in &c.flags {
        let n = shown.entry(f.change).or_default();
        *n += 1;
        if *n > SHOWN {
            continue;
        }
        let sev =
            |x: Option<crate::flags::Severity>| x.map_or("none", crate::flags::Severity::as_str);
        let what = match f.change {
            FlagChangeKind::Appeared => format!("appeared [{}]", sev(f.to_severity)),
            FlagChangeKind::Cleared => format!(
                "cleared (was {}; {})",
                sev(f.base_severity),
                f.why.as_deref().unwrap_or("reason unknown")
            ),
            FlagChangeKind::Severity => {
                format!("{} → {}", sev(f.base_severity), sev(f.to_severity))
            }
        };
        let _ = writeln!(s, "  {} {what}: {}", f.code, f.message);
    }
    for (kind, n) in &shown {
        if *n > SHOWN {
            let what = match kind {
                FlagChangeKind::Appeared => "appeared",
                FlagChangeKind::Cleared => "cleared",
                FlagChangeKind::Severity => "changed severity",
            };
            let _ = writeln!(s, "  … and {} more {what} (in compare.json)", n - SHOWN);
        }
    }
    if !c.only_in_base.is_empty() || !c.only_in_to.is_empty() {
        let _ = writeln!(
            s,
            "\nOrganisations: {} only in {}, {} only in {} (listed in compare.json).",
            c.only_in_base.len(),
            c.base.label,
            c.only_in_to.len(),
            c.to.label
        );
    }
    s
}
