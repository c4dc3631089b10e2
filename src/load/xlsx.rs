//! The first sheet of an XLSX workbook as a table with flat headers.
//!
//! Cells become text the way a person would type them: whole numbers without a decimal
//! point, other numbers in their shortest exact form, dates as `YYYY-MM-DD`. The place of a
//! row is its sheet row number, as Excel shows it.

use super::table::Table;
use crate::error::{Place, Problem, Reason};
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// Reads the first sheet.
pub(crate) fn first_sheet<'a>(file: &'a str, bytes: &[u8]) -> Result<Table<'a>, Problem> {
    let unreadable = |why: String| Problem::file(file, Reason::new("xlsx-unreadable", why));
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("not a readable XLSX workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("workbook has no sheets".into()))?
        .map_err(|e| unreadable(format!("cannot read the first sheet: {e}")))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows();
    let header: Vec<String> = match rows.next() {
        Some(cells) => cells
            .iter()
            .map(|c| cell_text(c).trim().to_owned())
            .collect(),
        None => {
            return Err(Problem::file(
                file,
                Reason::new("empty-file", "the first sheet is empty"),
            ))
        }
    };
    if header.iter().all(String::is_empty) {
        return Err(Problem::file(
            file,
            Reason::new("empty-file", "the first sheet has no header row"),
        ));
    }
    let header_line = u64::from(first_row) + 1;
    let body = rows
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|(i, cells)| {
            let line = header_line + 1 + i as u64;
            (Place::Line(line), Ok(cells.iter().map(cell_text).collect()))
        })
        .collect();
    Ok(Table::from_rows(
        file,
        header,
        None,
        Place::Line(header_line),
        body,
    ))
}

/// A cell as text.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// `15000.0` → `15000`; `1234.56` → `1234.56`; non-finite values stay visible as text.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(15000.0), "15000");
        assert_eq!(number_text(1234.56), "1234.56");
        assert_eq!(number_text(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let e = first_sheet("g.xlsx", b"not a zip")
            .err()
            .map(|p| p.to_string());
        assert!(e.is_some_and(|m| m.starts_with("g.xlsx: not a readable XLSX workbook")));
    }
}
