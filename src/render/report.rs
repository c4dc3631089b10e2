//! The output folder: findings.json, the tables, the charts and report.html, each written
//! by its renderer from the same [`Findings`].
//!
//! [`write_outputs`] writes an output folder atomically through [`crate::output`]:
//! everything goes into a staging folder beside `OUT`, which replaces `OUT` only when every
//! file has been written, so a failed run leaves no half-written `OUT` (and a previous `OUT`
//! intact), and a folder holding anything fundflow did not write is never replaced.

use super::charts::ChartFiles;
use super::tables::table_makers;
use super::{html, json};
use crate::error::Error;
use crate::findings::Findings;
use crate::output::{make_dir, write_file, Staging};
use crate::table::Table;
use std::path::Path;

/// What to write besides `findings.json`, `tables/` and `report.html`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputOptions {
    /// Chart files under `charts/` (`--charts`).
    pub charts: ChartFiles,
}

/// Writes `findings.json`, `tables/`, `charts/` and `report.html` into `out`, atomically.
pub fn write_outputs(f: &Findings, out: &Path) -> Result<(), Error> {
    write_outputs_with(f, out, &OutputOptions::default())
}

/// [`write_outputs`] with options.
pub(crate) fn write_outputs_with(
    f: &Findings,
    out: &Path,
    opts: &OutputOptions,
) -> Result<(), Error> {
    write_outputs_into(f, Staging::new(out, "analyse", &[])?, opts)
}

/// Writes `fundflow compare`'s folder into `staging` (made by `Staging::new(OUT, "compare",
/// inputs)` before the work) and puts it in place of `OUT`: `compare.json`, `compare.csv` and
/// `compare_flags.csv` (+ Parquet, each only when it has rows), the change chart
/// `compare_shares.png`/`.svg`/`.csv` when there is a share to chart, and `compare.html`.
pub fn write_comparison_into(
    c: &crate::compare::Comparison,
    staging: Staging,
) -> Result<(), Error> {
    let dir = staging.dir();
    let mut json = serde_json::to_string_pretty(c)
        .map_err(|e| Error::Internal(format!("compare.json: {e}")))?;
    json.push('\n');
    write_file(&dir.join("compare.json"), json.as_bytes())?;
    for t in [
        Table::from_rows(false, "compare", &c.figures)?,
        Table::from_rows(false, "compare_flags", &c.flags)?,
    ] {
        if !t.is_empty() {
            t.write(dir)?;
        }
    }
    // The change chart (PNG, SVG and its data) and compare.html beside the tables.
    let chart = super::charts::compare::changes(c)?;
    if let Ok(ch) = &chart {
        let failed = |e: String| Error::Internal(format!("chart {}: {e}", ch.name));
        write_file(
            &dir.join(format!("{}.png", ch.name)),
            &ch.scene.png().map_err(failed)?,
        )?;
        write_file(
            &dir.join(format!("{}.svg", ch.name)),
            ch.scene.svg().map_err(failed)?.as_bytes(),
        )?;
        ch.data.write_csv(&dir.join(format!("{}.csv", ch.name)))?;
    }
    let html = html::compare_report(c, chart.as_ref().map_err(String::as_str), true)?;
    write_file(&dir.join("compare.html"), html.as_bytes())?;
    staging.commit()
}

/// Fills `staging` (made by `Staging::new(OUT, "analyse", inputs)` before the work, so a
/// destination that would be refused is refused at once) and puts it in place of `OUT`.
pub fn write_outputs_into(
    f: &Findings,
    staging: Staging,
    opts: &OutputOptions,
) -> Result<(), Error> {
    let dir = staging.dir();
    {
        use crate::timing::timed;
        let tables_dir = dir.join("tables");
        make_dir(&tables_dir)?;
        // findings.json, the tables (one per task) and the charts are made at once on rayon's
        // threads. Errors are reported in a fixed order: findings.json, the tables in their
        // order, then the charts.
        let ((json_written, tables_written), charts) = rayon::join(
            || {
                rayon::join(
                    || {
                        timed("findings.json", || {
                            json::write(f, &dir.join("findings.json"))
                        })
                    },
                    || timed("tables", || write_tables(f, &tables_dir)),
                )
            },
            || -> Result<super::charts::Charts, Error> {
                let charts = timed("charts (scenes)", || super::charts::charts(f))?;
                if opts.charts != ChartFiles::None {
                    timed("charts (files)", || {
                        write_charts(&charts, &dir.join("charts"), opts.charts)
                    })?;
                }
                Ok(charts)
            },
        );
        json_written?;
        tables_written?;
        let charts = charts?;
        timed("report.html", || {
            write_file(
                &dir.join("report.html"),
                html::report(f, &charts, opts.charts != ChartFiles::None)?.as_bytes(),
            )
        })?;
    }
    staging.commit()
}

/// Writes every non-empty table of `f` into `dir`, in parallel; the first error in table
/// order wins.
fn write_tables(f: &Findings, dir: &Path) -> Result<(), Error> {
    use rayon::prelude::*;
    let results: Vec<Result<(), Error>> = table_makers(f)
        .into_par_iter()
        .map(|make| {
            let t = make()?;
            if t.is_empty() {
                return Ok(());
            }
            crate::timing::timed(t.name, || t.write(dir))
        })
        .collect();
    results.into_iter().collect()
}

/// Writes each chart as PNG and/or SVG, with its data as CSV, into `dir`. Charts are drawn in
/// parallel (drawing pixels is most of the cost of a run on the example).
fn write_charts(
    charts: &super::charts::Charts,
    dir: &Path,
    files: ChartFiles,
) -> Result<(), Error> {
    make_dir(dir)?;
    let render = |c: &super::charts::Chart| -> Result<(), Error> {
        let failed = |e: String| Error::Internal(format!("chart {}: {e}", c.name));
        if files.png() {
            write_file(
                &dir.join(format!("{}.png", c.name)),
                &c.scene.png().map_err(failed)?,
            )?;
        }
        if files.svg() {
            write_file(
                &dir.join(format!("{}.svg", c.name)),
                c.scene.svg().map_err(failed)?.as_bytes(),
            )?;
        }
        c.data.write_csv(&dir.join(format!("{}.csv", c.name)))
    };
    // On rayon's threads (not a fresh one: a new thread gets its own malloc arena, and at
    // national scale that kept a few hundred MB more resident). The first error in chart
    // order wins.
    use rayon::prelude::*;
    let results: Vec<Result<(), Error>> = charts.charts.par_iter().map(render).collect();
    results.into_iter().collect()
}
