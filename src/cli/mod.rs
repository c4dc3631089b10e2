//! Command-line definitions (clap). The library never sees these types.

mod analyse;
mod graph;
mod validate;

use clap::{Args, Parser, Subcommand};
use fundflow::load::{DatasetSource, LoadOptions};
use fundflow::Error;
use std::path::PathBuf;

/// Where public and charitable money goes in a local area, who depends on whom, and who
/// carries the unpaid cost of partnership work.
#[derive(Debug, Parser)]
#[command(name = "fundflow", version, about, long_about = None)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a dataset: files found, rows used and rejected, sector of every organisation.
    #[command(
        after_help = "Examples:\n  fundflow validate                      # the built-in example\n  fundflow validate my-area/             # a folder of CSVs\n  fundflow validate grants.json --json   # one grants file, as JSON"
    )]
    Validate(ValidateArgs),
    /// Analyse a dataset: write findings.json and tables (CSV and Parquet).
    #[command(
        after_help = "Examples:\n  fundflow analyse                          # the built-in example, into fundflow-out/\n  fundflow analyse my-area/ -o out --fy 2023\n  fundflow analyse grants.csv --as-of 2024-03-31"
    )]
    Analyse(analyse::AnalyseArgs),
    /// Export the money and participation graph for Graphviz, Gephi or yEd.
    Graph(graph::GraphArgs),
    /// Generate a synthetic dataset (not yet implemented).
    Synth,
    /// Explain a flag: its definition, formula, thresholds and source (no CODE: list them).
    Explain {
        /// The flag code, e.g. DEPENDENCY.
        code: Option<String>,
    },
}

/// Which dataset to read and how strictly.
#[derive(Debug, Args)]
pub struct DatasetArgs {
    /// A folder of input files, or a single grants file (.csv, .json, .xlsx). Omit it to use
    /// the built-in example.
    pub dataset: Option<PathBuf>,
    /// Use this grants file (when a folder has more than one, or it lives elsewhere).
    #[arg(long, value_name = "FILE")]
    pub grants: Option<PathBuf>,
    /// Leave invalid rows out and count them, instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

impl DatasetArgs {
    fn source(&self) -> DatasetSource {
        match &self.dataset {
            Some(p) => DatasetSource::Path(p.clone()),
            None => DatasetSource::Example,
        }
    }

    fn options(&self) -> LoadOptions {
        LoadOptions {
            skip_invalid: self.skip_invalid,
            grants_file: self.grants.clone(),
        }
    }
}

/// `validate` arguments.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Dataset to check.
    #[command(flatten)]
    pub data: DatasetArgs,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Analyse(args) => analyse::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Synth => Err(Error::NotYetImplemented("synth")),
        Command::Explain { code } => explain(code.as_deref()),
    }
}

/// `fundflow explain [CODE]`.
fn explain(code: Option<&str>) -> Result<(), Error> {
    use fundflow::flags::explain::{explain, EXPLANATIONS};
    let list = || {
        EXPLANATIONS
            .iter()
            .map(|e| format!("  {:<22} {}", e.code, e.title))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match code {
        None => println!("Flags (fundflow explain CODE for one):\n{}", list()),
        Some(c) => match explain(c) {
            Some(e) => println!("{}: {}\n\n{}", e.code, e.title, e.text),
            None => {
                return Err(Error::Usage(format!(
                    "no flag called {c:?}; the flags are:\n{}",
                    list()
                )))
            }
        },
    }
    Ok(())
}
