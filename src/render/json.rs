//! `findings.json`: the findings as pretty JSON, with a trailing newline.
//!
//! Figures that cannot be computed are `None` in [`Findings`] and so `null` here; none is
//! NaN (serde_json would also write a non-finite float as `null`, but the measures never
//! produce one — they return `None` instead).

use crate::error::Error;
use crate::findings::Findings;

/// Serialises findings (redacted when `f.disclosure.public`) into one string, for the
/// tests: [`write`] streams the same text to findings.json.
#[cfg(test)]
pub(crate) fn to_json(f: &Findings) -> Result<String, Error> {
    let fail = |e: serde_json::Error| Error::Internal(format!("cannot serialise findings: {e}"));
    let mut s = if f.disclosure.public {
        let mut v = crate::disclosure::to_public_value(f).map_err(fail)?;
        crate::disclosure::mark(&mut v, "", &f.disclosure.suppressed);
        serde_json::to_string_pretty(&v).map_err(fail)?
    } else {
        // Straight from the structs: the same text as through a `Value` (fields keep their
        // order, numbers print the same), without building the tree (100 MB nationally).
        serde_json::to_string_pretty(f).map_err(fail)?
    };
    s.push('\n');
    Ok(s)
}

/// Writes the findings as pretty JSON (redacted when `f.disclosure.public`), with a trailing
/// newline, to `path`, streamed: the national findings.json is about 100 MB,
/// and building it as one string first would hold it (and, while the string grows, a copy)
/// in memory.
pub(crate) fn write(f: &Findings, path: &std::path::Path) -> Result<(), Error> {
    use std::io::Write;
    let io = |source: std::io::Error| Error::Output {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::create(path).map_err(io)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let written = if f.disclosure.public {
        let mut v = crate::disclosure::to_public_value(f)
            .map_err(|e| Error::Internal(format!("cannot serialise findings: {e}")))?;
        crate::disclosure::mark(&mut v, "", &f.disclosure.suppressed);
        serde_json::to_writer_pretty(&mut w, &v)
    } else {
        serde_json::to_writer_pretty(&mut w, f)
    };
    written.map_err(|e| match e.io_error_kind() {
        Some(kind) => io(std::io::Error::new(kind, e.to_string())),
        None => Error::Internal(format!("cannot serialise findings: {e}")),
    })?;
    w.write_all(b"\n").map_err(io)?;
    w.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    #[test]
    fn written_file_is_the_json_text() {
        use crate::load::{load, DatasetSource, LoadOptions};
        let data = load(&DatasetSource::Example, &LoadOptions::default()).expect("example");
        for public in [false, true] {
            let mut f = crate::findings::analyse(&data, &Default::default());
            f.disclosure.public = public;
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("findings.json");
            super::write(&f, &path).expect("written");
            let text = std::fs::read_to_string(&path).expect("read back");
            assert_eq!(text, super::to_json(&f).expect("json"), "public: {public}");
        }
    }
}
