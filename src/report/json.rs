//! `findings.json`: the findings as pretty JSON, with a trailing newline.
//!
//! Figures that cannot be computed are `None` in [`Findings`] and so `null` here; none is
//! NaN (serde_json would also write a non-finite float as `null`, but the measures never
//! produce one — they return `None` instead).

use crate::error::Error;
use crate::findings::Findings;

/// Serialises findings.
pub fn to_json(f: &Findings) -> Result<String, Error> {
    let mut s = serde_json::to_string_pretty(f)
        .map_err(|e| Error::Internal(format!("cannot serialise findings: {e}")))?;
    s.push('\n');
    Ok(s)
}
