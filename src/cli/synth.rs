//! `fundflow synth`: write a synthetic dataset.

use clap::Args;
use fundflow::synth::{generate_as, DatasetFormat, Scale, DEFAULT_SEED};
use fundflow::Error;
use std::path::PathBuf;
use std::time::Instant;

/// `synth` arguments.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Size: local (5,000 grants), region (100,000), national (1,000,000), or a number of
    /// grants; every other file scales with it.
    #[arg(long, value_name = "N|local|region|national", value_parser = Scale::parse)]
    pub scale: Scale,
    /// The folder to write (replaced only if empty or written by synth before).
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed: the same seed and scale give byte-identical files.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Write the files as Parquet (grants.parquet, ...; every column text, the CSV's cells)
    /// instead of CSV.
    #[arg(long)]
    pub parquet: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `fundflow synth`.
pub fn run(args: &SynthArgs) -> Result<(), Error> {
    let started = Instant::now();
    let format = if args.parquet {
        DatasetFormat::Parquet
    } else {
        DatasetFormat::Csv
    };
    let s = generate_as(args.scale, args.seed, format, &args.out)?;
    if !args.quiet {
        eprintln!(
            "synth: {} grants, {} organisations, {} partnerships, {} meetings, {} attendance rows, {} payments (seed {}) → {} in {:.1} s",
            s.grants,
            s.organisations,
            s.partnerships,
            s.meetings,
            s.attendance,
            s.payments,
            s.seed,
            args.out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
