//! Load a dataset, run one measure (funder concentration), print a table.
//!
//! ```text
//! cargo run --release --example concentration                 # the built-in example
//! cargo run --release --example concentration -- my-area/     # a folder or a grants file
//! ```

use fundflow::load::{load, DatasetSource, LoadOptions};
use fundflow::measures::{concentration, Context, Window};
use std::process::ExitCode;

fn main() -> ExitCode {
    let source = match std::env::args_os().nth(1) {
        Some(path) => DatasetSource::Path(path.into()),
        None => DatasetSource::Example,
    };
    // Bad input is an error value with file, line, column and reason — never a panic.
    let data = match load(&source, &LoadOptions::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    // The whole history; as_of defaults to the latest award or meeting date.
    let ctx = Context::new(&data, None, Window::default());
    let c = concentration::concentration(&ctx);

    println!(
        "{:<32} {:>14} {:>7} {:>10} {:>8} {:>8}",
        "funder", "total £", "grants", "HHI", "Gini", "top 5"
    );
    let opt =
        |x: Option<f64>, digits: usize| x.map_or("—".to_owned(), |v| format!("{v:.digits$}"));
    for f in &c.funders {
        let name: String = data.name_of(&f.id).chars().take(32).collect();
        println!(
            "{name:<32} {:>14.2} {:>7} {:>10} {:>8} {:>8}",
            f.figures.total,
            f.figures.grants,
            opt(f.figures.hhi, 0),
            opt(f.figures.gini, 3),
            opt(f.figures.top5_share, 3),
        );
    }
    let all = &c.overall;
    println!(
        "{:<32} {:>14.2} {:>7} {:>10} {:>8} {:>8}",
        "all funders",
        all.total,
        all.grants,
        opt(all.hhi, 0),
        opt(all.gini, 3),
        opt(all.top5_share, 3),
    );
    ExitCode::SUCCESS
}
