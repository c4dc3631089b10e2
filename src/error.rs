//! Errors and input problems.
//!
//! A [`Problem`] is one thing wrong with one place in one input file: the file, the record
//! (a line for CSV and XLSX, a path such as `grants[3]` for JSON), the column, the value and
//! why it is wrong. Problems are either fatal for the file (a missing column, bytes that are
//! not text) or make one row invalid; the loader decides which. [`Error`] is what the library
//! returns; the binary maps it to an exit code with [`Error::exit_code`].

use serde::Serialize;
use std::fmt;

/// Longest value shown in a message; longer values are cut with an ellipsis so that a
/// 5 MB field gives a readable line, not a 5 MB one.
const MAX_SHOWN_VALUE: usize = 60;

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Place {
    /// A 1-based physical line (CSV: the line the record starts on; XLSX: the sheet row).
    Line(u64),
    /// A path inside a JSON document, such as `grants[3]`.
    Path(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(n) => write!(f, "{n}"),
            Place::Path(p) => f.write_str(p),
        }
    }
}

/// Why something is wrong: a stable code (used to count problems by reason) and a
/// sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable, kebab-case identifier such as `amount-negative`.
    pub(crate) code: &'static str,
    /// Plain-English explanation, without the location.
    pub message: String,
}

impl Reason {
    /// A reason with a code and a message.
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        Reason {
            code,
            message: message.into(),
        }
    }
}

/// One thing wrong with one place in one input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file as the user named it (or `example/NAME` for the built-in example).
    pub(crate) file: String,
    /// The record, when the problem belongs to one.
    pub(crate) place: Option<Place>,
    /// The column as written in the file's header (or the JSON field).
    pub(crate) column: Option<String>,
    /// The offending value, shortened for display.
    pub(crate) value: Option<String>,
    /// What is wrong.
    pub(crate) reason: Reason,
}

impl Problem {
    /// A problem with a whole file.
    pub(crate) fn file(file: &str, reason: Reason) -> Self {
        Problem {
            file: file.to_owned(),
            place: None,
            column: None,
            value: None,
            reason,
        }
    }

    /// A problem at a place in a file.
    pub(crate) fn at(file: &str, place: Place, reason: Reason) -> Self {
        Problem {
            place: Some(place),
            ..Problem::file(file, reason)
        }
    }

    /// Adds the column.
    pub(crate) fn column(mut self, column: &str) -> Self {
        self.column = Some(column.to_owned());
        self
    }

    /// Adds the value, shortened to a readable length.
    pub(crate) fn value(mut self, value: &str) -> Self {
        self.value = Some(shorten(value));
        self
    }
}

/// Cuts a value to [`MAX_SHOWN_VALUE`] characters, marking the cut.
fn shorten(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(MAX_SHOWN_VALUE).collect();
    if chars.next().is_some() {
        format!("{head}… ({} bytes in all)", value.len())
    } else {
        head
    }
}

impl fmt::Display for Problem {
    /// `file:line:column: "value": why`, leaving out the parts that do not apply.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        match &self.place {
            Some(Place::Line(n)) => write!(f, ":{n}")?,
            Some(Place::Path(p)) => write!(f, ":{p}")?,
            None => {}
        }
        if let Some(c) = &self.column {
            let sep = if matches!(self.place, Some(Place::Path(_))) {
                "."
            } else {
                ":"
            };
            write!(f, "{sep}{c}")?;
        }
        f.write_str(": ")?;
        if let Some(v) = &self.value {
            // Debug-style escaping keeps control characters and NULs visible and harmless.
            write!(f, "\"{}\": ", v.escape_debug())?;
        }
        f.write_str(&self.reason.message)
    }
}

/// How many problems a strict run lists before it only counts the rest.
pub(crate) const MAX_LISTED_PROBLEMS: usize = 50;

/// What the library returns when it cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input cannot be used at all (missing column, unreadable bytes, unknown reference
    /// that stops the whole file).
    #[error("{0}")]
    Input(Box<Problem>),
    /// Strict mode found invalid rows. `problems` holds the first
    /// `MAX_LISTED_PROBLEMS`; `total` counts all of them.
    #[error("{}", invalid_summary(.problems, *.total))]
    Invalid {
        /// The first problems, in file then line order.
        problems: Vec<Problem>,
        /// How many invalid rows there were in all.
        total: usize,
    },
    /// The command line asked for something impossible.
    #[error("{0}")]
    Usage(String),
    /// Writing output failed (disk full, permissions).
    #[error("cannot write {path}: {source}")]
    Output {
        /// The path being written.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A bug: something the program should have prevented.
    #[error("internal error: {0}")]
    Internal(String),
}

fn invalid_summary(problems: &[Problem], total: usize) -> String {
    let mut s = String::new();
    for p in problems {
        s.push_str(&p.to_string());
        s.push('\n');
    }
    if total > problems.len() {
        s.push_str(&format!(
            "… and {} more invalid rows ({} in all).\n",
            total - problems.len(),
            total
        ));
    }
    s.push_str(&format!(
        "{total} invalid row{} found; nothing was written. Fix the rows, or rerun with --skip-invalid to leave them out and count them in the data-quality summary.",
        if total == 1 { "" } else { "s" }
    ));
    s
}

impl Error {
    /// The process exit code: 2 for bad input or usage, 1 for anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Invalid { .. } | Error::Usage(_) => 2,
            Error::Output { .. } | Error::Internal(_) => 1,
        }
    }
}

impl From<Problem> for Error {
    fn from(p: Problem) -> Self {
        Error::Input(Box::new(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_formats_as_file_line_column_value_why() {
        let p = Problem::at(
            "grants.csv",
            Place::Line(14),
            Reason::new("amount-not-numeric", "not a number"),
        )
        .column("Amount Awarded")
        .value("12k");
        assert_eq!(
            p.to_string(),
            "grants.csv:14:Amount Awarded: \"12k\": not a number"
        );
    }

    #[test]
    fn json_paths_join_with_a_dot() {
        let p = Problem::at(
            "grants.json",
            Place::Path("grants[3]".into()),
            Reason::new("x", "bad"),
        )
        .column("amountAwarded");
        assert_eq!(p.to_string(), "grants.json:grants[3].amountAwarded: bad");
    }

    #[test]
    fn long_values_are_shortened_and_nuls_escaped() {
        let big = "9".repeat(5_000_000);
        let p = Problem::file("f.csv", Reason::new("x", "bad")).value(&big);
        assert!(p.to_string().len() < 200);
        assert!(p.to_string().contains("5000000 bytes"));
        let p = Problem::file("f.csv", Reason::new("x", "bad")).value("a\0b");
        assert!(p.to_string().contains("a\\0b"));
    }
}
