//! Renderers: every output fundflow writes, each reading only [`Findings`](crate::findings::Findings)
//! (and the graph for the graph exports), [`present`](crate::present) for words and numbers,
//! [`disclosure`](crate::disclosure) for `--public`, `table` for tabular
//! files and [`output`](crate::output) for writing files safely. Nothing here computes a
//! figure: every number a renderer prints is a number in findings.json.
//!
//! - `json`: writes findings.json;
//! - `tables`: the tables under `tables/` (CSV and Parquet);
//! - [`charts`]: draws the charts (PNG, SVG and each chart's data as CSV);
//! - `html`: writes report.html and compare.html, self-contained;
//! - `graph`: exports the money and participation graph as DOT, GraphML, GEXF and JSON;
//! - [`report`]: writes the output folder atomically: findings.json, the tables, the
//!   charts and report.html;
//! - [`terminal`]: what `analyse` and `compare` print.
//!
//! No renderer imports another renderer's internals; the HTML report embeds the charts
//! through [`charts::charts`], their public entry point.

pub mod charts;
pub(crate) mod graph;
pub(crate) mod html;
pub(crate) mod json;
pub mod report;
pub(crate) mod tables;
pub mod terminal;
