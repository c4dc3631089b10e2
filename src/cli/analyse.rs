//! `fundflow analyse`.

use super::{DatasetArgs, MeasureArgs};
use clap::Args;
use fundflow::charts::ChartFiles;
use fundflow::findings::{analyse, AnalyseOptions};
use fundflow::load::load;
use fundflow::Error;
use std::path::PathBuf;

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
        eprint!(
            "{}",
            fundflow::render::terminal::analysis(
                &findings,
                &args.out,
                args.charts != ChartsArg::None
            )
        );
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
