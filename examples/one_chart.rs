//! Analyse a dataset and render one chart to a path of your choosing, as PNG or SVG (by the
//! extension).
//!
//! ```text
//! cargo run --release --example one_chart                                  # lists the charts
//! cargo run --release --example one_chart -- funding_cliff cliff.png
//! cargo run --release --example one_chart -- lorenz lorenz.svg my-area/
//! ```

use fundflow::findings::{analyse, AnalyseOptions};
use fundflow::load::{load, DatasetSource, LoadOptions};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let source = args
        .get(2)
        .map_or(DatasetSource::Example, |p| DatasetSource::Path(p.into()));
    let data = match load(&source, &LoadOptions::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let findings = analyse(&data, &AnalyseOptions::default());
    let charts = match fundflow::charts::charts(&findings) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let (Some(name), Some(path)) = (args.first(), args.get(1)) else {
        println!("Charts for this dataset (give NAME and a .png or .svg path):");
        for c in &charts.charts {
            println!("  {:<28} {}", c.name, c.title);
        }
        for s in &charts.skipped {
            println!("  ({} skipped: {})", s.name, s.reason);
        }
        return ExitCode::SUCCESS;
    };
    let Some(chart) = charts.charts.iter().find(|c| &c.name == name) else {
        eprintln!("no chart called {name:?}; run without arguments to list them");
        return ExitCode::from(2);
    };
    let bytes = if path.ends_with(".svg") {
        chart.scene.svg().map(String::into_bytes)
    } else {
        chart.scene.png()
    };
    let written = bytes
        .map_err(|e| e.to_string())
        .and_then(|b| std::fs::write(path, b).map_err(|e| format!("{path}: {e}")));
    match written {
        Ok(()) => {
            println!("{path}: {}", chart.title);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
