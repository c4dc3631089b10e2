//! fundflow: where public and charitable money goes in a local area, who depends on whom,
//! and who carries the unpaid cost of partnership work.
//!
//! Data flows one way: input files are loaded into a typed [`Dataset`] ([`load`]);
//! [`findings::analyse`] computes every measure and flag once into
//! [`Findings`](findings::Findings); the renderers in [`render`] write `findings.json`, the
//! tables, the [`charts`] and the HTML report from it ([`report`] writes the output folder),
//! and [`graph`] builds the money and participation graph that `render::graph` exports.
//! Person identifiers never leave the loader.
//!
//! ```
//! use fundflow::load::{load, DatasetSource, LoadOptions};
//! let data = load(&DatasetSource::Example, &LoadOptions::default()).expect("example loads");
//! assert!(!data.grants.is_empty());
//! let report = fundflow::validate::ValidationReport::new(&data);
//! assert_eq!(report.totals.grants, data.grants.len());
//! let findings = fundflow::findings::analyse(&data, &Default::default());
//! assert_eq!(findings.totals.grants, data.grants.len());
//! ```
//!
//! ## The library API
//!
//! Everything else in the crate is `pub(crate)`. What a program, an example, a benchmark or
//! a test outside the crate can call:
//!
//! - **Load**: [`load::load`] a [`DatasetSource`](load::DatasetSource) (a folder, a file, the
//!   built-in example) with [`LoadOptions`](load::LoadOptions) into a [`Dataset`], or
//!   [`load::load_inputs`] from [`Inputs`](load::Inputs) held in memory
//!   ([`Inputs::grants_csv`](load::Inputs::grants_csv) for one grants CSV). Failures are an
//!   [`Error`]; each invalid value is a [`Problem`] naming file, line and column. The typed
//!   dataset is in [`model`] ([`OrgId`](model::OrgId), [`Sector`](model::Sector),
//!   [`Pence`](model::Pence), [`Grant`](model::Grant), ...).
//! - **Validate**: [`validate::ValidationReport`] (what `fundflow validate` prints) and
//!   [`validate::organisations_template`].
//! - **Analyse**: [`findings::analyse`] with [`AnalyseOptions`](findings::AnalyseOptions) and
//!   the [`config::Parameters`] gives [`Findings`](findings::Findings): its
//!   [`totals`](findings::Findings::totals) are fields, everything else is read through its
//!   serialisation, findings.json (SPEC.md "Output" lists its fields). One measure alone:
//!   [`measures::concentration::concentration`] over a [`measures::Context`] and a
//!   [`measures::Window`]; the kernels [`measures::stats::gini`] and
//!   [`measures::stats::hhi`]. [`flags::explain::explain`] says what a flag code means.
//! - **Write**: [`report::write_outputs`] writes the output folder (findings.json, the
//!   tables, the charts, report.html) atomically with [`report::OutputOptions`];
//!   [`charts::charts`] draws the charts alone; [`render::terminal`] is what the commands
//!   print; [`compare::compare`] and [`report::write_comparison_into`] set two analyses side
//!   by side; [`output`] writes files and folders atomically.
//! - **Graph**: [`graph::build`] gives a [`graph::MoneyGraph`] with its queries
//!   ([`funders_of`](graph::MoneyGraph::funders_of),
//!   [`recipients_of`](graph::MoneyGraph::recipients_of),
//!   [`intermediaries`](graph::MoneyGraph::intermediaries), ...) and exports
//!   [`graph::to_dot`], [`graph::to_graphml`], [`graph::to_gexf`] and [`graph::to_json`].
//! - **Disclosure**: a count of people held as a [`disclosure::PeopleCount`] (or serialised
//!   with [`disclosure::people`]) is published under the `--public` rule by
//!   [`disclosure::to_public_value`].
//! - **Synthetic data**: [`synth::generate`] at a [`synth::Scale`] with a seed
//!   ([`synth::DEFAULT_SEED`]).
//!
//! `scripts/visibility.py` keeps this boundary: it narrows every other `pub` to
//! `pub(crate)` and keeps what the binary, examples, benches, tests and doc tests use, or
//! what `scripts/visibility-kept.txt` lists with a reason.

#![warn(missing_docs)]
// A `Problem` (136 bytes) is smaller than the rows it rejects (a `Grant` is larger), and it
// travels only on the path of an invalid row; boxing it would add an allocation per problem
// for no gain.
#![allow(clippy::result_large_err)]

pub mod compare;
pub mod config;
pub mod disclosure;
pub mod error;
pub mod findings;
pub mod flags;
pub mod graph;
pub mod load;
pub mod measures;
pub mod model;
pub mod output;
pub mod present;
pub mod render;
mod summary;
pub mod synth;
mod table;
pub mod timing;
pub mod trends;
pub mod validate;
mod views;

pub use error::{Error, Problem};
// The renderers' earlier top-level paths (`fundflow::charts`, `fundflow::report`) keep
// working for the library's users.
pub use model::Dataset;
pub use render::{charts, report};
