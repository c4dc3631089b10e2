//! `fundflow compare`: two financial years of one dataset (`--base FY --to FY`), or two
//! snapshots of one area (`compare OLD NEW`). Prints the changes; writes `compare.json`,
//! `compare.csv`/`compare_flags.csv` (+ Parquet), the change chart `compare_shares.png`/
//! `.svg`/`.csv` and `compare.html` into `-o OUT`, atomically.

use super::config_for;
use clap::Args;
use fundflow::compare::compare;
use fundflow::findings::{analyse, AnalyseOptions, Findings};
use fundflow::load::{load, DatasetSource, LoadOptions};
use fundflow::measures::Window;
use fundflow::output::Staging;
use fundflow::trends::fy_label;
use fundflow::Error;
use std::path::PathBuf;

/// `compare` arguments.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  fundflow compare --base 2022 --to 2024          # the built-in example, 2022-23 against 2024-25\n  fundflow compare my-area/ --base 2023 --to 2024\n  fundflow compare area-2024/ area-2025/ -o changes  # two snapshots of one area"
)]
pub struct CompareArgs {
    /// One dataset (with --base and --to), two (OLD NEW), or none for the built-in example.
    #[arg(value_name = "DATASET", num_args = 0..=2)]
    pub datasets: Vec<PathBuf>,
    /// The earlier UK financial year: --base 2022 is 2022-23.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1900..=2100))]
    pub base: Option<i32>,
    /// The later UK financial year.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1900..=2100))]
    pub to: Option<i32>,
    /// Write compare.json and the tables here (replaced atomically).
    #[arg(short, long, value_name = "OUT", default_value = "fundflow-compare")]
    pub out: PathBuf,
    /// Thresholds and assumptions for both sides [default: fundflow.toml in the (first)
    /// dataset folder, if any].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Leave invalid rows out and count them, instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// One side to analyse: where, when, and its label.
struct Plan {
    source: DatasetSource,
    window: Window,
    label: String,
}

pub fn run(args: &CompareArgs) -> Result<(), Error> {
    let plans = plans(args)?;
    // The destination is checked, and its staging folder made, before any work.
    let inputs: Vec<PathBuf> = args.datasets.iter().chain(&args.config).cloned().collect();
    let staging = Staging::new(&args.out, "compare", &inputs)?;
    // One config for both sides, its organisations.csv mapping included: comparing under
    // different thresholds or readings would show changes that are not in the data.
    let config = config_for(args.config.as_deref(), &plans[0].source)?;
    super::say_config(args.config.as_deref(), &plans[0].source, args.quiet);
    let params = config.parameters;
    let options = LoadOptions {
        skip_invalid: args.skip_invalid,
        grants_file: None,
        organisations: config.organisations,
    };
    let side = |plan: &Plan, data: &fundflow::Dataset| -> Findings {
        analyse(
            data,
            &AnalyseOptions {
                as_of: None,
                window: plan.window,
                parameters: params.clone(),
                public: false,
            },
        )
    };
    let base_data = load(&plans[0].source, &options)?;
    let base = side(&plans[0], &base_data);
    let to = if plans[1].source == plans[0].source {
        side(&plans[1], &base_data)
    } else {
        let data = load(&plans[1].source, &options)?;
        side(&plans[1], &data)
    };
    let c = compare(&base, &plans[0].label, &to, &plans[1].label);

    fundflow::report::write_comparison_into(&c, staging)?;
    if !args.quiet {
        print!(
            "{}",
            fundflow::present::terminal_lines(&fundflow::render::terminal::comparison(&c))
        );
        eprintln!("Wrote {}/compare.json", args.out.display());
    }
    Ok(())
}

/// The two sides from the arguments; a usage error when they do not make a comparison.
fn plans(args: &CompareArgs) -> Result<[Plan; 2], Error> {
    let fy = |y: i32| {
        Window::financial_year(y).ok_or_else(|| Error::Usage(format!("{y}: not a usable year")))
    };
    match (args.datasets.as_slice(), args.base, args.to) {
        ([old, new], None, None) => Ok([
            Plan {
                source: DatasetSource::Path(old.clone()),
                window: Window::default(),
                label: old.display().to_string(),
            },
            Plan {
                source: DatasetSource::Path(new.clone()),
                window: Window::default(),
                label: new.display().to_string(),
            },
        ]),
        ([_, _], _, _) => Err(Error::Usage(
            "compare OLD NEW compares two datasets whole; --base/--to are for two years of one dataset".into(),
        )),
        (one, Some(base), Some(to)) => {
            if base == to {
                return Err(Error::Usage(format!(
                    "--base and --to are both {}: choose two different years",
                    fy_label(base)
                )));
            }
            let source = one
                .first()
                .map_or(DatasetSource::Example, |p| DatasetSource::Path(p.clone()));
            Ok([
                Plan {
                    source: source.clone(),
                    window: fy(base)?,
                    label: fy_label(base),
                },
                Plan {
                    source,
                    window: fy(to)?,
                    label: fy_label(to),
                },
            ])
        }
        _ => Err(Error::Usage(
            "compare needs --base FY and --to FY (two years of one dataset), or two datasets: compare OLD NEW".into(),
        )),
    }
}
