//! The built-in example dataset, compiled into the binary so that `fundflow analyse` and
//! `fundflow validate` work from any folder with no arguments. See `data/example/README.md`
//! for what it contains and how it was generated.

use super::{GrantsFormat, InputFile, Inputs};
use std::borrow::Cow;

macro_rules! example_file {
    ($name:literal) => {
        InputFile {
            name: concat!("example/", $name).to_owned(),
            bytes: Cow::Borrowed(include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/example/",
                $name
            ))),
        }
    };
}

/// The example's files.
pub(crate) fn inputs() -> Inputs {
    Inputs {
        grants: Some((example_file!("grants.csv"), GrantsFormat::Csv)),
        organisations: Some(example_file!("organisations.csv")),
        partnerships: Some(example_file!("partnerships.csv")),
        meetings: Some(example_file!("meetings.csv")),
        attendance: Some(example_file!("attendance.csv")),
        payments: Some(example_file!("payments.csv")),
    }
}
