//! `findings.json`: the findings as pretty JSON, with a trailing newline.
//!
//! Figures that cannot be computed are `None` in [`Findings`] and so `null` here; none is
//! NaN (serde_json would also write a non-finite float as `null`, but the measures never
//! produce one — they return `None` instead).

use crate::error::Error;
use crate::findings::Findings;

/// Serialises findings (redacted when `f.disclosure.public`).
pub fn to_json(f: &Findings) -> Result<String, Error> {
    let fail = |e: serde_json::Error| Error::Internal(format!("cannot serialise findings: {e}"));
    let mut s = if f.disclosure.public {
        let mut v = serde_json::to_value(f).map_err(fail)?;
        super::public::redact(&mut v);
        serde_json::to_string_pretty(&v).map_err(fail)?
    } else {
        // Straight from the structs: the same text as through a `Value` (fields keep their
        // order, numbers print the same), without building the tree (100 MB nationally).
        serde_json::to_string_pretty(f).map_err(fail)?
    };
    s.push('\n');
    Ok(s)
}
