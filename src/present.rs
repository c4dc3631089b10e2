//! Presentation rules for text that reaches a file or a terminal: one function per kind of
//! reader, used by every writer of that kind.
//!
//! A low module: it imports nothing from the crate but the model's plain types, so any
//! renderer (tables, charts, the report, the graph exports, the command line) can use it
//! without reaching up or sideways.
//!
//! - `csv_cell`: a spreadsheet must not read a name as a formula (CSV injection).
//! - `xml_text`: an SVG must stay well-formed XML 1.0 whatever a name holds.
//! - `terminal_text`: a name printed on a terminal must not move the cursor, change the
//!   title or plant a hyperlink (ESC and OSC sequences).
//! - `money`, `percent`, `thousands`, `possessive`, `count_of`: figures and names
//!   as a board paper writes them (re-exported by `flags`, whose messages use them).
//! - `sector_name`, `sector_phrase`: a sector in words; `colour`, `sector_colour`:
//!   the one palette, shared by the charts and the graph exports.

use crate::model::Sector;
use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
/// Injection": `=`, `+`, `-`, `@`, tab and carriage return).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// "1 funder", "5 funders", "1,234 grants": a count with its noun, singular for exactly one
/// (the number with thousands separators).
pub(crate) fn count_of(n: usize, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        thousands(n as f64),
        if n == 1 { singular } else { plural }
    )
}

/// A text cell as written to a CSV file: a cell that a spreadsheet would read as a formula
/// gets a leading `'` (OWASP's rule), so `=HYPERLINK(...)` shows as text and never runs.
///
/// Only text cells go through this (numeric columns are written as numbers, a negative number
/// included). A text cell that is a plain decimal number (`-12`, `-0.5`) is left as it is:
/// a spreadsheet reads it as that number, which is not a formula, and a prefix would turn a
/// number into text. Everything else starting with one of the six characters is prefixed.
/// O(length).
pub(crate) fn csv_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) && !is_plain_number(s) => {
            Cow::Owned(format!("'{s}"))
        }
        _ => Cow::Borrowed(s),
    }
}

/// The inverse of [`csv_cell`] for a text cell read back from a file fundflow wrote for
/// editing (the organisations template): `'=X` → `=X`. Only a quote that [`csv_cell`] would
/// have added is removed, so a name that really begins with `'` followed by a letter is kept.
pub(crate) fn csv_cell_read(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if csv_cell(rest).len() != rest.len() => rest,
        _ => s,
    }
}

/// `-?digits(.digits)?`: a number a spreadsheet reads as a number, with nothing after it.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && frac.is_none_or(all_digits)
}

/// True for a character XML 1.0 allows in a document (section 2.2 "Characters"): tab, line
/// feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and U+10000 up. The other C0
/// controls, U+FFFE and U+FFFF are forbidden even as character references.
pub(crate) fn xml_allows(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// Text that may go into an XML 1.0 document (an SVG): every character XML forbids becomes
/// U+FFFD (the replacement character, shown as �), so the document stays well-formed. The
/// five special characters are left for the writer's own escaping. O(length).
pub(crate) fn xml_text(s: &str) -> Cow<'_, str> {
    if s.chars().all(xml_allows) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if xml_allows(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// Markup-escaped text: `&`, `<`, `>` and `"` as their entity references, `'` as `apos` (HTML
/// and XML spell it differently), and any other character as `other` writes it into the
/// output. The one escaping loop of the HTML report and the XML graph exports. O(length).
pub(crate) fn escape_markup(s: &str, apos: &str, other: impl Fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apos),
            c => other(c, &mut out),
        }
    }
    out
}

/// Text safe to print on a terminal: every control character (C0, DEL and C1, so ESC and the
/// CSI/OSC introducers included) is written as Rust's debug escape (`\u{1b}`, `\n`, `\t`),
/// the rule error messages follow for the values they quote. Other characters, `£` and
/// accents included, are printed as they are. O(length).
pub(crate) fn terminal_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `terminal_text` for a report of several lines: each line's control characters are
/// escaped, the line feeds between them kept. O(length).
pub fn terminal_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.split('\n')
            .map(terminal_text)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// "Age Well's", "Eastfield Litter Pickers'": the possessive of a name.
pub(crate) fn possessive(name: &str) -> String {
    if name.ends_with('s') || name.ends_with('S') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// `0.456` → `46%`.
pub(crate) fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// 12345.6 → `12,346`: a whole number with thousands separators.
pub(crate) fn thousands(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// £ for people: `£1.2bn`, `£1.2m`, `£35k`, `£950`.
pub(crate) fn money(pounds: f64) -> String {
    let a = pounds.abs();
    if a >= 1_000_000_000.0 {
        format!("£{:.1}bn", pounds / 1_000_000_000.0)
    } else if a >= 1_000_000.0 {
        format!("£{:.1}m", pounds / 1_000_000.0)
    } else if a >= 10_000.0 {
        format!("£{:.0}k", pounds / 1_000.0)
    } else if a >= 1_000.0 {
        format!("£{:.1}k", pounds / 1_000.0)
    } else {
        format!("£{pounds:.0}")
    }
}

/// Names joined as a sentence lists them: "A", "A and B", "A, B and C"; empty for none.
pub(crate) fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Fill colours: built on the Okabe–Ito palette, distinguishable with the common
/// colour-vision deficiencies (Okabe & Ito 2008, "Color Universal Design"), and adjusted so
/// that the five sectors also differ by at least 0.12 in relative luminance — distinct when
/// printed in black and white (issue 18): individuals wine 0.23, statutory blue 0.37, VCSE
/// green 0.50, private orange 0.64, unknown light grey 0.77.
pub(crate) mod colour {
    /// Statutory bodies: blue.
    pub(crate) const STATUTORY: &str = "#0072B2";
    /// VCSE organisations: bluish green (Okabe–Ito's, a little lighter).
    pub(crate) const VCSE: &str = "#00A67A";
    /// Private companies: orange.
    pub(crate) const PRIVATE: &str = "#E69F00";
    /// Individuals: wine (Paul Tol's, darker than Okabe–Ito's reddish purple).
    pub(crate) const INDIVIDUAL: &str = "#882255";
    /// Sector unknown: light grey.
    pub(crate) const UNKNOWN: &str = "#C4C4C4";
    /// Partnerships: yellow.
    pub(crate) const PARTNERSHIP: &str = "#F0E442";
}

/// The fill colour of a sector, as `#RRGGBB`.
pub(crate) fn sector_colour(s: Sector) -> &'static str {
    match s {
        Sector::Statutory => colour::STATUTORY,
        Sector::Vcse => colour::VCSE,
        Sector::Private => colour::PRIVATE,
        Sector::Individual => colour::INDIVIDUAL,
        Sector::Unknown => colour::UNKNOWN,
    }
}

/// A sector in words, for legends.
pub(crate) fn sector_name(s: Sector) -> &'static str {
    match s {
        Sector::Statutory => "Statutory",
        Sector::Vcse => "VCSE",
        Sector::Private => "Private",
        Sector::Individual => "Individuals",
        Sector::Unknown => "Unknown sector",
    }
}

/// A sector as the subject of a sentence.
pub(crate) fn sector_phrase(s: Sector) -> &'static str {
    match s {
        Sector::Statutory => "Statutory bodies",
        Sector::Vcse => "VCSE organisations",
        Sector::Private => "Private companies",
        Sector::Individual => "Individuals",
        Sector::Unknown => "Organisations of unknown sector",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_listed_as_a_sentence_lists_them() {
        assert_eq!(and_list(&[]), "");
        assert_eq!(and_list(&["A"]), "A");
        assert_eq!(and_list(&["A", "B"]), "A and B");
        assert_eq!(and_list(&["A", "B", "C"]), "A, B and C");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count_of(1, "funder", "funders"), "1 funder");
        assert_eq!(count_of(0, "funder", "funders"), "0 funders");
        assert_eq!(count_of(1234, "grant", "grants"), "1,234 grants");
    }

    #[test]
    fn a_report_keeps_its_lines_and_loses_its_escapes() {
        assert_eq!(terminal_lines("a\nb\n"), "a\nb\n");
        assert_eq!(
            terminal_lines("Esc\u{1b}[2J Org\nnext\ttab\n"),
            "Esc\\u{1b}[2J Org\nnext\\ttab\n"
        );
    }

    #[test]
    fn a_quote_added_for_a_spreadsheet_is_removed_on_reading_back() {
        for name in [
            "=HYPERLINK(\"x\")",
            "+44 line",
            "-dash",
            "@handle",
            "\tTab",
            "\rCR",
        ] {
            assert_eq!(csv_cell_read(&csv_cell(name)), name);
        }
        // Quotes fundflow would not have added are the name's own.
        assert_eq!(csv_cell_read("'Tis the Season"), "'Tis the Season");
        assert_eq!(csv_cell_read("'-12"), "'-12");
        assert_eq!(csv_cell_read("Plain"), "Plain");
    }

    #[test]
    fn formula_cells_get_a_quote() {
        for s in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(csv_cell(s), format!("'{s}"), "{s:?}");
        }
        // Plain text, a quote already in front, and numbers as text are left alone.
        for s in ["Age UK", "'=x", "-12", "-0.5", "12", "", "a=b"] {
            assert_eq!(csv_cell(s), s, "{s:?}");
        }
        // Not plain numbers: a sign with nothing after it, an exponent, a trailing dot.
        for s in ["-", "-1e5", "-1.", "-.5", "+1"] {
            assert_eq!(csv_cell(s), format!("'{s}"), "{s:?}");
        }
    }

    #[test]
    fn xml_forbidden_characters_are_replaced() {
        assert_eq!(xml_text("A & B <c>"), "A & B <c>");
        assert_eq!(xml_text("tab\tLF\nCR\r"), "tab\tLF\nCR\r");
        assert_eq!(
            xml_text("a\u{0}b\u{1b}c\u{1f}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
        assert_eq!(xml_text("\u{FFFE}\u{FFFF}"), "\u{FFFD}\u{FFFD}");
        // DEL and C1 are allowed by XML 1.0 (discouraged, not forbidden).
        assert_eq!(xml_text("\u{7f}\u{85}"), "\u{7f}\u{85}");
    }

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(terminal_text("Café £5"), "Café £5");
        assert_eq!(
            terminal_text("\u{1b}]8;;http://evil\u{7}link\u{1b}]8;;\u{7}"),
            "\\u{1b}]8;;http://evil\\u{7}link\\u{1b}]8;;\\u{7}"
        );
        assert_eq!(terminal_text("a\nb\u{9b}c"), "a\\nb\\u{9b}c");
        assert!(!terminal_text("\u{1b}[2J").contains('\u{1b}'));
    }
}
