//! Command-line definitions (clap). The library never sees these types.

mod analyse;
mod compare;
mod graph;
mod progress;
mod synth;
mod validate;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use fundflow::config::{Config, OrganisationsMapping, Parameters};
use fundflow::load::{DatasetSource, LoadOptions};
use fundflow::measures::Window;
use fundflow::Error;
use std::path::{Path, PathBuf};

/// `0.1.0 (commit 1a2b3c4d5e6f)`: the version and the git commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("FUNDFLOW_GIT_COMMIT"),
    ")"
);

/// Where public and charitable money goes in a local area, who depends on whom, and who
/// carries the unpaid cost of partnership work.
#[derive(Debug, Parser)]
#[command(name = "fundflow", version = VERSION, about, long_about = None)]
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
        after_help = "Examples:\n  fundflow validate                      # the built-in example\n  fundflow validate my-area/             # a folder of CSVs\n  fundflow validate grants.json --json   # one grants file, as JSON\n  fundflow validate my-area/ --organisations-template orgs.csv   # sectors to correct"
    )]
    Validate(ValidateArgs),
    /// Analyse a dataset: write findings.json, tables (CSV and Parquet), charts and report.html.
    #[command(
        after_help = "Examples:\n  fundflow analyse                          # the built-in example, into fundflow-out/\n  fundflow analyse my-area/ -o out --fy 2023\n  fundflow analyse grants.csv --as-of 2024-03-31"
    )]
    Analyse(analyse::AnalyseArgs),
    /// Export the money and participation graph for Graphviz, Gephi or yEd.
    Graph(graph::GraphArgs),
    /// Did it get better? Two financial years, or two snapshots of an area, side by side.
    Compare(compare::CompareArgs),
    /// Generate a realistic synthetic dataset of any size (reproducible from a seed).
    #[command(
        after_help = "Examples:\n  fundflow synth --scale local -o synth-local        # 5,000 grants\n  fundflow synth --scale national -o national --seed 7\n  fundflow synth --scale 20000 -o small && fundflow analyse small -o small-out"
    )]
    Synth(synth::SynthArgs),
    /// Explain a flag: its definition, formula, thresholds and source (no CODE: list them).
    #[command(
        after_help = "Examples:\n  fundflow explain              # list every flag\n  fundflow explain DEPENDENCY   # one flag's definition, formula, thresholds, source, caveats and questions to ask"
    )]
    Explain {
        /// The flag code, e.g. DEPENDENCY.
        code: Option<String>,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  fundflow completions bash > ~/.local/share/bash-completion/completions/fundflow\n  fundflow completions zsh > \"${fpath[1]}/_fundflow\"\n  fundflow completions fish > ~/.config/fish/completions/fundflow.fish\n  fundflow completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one per subcommand into a folder.
    #[command(
        after_help = "Examples:\n  fundflow man | man -l -          # read it now\n  fundflow man -o man/             # fundflow.1 and fundflow-analyse.1, ... for installing"
    )]
    Man {
        /// Write fundflow.1 and fundflow-SUBCOMMAND.1 into this folder instead.
        #[arg(short, long, value_name = "DIR")]
        out: Option<PathBuf>,
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
    /// The `[organisations]` column mapping of the config file, once read ([`configure`]).
    #[arg(skip)]
    pub organisations: Option<OrganisationsMapping>,
}

impl DatasetArgs {
    fn source(&self) -> DatasetSource {
        match &self.dataset {
            Some(p) => DatasetSource::Path(p.clone()),
            None => DatasetSource::Example,
        }
    }

    /// The files and folders this run reads, for the output checks: the dataset, the grants
    /// file and the config file (a `fundflow.toml` read from the dataset is inside it).
    fn inputs(&self, config: Option<&Path>) -> Vec<PathBuf> {
        self.dataset
            .iter()
            .chain(&self.grants)
            .map(PathBuf::clone)
            .chain(config.map(Path::to_path_buf))
            .collect()
    }

    fn options(&self) -> LoadOptions {
        LoadOptions {
            skip_invalid: self.skip_invalid,
            grants_file: self.grants.clone(),
            organisations: self.organisations.clone(),
        }
    }
}

/// When to measure, and with which thresholds: shared by `analyse` and `graph`.
#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// Point in time for active grants, dependency and funding cliffs (YYYY-MM-DD)
    /// [default: --to, else the latest award or meeting date].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// First day of the window for flow measures (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last day of the window for flow measures (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// UK financial year: --fy 2023 is 2023-04-01..2024-03-31 (instead of --from/--to).
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["from", "to"], value_parser = clap::value_parser!(i32).range(1900..=2100))]
    pub fy: Option<i32>,
    /// Thresholds, assumptions and the organisations.csv column mapping [default:
    /// fundflow.toml in the dataset folder, if any].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The parameters of the config file, once read ([`configure`]).
    #[arg(skip)]
    pub parameters_read: Option<Parameters>,
}

impl MeasureArgs {
    /// The window: `--fy`, else `--from`/`--to`; an empty window is a usage error.
    fn window(&self) -> Result<Window, Error> {
        let window = match self.fy {
            Some(fy) => Window::financial_year(fy)
                .ok_or_else(|| Error::Usage(format!("--fy {fy}: not a usable year")))?,
            None => Window {
                from: self.from,
                to: self.to,
            },
        };
        if let (Some(from), Some(to)) = (window.from, window.to) {
            if from > to {
                return Err(Error::Usage(format!(
                    "--from {from} is after --to {to}: the window would be empty"
                )));
            }
        }
        Ok(window)
    }

    /// Parameters from `--config`, else `fundflow.toml` in the dataset folder, else the
    /// defaults. Every key is optional; an unknown key is an error.
    fn parameters(&self, source: &DatasetSource) -> Result<Parameters, Error> {
        match &self.parameters_read {
            Some(p) => Ok(p.clone()),
            None => Ok(config_for(self.config.as_deref(), source)?.parameters),
        }
    }
}

/// Reads the config file once, before a command runs: the parameters go to the measures,
/// the `[organisations]` mapping to the loader (through [`DatasetArgs::options`]).
fn configure(data: &mut DatasetArgs, measure: &mut MeasureArgs) -> Result<(), Error> {
    let config = config_for(measure.config.as_deref(), &data.source())?;
    say_config(measure.config.as_deref(), &data.source(), data.quiet);
    measure.parameters_read = Some(config.parameters);
    data.organisations = config.organisations;
    Ok(())
}

/// The config: `explicit` (`--config`), else `fundflow.toml` in the dataset folder, else
/// the defaults.
fn config_for(explicit: Option<&Path>, source: &DatasetSource) -> Result<Config, Error> {
    match (explicit, source) {
        (Some(c), _) => read_config(c),
        (None, DatasetSource::Path(p)) if p.join("fundflow.toml").is_file() => {
            read_config(&p.join("fundflow.toml"))
        }
        _ => Ok(Config::default()),
    }
}

/// Reads a config file (parameters and the optional `[organisations]` mapping).
fn read_config(path: &Path) -> Result<Config, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("{}: cannot read: {e}", path.display())))?;
    let mut config = Config::from_toml(&text).map_err(|e| {
        // Values out of range come as `LINE: why` lines: `file:line: why`, like every
        // other input error. A TOML syntax error carries its own line and column.
        let located = e.lines().all(|l| {
            l.split_once(':')
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        });
        Error::Usage(if located {
            e.lines()
                .map(|l| format!("{}:{l}", path.display()))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            format!("{}: {e}", path.display())
        })
    })?;
    // The name only: findings.json must not depend on where the file sits.
    config.parameters.config_file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(config)
}

/// Says on stderr which config was used (unless `quiet`).
pub(crate) fn say_config(explicit: Option<&Path>, source: &DatasetSource, quiet: bool) {
    if quiet {
        return;
    }
    match (explicit, source) {
        (Some(c), _) => eprintln!("Config: {}", c.display()),
        (None, DatasetSource::Path(p)) if p.join("fundflow.toml").is_file() => {
            eprintln!("Config: {}", p.join("fundflow.toml").display())
        }
        _ => eprintln!("Config: {}", fundflow::config::BUILT_IN),
    }
}

/// A `YYYY-MM-DD` date, strictly: four-digit year, two-digit month and day.
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let date = shape_ok
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))?;
    // The range every input date must lie in (METHOD.md "Limits on input").
    fundflow::load::parse::plausible_date(date).map_err(|r| format!("`{s}`: {}", r.message))
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
    /// Config file whose `[organisations]` table maps organisations.csv's columns (its
    /// thresholds are checked too) [default: fundflow.toml in the dataset folder, if any].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write an organisations.csv listing every organisation with its inferred sector, the
    /// rule that decided it and the money it received, ready to correct and put back in the
    /// dataset folder. Refuses an existing FILE (unless --force) and any input of the run.
    #[arg(long, value_name = "FILE")]
    pub organisations_template: Option<PathBuf>,
    /// Replace the --organisations-template FILE if it exists (never an input of the run).
    #[arg(long, requires = "organisations_template")]
    pub force: bool,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    // Interrupted runs remove their staging folder; an over-size write is an I/O error.
    fundflow::output::clean_up_on_signals()?;
    match cli.command {
        Command::Validate(mut args) => {
            let config = config_for(args.config.as_deref(), &args.data.source())?;
            say_config(args.config.as_deref(), &args.data.source(), args.data.quiet);
            args.data.organisations = config.organisations;
            validate::run(&args)
        }
        Command::Analyse(mut args) => {
            configure(&mut args.data, &mut args.measure)?;
            analyse::run(&args)
        }
        Command::Graph(mut args) => {
            configure(&mut args.data, &mut args.measure)?;
            graph::run(&args)
        }
        Command::Compare(args) => compare::run(&args),
        Command::Synth(args) => synth::run(&args),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "fundflow", &mut std::io::stdout());
            Ok(())
        }
        Command::Man { out } => man(out.as_deref()),
    }
}

/// `fundflow man [-o DIR]`.
fn man(out: Option<&Path>) -> Result<(), Error> {
    use std::io::Write;
    let cmd = <Cli as clap::CommandFactory>::command();
    let render = |c: clap::Command| -> Result<Vec<u8>, Error> {
        let mut buf = Vec::new();
        clap_mangen::Man::new(c)
            .render(&mut buf)
            .map_err(|e| Error::Internal(format!("man page: {e}")))?;
        Ok(buf)
    };
    match out {
        None => {
            let page = render(cmd)?;
            std::io::stdout()
                .write_all(&page)
                .map_err(|source| Error::Output {
                    path: "standard output".into(),
                    source,
                })
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| Error::Output {
                path: dir.display().to_string(),
                source,
            })?;
            let mut pages = vec![("fundflow.1".to_owned(), render(cmd.clone())?)];
            for sub in cmd.get_subcommands() {
                let name = format!("fundflow-{}", sub.get_name());
                let page = render(sub.clone().name(name.clone()))?;
                pages.push((format!("{name}.1"), page));
            }
            for (file, page) in pages {
                fundflow::output::write_file(&dir.join(file), &page)?;
            }
            Ok(())
        }
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
            Some(e) => print!("{}: {}\n\n{}", e.code, e.title, e.text()),
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
