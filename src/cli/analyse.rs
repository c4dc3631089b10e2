//! `fundflow analyse`.

use super::{DatasetArgs, MeasureArgs};
use clap::Args;
use fundflow::charts::ChartFiles;
use fundflow::findings::{analyse, AnalyseOptions, Findings};
use fundflow::flags::{money, thousands, Severity};
use fundflow::load::load;
use fundflow::present::{count_of, terminal_text};
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
    /// When to measure and with which parameters.
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// Disclosure control for publishing: counts of people or attendance rows below 8 are
    /// suppressed, others rounded to the nearest 5 (money is not suppressed).
    #[arg(long)]
    pub public: bool,
    /// Chart files to write under OUT/charts/ (each with its data as CSV); report.html is
    /// always written, with its charts inlined.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ChartsArg::All)]
    pub charts: ChartsArg,
}

/// `--charts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartsArg {
    /// No chart files.
    None,
    /// PNG (for Word and PowerPoint).
    Png,
    /// SVG (for print and the web).
    Svg,
    /// PNG and SVG.
    All,
}

impl ChartsArg {
    fn files(self) -> ChartFiles {
        match self {
            ChartsArg::None => ChartFiles::None,
            ChartsArg::Png => ChartFiles::Png,
            ChartsArg::Svg => ChartFiles::Svg,
            ChartsArg::All => ChartFiles::All,
        }
    }
}

pub fn run(args: &AnalyseArgs) -> Result<(), Error> {
    let source = args.data.source();
    let parameters = args.measure.parameters(&source)?;
    let window = args.measure.window()?;
    // The destination is checked, and its staging folder made, before any work.
    let staging = fundflow::output::Staging::new(
        &args.out,
        "analyse",
        &args.data.inputs(args.measure.config.as_deref()),
    )?;
    let progress = super::progress::Progress::new(args.data.quiet);
    progress.stage("loading");
    let data = fundflow::timing::timed("load", || load(&source, &args.data.options()))?;
    progress.stage("analysing");
    let findings = fundflow::timing::timed("analyse", || {
        analyse(
            &data,
            &AnalyseOptions {
                as_of: args.measure.as_of,
                window,
                parameters,
                public: args.public,
            },
        )
    });
    // The findings own everything they report: the dataset (most of the memory at national
    // scale) can go before the outputs are built.
    drop(data);
    progress.stage("writing findings, tables, charts and the report");
    let _write = fundflow::timing::span("write outputs");
    fundflow::report::write_outputs_into(
        &findings,
        staging,
        &fundflow::report::OutputOptions {
            charts: args.charts.files(),
        },
    )?;
    progress.finish();
    if !args.data.quiet {
        eprint!("{}", summary(&findings, &args.out, args.charts));
        let dataset = args.data.dataset.as_ref().map(|p| p.display().to_string());
        let command = fundflow::validate::template_command(dataset.as_deref());
        for line in fundflow::validate::inference_sentences(
            &findings.data_quality.sector_inferences,
            &command,
        ) {
            eprintln!("{line}");
        }
    }
    Ok(())
}

/// A short human summary: totals, then what the board should know (the findings' summary,
/// in its priority order, each with its question), then the count of the other flags by code
/// in the same order. Names come from the data, so every message goes through
/// [`terminal_text`]: an ESC or OSC sequence in an organisation's name is shown escaped,
/// never acted on by the terminal.
fn summary(f: &Findings, out: &Path, charts: ChartsArg) -> String {
    use fundflow::summary::priority;
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
        let mut rest: BTreeMap<(usize, fundflow::flags::Code), usize> = BTreeMap::new();
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
        if charts == ChartsArg::None {
            String::new()
        } else {
            format!(" and {o}/charts/")
        }
    ));
    s
}
