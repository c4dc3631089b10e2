//! `fundflow analyse`.

use super::DatasetArgs;
use chrono::NaiveDate;
use clap::Args;
use fundflow::config::Parameters;
use fundflow::findings::{analyse, AnalyseOptions, Findings};
use fundflow::flags::{money, Severity};
use fundflow::load::{load, DatasetSource};
use fundflow::measures::Window;
use fundflow::Error;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `analyse` arguments.
#[derive(Debug, Args)]
pub struct AnalyseArgs {
    /// Dataset to analyse.
    #[command(flatten)]
    pub data: DatasetArgs,
    /// Output folder (replaced atomically; created if missing).
    #[arg(short, long, value_name = "OUT", default_value = "fundflow-out")]
    pub out: PathBuf,
    /// Point in time for active grants, dependency and funding cliffs (default: --to, else
    /// the latest award or meeting date).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// First day of the window for flow measures (inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "fy")]
    pub from: Option<NaiveDate>,
    /// Last day of the window for flow measures (inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "fy")]
    pub to: Option<NaiveDate>,
    /// UK financial year: --fy 2023 is 2023-04-01..2024-03-31.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1900..=2200))]
    pub fy: Option<i32>,
    /// Thresholds and assumptions (default: fundflow.toml in the dataset folder, if any).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Disclosure control for publishing: counts of people or attendance rows below 8 are
    /// suppressed, others rounded to the nearest 5 (money is not suppressed).
    #[arg(long)]
    pub public: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

/// Reads parameters from a TOML file; every key is optional, unknown keys are errors.
pub fn read_config(path: &Path) -> Result<Parameters, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("{}: cannot read: {e}", path.display())))?;
    toml::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: {}", path.display(), e.to_string().trim())))
}

pub fn run(args: &AnalyseArgs) -> Result<(), Error> {
    let source = args.data.source();
    let config = match (&args.config, &source) {
        (Some(c), _) => Some(c.clone()),
        (None, DatasetSource::Path(p)) if p.join("fundflow.toml").is_file() => {
            Some(p.join("fundflow.toml"))
        }
        _ => None,
    };
    let parameters = match &config {
        Some(c) => read_config(c)?,
        None => Parameters::default(),
    };
    let window = match args.fy {
        Some(fy) => Window::financial_year(fy)
            .ok_or_else(|| Error::Usage(format!("--fy {fy}: not a year")))?,
        None => Window {
            from: args.from,
            to: args.to,
        },
    };
    if let (Some(f), Some(t)) = (window.from, window.to) {
        if f > t {
            return Err(Error::Usage(format!("--from {f} is after --to {t}")));
        }
    }
    let data = load(&source, &args.data.options())?;
    let findings = analyse(
        &data,
        &AnalyseOptions {
            as_of: args.as_of,
            window,
            parameters,
            public: args.public,
        },
    );
    fundflow::report::write_outputs(&findings, &args.out)?;
    if !args.data.quiet {
        eprint!("{}", summary(&findings, &args.out));
    }
    Ok(())
}

/// A short human summary: totals, then flags grouped by code with the top few.
fn summary(f: &Findings, out: &Path) -> String {
    let mut s = String::new();
    let t = &f.totals;
    s.push_str(&format!(
        "fundflow: {} grants, {} from {} funders to {} recipients (as of {}).\n",
        t.grants,
        money(t.amount),
        t.funders,
        t.recipients,
        f.as_of
    ));
    let mut by_code: BTreeMap<&str, Vec<&fundflow::flags::Flag>> = BTreeMap::new();
    for flag in &f.flags {
        by_code.entry(flag.code).or_default().push(flag);
    }
    let high = f
        .flags
        .iter()
        .filter(|x| x.severity == Severity::High)
        .count();
    s.push_str(&format!("{} flags ({high} high):\n", f.flags.len()));
    for (code, flags) in &by_code {
        let mut ranked = flags.clone();
        ranked.sort_by(|a, b| {
            b.amount
                .unwrap_or(0.0)
                .total_cmp(&a.amount.unwrap_or(0.0))
                .then(a.severity.cmp(&b.severity))
        });
        s.push_str(&format!("  {code} ({}):\n", flags.len()));
        for flag in ranked.iter().take(3) {
            s.push_str(&format!(
                "    [{}] {}\n",
                severity_word(flag.severity),
                flag.message
            ));
        }
        if flags.len() > 3 {
            s.push_str(&format!(
                "    … and {} more in findings.json\n",
                flags.len() - 3
            ));
        }
    }
    for sk in &f.skipped {
        s.push_str(&format!(
            "skipped: {} (needs {})\n",
            sk.analysis,
            sk.missing.join(", ")
        ));
    }
    s.push_str(&format!(
        "Wrote {}/findings.json and {}/tables/.\n",
        out.display(),
        out.display()
    ));
    s
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::High => "high",
        Severity::Medium => "medium",
    }
}
