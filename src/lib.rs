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
