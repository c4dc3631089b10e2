//! Turning a file's bytes into text.
//!
//! Accepted: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (as some
//! spreadsheet "Unicode text" exports are), and Windows-1252 (Excel's "CSV" on Windows in the
//! UK) detected when the bytes are not valid UTF-8, so a `£` (0xA3) survives. Anything else
//! (NUL bytes without a UTF-16 mark, bytes that Windows-1252 leaves undefined) is refused with
//! the line it was found on, rather than loaded as garbage.

use crate::error::{Place, Problem, Reason};
use std::borrow::Cow;

/// Bytes that Windows-1252 leaves undefined: text containing them is neither UTF-8 nor
/// Windows-1252.
const CP1252_UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Which encoding a file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8 (a byte-order mark, if any, is dropped).
    Utf8,
    /// UTF-16 (little or big endian), from its byte-order mark.
    Utf16,
    /// Windows-1252.
    Windows1252,
}

/// Decodes a whole file; borrows when the bytes are already UTF-8.
pub(crate) fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<(Cow<'a, str>, Encoding), Problem> {
    if bytes.is_empty() {
        return Err(Problem::file(
            file,
            Reason::new("empty-file", "file is empty: expected a header row"),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((Cow::Borrowed(s), Encoding::Utf8)),
            Err(e) => Err(not_text(
                file,
                rest,
                e.valid_up_to(),
                "file starts with a UTF-8 byte-order mark but is not valid UTF-8",
            )),
        };
    }
    for (bom, enc) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match enc.decode_without_bom_handling_and_without_replacement(rest) {
                Some(s) => Ok((Cow::Owned(s.into_owned()), Encoding::Utf16)),
                None => Err(Problem::file(
                    file,
                    Reason::new(
                        "bad-encoding",
                        "file starts with a UTF-16 byte-order mark but is not valid UTF-16",
                    ),
                )),
            };
        }
    }
    if let Some(pos) = memchr::memchr(0, bytes) {
        return Err(not_text(
            file,
            bytes,
            pos,
            "file contains a NUL byte: it looks binary (or UTF-16 without a byte-order mark); save it as CSV UTF-8",
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((Cow::Borrowed(s), Encoding::Utf8)),
        Err(_) => {
            if let Some(pos) = bytes.iter().position(|b| CP1252_UNDEFINED.contains(b)) {
                return Err(not_text(
                    file,
                    bytes,
                    pos,
                    &format!(
                        "file is neither UTF-8 nor Windows-1252 (byte 0x{:02X} is undefined in both); save it as CSV UTF-8",
                        bytes[pos]
                    ),
                ));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((Cow::Owned(text.into_owned()), Encoding::Windows1252))
        }
    }
}

/// A problem at the line holding byte `pos`.
fn not_text(file: &str, bytes: &[u8], pos: usize, why: &str) -> Problem {
    let line = 1 + bytes[..pos].iter().filter(|&&b| b == b'\n').count() as u64;
    Problem::at(file, Place::Line(line), Reason::new("bad-encoding", why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        decode("t.csv", bytes)
            .map(|(s, _)| s.into_owned())
            .unwrap_or_else(|p| p.to_string())
    }

    #[test]
    fn pound_sign_survives_every_supported_encoding() {
        assert_eq!(text("£5".as_bytes()), "£5");
        assert_eq!(text(b"\xEF\xBB\xBF\xC2\xA35"), "£5");
        // Windows-1252: 0xA3 is £.
        assert_eq!(text(b"\xA35"), "£5");
        // UTF-16LE with BOM: £ is U+00A3.
        assert_eq!(text(b"\xFF\xFE\xA3\x00\x35\x00"), "£5");
        assert_eq!(text(b"\xFE\xFF\x00\xA3\x00\x35"), "£5");
    }

    #[test]
    fn binary_and_undefined_bytes_are_refused_with_a_line() {
        let e = text(b"a,b\n1,2\n\x00\x01");
        assert!(e.starts_with("t.csv:3: "), "{e}");
        assert!(e.contains("NUL"));
        let e = text(b"a,b\n\x81\xFF");
        assert!(e.starts_with("t.csv:2: "), "{e}");
        assert!(e.contains("0x81"));
        assert!(text(b"").contains("empty"));
    }
}
