//! The first sheet of an XLSX workbook as a table with flat headers.
//!
//! Cells become text the way a person would type them: whole numbers without a decimal
//! point, other numbers in their shortest exact form, dates as `YYYY-MM-DD`. The place of a
//! row is its sheet row number, as Excel shows it.
//!
//! **Bounded work whatever the bytes.** An XLSX file is a zip archive of XML parts, and
//! both the archive and the XML may lie: a 1.8 KB workbook can declare a sheet of
//! 16,384 × 1,048,576 cells, and a 2 MB one can inflate to gigabytes. So:
//! - before anything is parsed, every part of the archive is inflated once into nothing,
//!   counting the bytes that actually come out (the sizes the archive declares are not
//!   trusted), and a part larger than its limit ([`MAX_SHEET_BYTES`] for a worksheet,
//!   [`MAX_SHARED_STRINGS_BYTES`] for the shared strings, [`MAX_PART_BYTES`] for any other
//!   XML part) or a workbook larger than [`MAX_WORKBOOK_BYTES`] in all is refused with a
//!   clear error, as is an XML part holding one tag or text longer than
//!   [`MAX_XML_RUN_BYTES`] (the XML reader holds one whole);
//! - the sheet is read cell by cell (calamine's streaming cell reader), never as a
//!   rectangle sized by its declared or actual extent, and rows are handed to the row
//!   parser one at a time, so memory follows one row, not the sheet;
//! - a row holds only the cells it has (a [`SparseRow`]), so a row of one cell costs one
//!   cell whatever the header's width (at most [`MAX_COLUMNS`] columns); cells beyond the
//!   header's last column have no name, and are ignored like any extra column.

use super::table::{one_cell_per_column, RowSource, SparseRow, Table, MAX_FIELD_BYTES};
use crate::error::{Place, Problem, Reason};
use calamine::{DataRef, Reader, Xlsx};
use std::io::{Cursor, Read};

/// Largest inflated size of a worksheet's XML (512 MiB): about 500,000 rows of a typical
/// 360Giving export (the Andrew Lloyd Webber Foundation's sheet is 0.9 KB a row). Rows are
/// streamed, so this bounds time more than memory; it also bounds the largest single cell,
/// which calamine holds whole while it reads it.
pub(crate) const MAX_SHEET_BYTES: u64 = 512 << 20;

/// Largest inflated size of the shared strings (128 MiB), held in memory while the sheet
/// is read: at worst (a table of one-character strings) about 3.4 times their XML (measured:
/// 255 MiB of `<si><t>a</t></si>` took 870 MB), so about 435 MB. The Andrew Lloyd Webber
/// Foundation's are 0.18 KB a row: 128 MiB is about 750,000 rows, more than a sheet holds.
pub(crate) const MAX_SHARED_STRINGS_BYTES: u64 = 128 << 20;

/// Largest inflated size of the other XML parts calamine reads when it opens a workbook
/// (`workbook.xml`, styles, relationships: kilobytes in real files), and of any other XML
/// part (16 MiB). Parts calamine never reads (images, printer settings) count only towards
/// [`MAX_WORKBOOK_BYTES`].
pub(crate) const MAX_PART_BYTES: u64 = 16 << 20;

/// Longest tag or text in an XML part (16 MiB): the XML reader holds one whole at a time,
/// so without this one 500 MiB cell took 1 GB. A field is at most 1 MiB
/// ([`MAX_FIELD_BYTES`]), 6 MiB even with every character escaped (`&quot;`).
pub(crate) const MAX_XML_RUN_BYTES: u64 = 16 << 20;

/// Largest inflated size of the whole workbook, all parts together (2 GiB).
pub(crate) const MAX_WORKBOOK_BYTES: u64 = 2 << 30;

/// Most columns a header row may span (column `AMJ`). 360Giving flat exports have about
/// 60–200; a header reaching further is a stray cell or a forged sheet, and every row would
/// otherwise be as wide as it.
pub(crate) const MAX_COLUMNS: usize = 1024;

/// Reads the first sheet.
pub(crate) fn first_sheet<'a>(file: &'a str, bytes: &'a [u8]) -> Result<Table<'a>, Problem> {
    check_inflated_sizes(file, bytes)?;
    // The header is the first row with content; columns past the limit are not kept.
    let sheet = Sheet {
        file,
        bytes,
        width: MAX_COLUMNS,
    };
    let mut header: Option<RowCells> = None;
    sheet.cells_by_row(&mut |cells| {
        header = Some(cells);
        false
    })?;
    let Some((row, cells, last, oversized)) = header else {
        return Err(Problem::file(
            file,
            Reason::new("empty-file", "the first sheet is empty"),
        ));
    };
    let header_place = Place::Line(u64::from(row) + 1);
    if let Some((c, bytes)) = oversized {
        return Err(Problem::at(
            file,
            header_place,
            Reason::new(
                "field-too-large",
                format!(
                    "header cell {}{} is {bytes} bytes; the limit is {MAX_FIELD_BYTES} bytes",
                    column_name(c),
                    row + 1
                ),
            ),
        ));
    }
    let last = last as usize;
    if last >= MAX_COLUMNS {
        return Err(Problem::at(
            file,
            header_place,
            Reason::new(
                "xlsx-too-wide",
                format!(
                    "the header row reaches column {} ({} columns); at most {MAX_COLUMNS} columns are read",
                    column_name(last as u32),
                    last + 1
                ),
            ),
        ));
    }
    let mut headers = vec![String::new(); last + 1];
    for (c, text) in cells {
        headers[c as usize] = text.trim().to_owned();
    }
    if headers.iter().all(String::is_empty) {
        return Err(Problem::file(
            file,
            Reason::new("empty-file", "the first sheet has no header row"),
        ));
    }
    let width = headers.len();
    let headers_for_messages = headers.clone();
    Ok(Table::streamed(
        file,
        headers,
        header_place,
        Box::new(Body {
            sheet: Sheet { width, ..sheet },
            header_row: row,
            headers: headers_for_messages,
        }),
    ))
}

/// A row as read: its 0-based number, its non-empty cells kept (0-based column, text), the
/// last column holding a non-empty cell, and the first cell over [`MAX_FIELD_BYTES`]
/// (column, bytes), which is not copied.
type RowCells = (u32, Vec<(u32, String)>, u32, Option<(u32, usize)>);

/// The workbook and how wide its rows are read.
struct Sheet<'a> {
    file: &'a str,
    bytes: &'a [u8],
    /// Columns kept per row.
    width: usize,
}

impl Sheet<'_> {
    fn unreadable(&self, why: String) -> Problem {
        Problem::file(self.file, Reason::new("xlsx-unreadable", why))
    }

    /// Calls `row` with each row that has a non-empty cell, in sheet order (see
    /// [`RowCells`]; cells only within `width`, the last column whatever it is). Stops when
    /// `row` returns `false`.
    fn cells_by_row(&self, row: &mut dyn FnMut(RowCells) -> bool) -> Result<(), Problem> {
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(self.bytes))
            .map_err(|e| self.unreadable(format!("not a readable XLSX workbook: {e}")))?;
        let name = book
            .sheet_names()
            .into_iter()
            .next()
            .ok_or_else(|| self.unreadable("workbook has no sheets".into()))?;
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| self.unreadable(format!("cannot read the first sheet: {e}")))?;
        // The row being gathered: its number, its non-empty cells within `width`, and the
        // last column holding anything. A row with a non-empty cell only beyond `width` is
        // still a row (as a value in an unnamed column is), so that every row with content
        // is accounted for.
        let mut current: Option<RowCells> = None;
        loop {
            let cell = reader
                .next_cell()
                .map_err(|e| self.unreadable(format!("cannot read the first sheet: {e}")))?;
            let Some(cell) = cell else { break };
            let (r, c) = cell.get_position();
            // A text over the field limit is refused, not copied: the sheet's one giant
            // cell would otherwise be held twice.
            let bytes = text_len(cell.get_value());
            let text = if bytes > MAX_FIELD_BYTES {
                None
            } else {
                Some(cell_text(cell.get_value()))
            };
            if text.as_ref().is_some_and(String::is_empty) {
                continue;
            }
            if current.as_ref().map(|(cr, ..)| *cr) != Some(r) {
                if let Some(finished) = current.take() {
                    if !row(finished) {
                        return Ok(());
                    }
                }
            }
            let (_, cells, last, oversized) =
                current.get_or_insert_with(|| (r, Vec::new(), c, None));
            *last = (*last).max(c);
            if (c as usize) < self.width {
                let Some(text) = text else {
                    oversized.get_or_insert((c, bytes));
                    continue;
                };
                cells.push((c, text));
                // A forged row can name one cell a million times (`r="A2"` again and
                // again): folded to one cell per column whenever it doubles the width, a
                // row never holds more than 2 × width cells.
                if cells.len() > 2 * self.width {
                    one_cell_per_column(cells);
                }
            }
        }
        if let Some(finished) = current {
            row(finished);
        }
        Ok(())
    }
}

/// The body of the sheet: every row after the header, as wide as the header.
struct Body<'a> {
    sheet: Sheet<'a>,
    header_row: u32,
    /// The header, to name a column in messages.
    headers: Vec<String>,
}

impl RowSource for Body<'_> {
    fn rows(
        &self,
        out: &mut dyn FnMut(Place, Result<SparseRow, Problem>) -> bool,
    ) -> Result<(), Problem> {
        let mut past_header = false;
        self.sheet.cells_by_row(&mut |(r, cells, _, oversized)| {
            if !past_header {
                // The header is the first row with content; it was read before.
                past_header = r == self.header_row;
                return true;
            }
            let place = Place::Line(u64::from(r) + 1);
            match oversized {
                Some((c, bytes)) => {
                    let problem = Problem::at(
                        self.sheet.file,
                        place.clone(),
                        Reason::new(
                            "field-too-large",
                            format!("field is {bytes} bytes; the limit is {MAX_FIELD_BYTES} bytes"),
                        ),
                    );
                    let named = match self.headers.get(c as usize) {
                        Some(h) => problem.column(h),
                        None => problem,
                    };
                    out(place, Err(named))
                }
                None => out(place, Ok(SparseRow::new(cells))),
            }
        })
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`, `16383` → `XFD`.
fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        name.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

/// Inflates every part of the archive into nothing, counting what comes out, and refuses a
/// part or a workbook over its limit. What the archive declares is not trusted: the count is
/// of bytes actually inflated, and inflation stops one byte past the limit.
fn check_inflated_sizes(file: &str, bytes: &[u8]) -> Result<(), Problem> {
    let unreadable = |why: String| Problem::file(file, Reason::new("xlsx-unreadable", why));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("not a readable XLSX workbook: {e}")))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip
            .by_index(i)
            .map_err(|e| unreadable(format!("not a readable XLSX workbook: {e}")))?;
        if part.is_dir() {
            continue;
        }
        let name = part.name().to_owned();
        let lower = name.to_ascii_lowercase();
        let limit = if lower.starts_with("xl/worksheets/") {
            MAX_SHEET_BYTES
        } else if lower == "xl/sharedstrings.xml" {
            MAX_SHARED_STRINGS_BYTES
        } else if lower.ends_with(".xml") || lower.ends_with(".rels") {
            MAX_PART_BYTES
        } else {
            MAX_WORKBOOK_BYTES
        };
        let is_xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        let (inflated, longest_run) = inflate_counting(part.take(limit + 1))
            .map_err(|e| unreadable(format!("not a readable XLSX workbook: part {name}: {e}")))?;
        if inflated > limit {
            return Err(too_large(
                file,
                &format!("its part {name} inflates to more than {}", mib(limit)),
            ));
        }
        if is_xml && longest_run > MAX_XML_RUN_BYTES {
            return Err(Problem::file(
                file,
                Reason::new(
                    "xlsx-too-large",
                    format!(
                        "workbook refused: its part {name} holds a tag or a text longer than {} (a cell holds at most {} bytes)",
                        mib(MAX_XML_RUN_BYTES),
                        MAX_FIELD_BYTES
                    ),
                ),
            ));
        }
        total += inflated;
        if total > MAX_WORKBOOK_BYTES {
            return Err(too_large(
                file,
                &format!(
                    "its parts inflate to more than {} in all",
                    mib(MAX_WORKBOOK_BYTES)
                ),
            ));
        }
    }
    Ok(())
}

/// Inflates `part` into nothing: (bytes inflated, longest run of bytes between two `<`).
/// Every XML event (a tag, or a text between tags) lies within such a run, and the XML
/// reader holds one event at a time, so the run bounds what it holds.
fn inflate_counting(mut part: impl Read) -> std::io::Result<(u64, u64)> {
    let mut buf = vec![0u8; 64 << 10];
    let (mut inflated, mut since_open, mut longest) = (0u64, 0u64, 0u64);
    loop {
        let n = match part.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        inflated += n as u64;
        let mut from = 0;
        for at in memchr::memchr_iter(b'<', &buf[..n]) {
            longest = longest.max(since_open + (at - from) as u64);
            since_open = 0;
            from = at;
        }
        since_open += (n - from) as u64;
        longest = longest.max(since_open);
    }
    Ok((inflated, longest))
}

fn too_large(file: &str, what: &str) -> Problem {
    Problem::file(
        file,
        Reason::new(
            "xlsx-too-large",
            format!(
                "workbook refused: {what} (the limits are {} for a worksheet, {} for the shared strings, {} for any other XML part, {} for the whole workbook); save the grants as CSV instead",
                mib(MAX_SHEET_BYTES),
                mib(MAX_SHARED_STRINGS_BYTES),
                mib(MAX_PART_BYTES),
                mib(MAX_WORKBOOK_BYTES)
            ),
        ),
    )
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes >> 20)
}

/// The length of a cell's text, without copying it (0 for numbers: short anyway).
fn text_len(c: &DataRef) -> usize {
    match c {
        DataRef::SharedString(s) => s.len(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        _ => 0,
    }
}

/// A cell as text.
fn cell_text(c: &DataRef) -> String {
    match c {
        DataRef::Empty => String::new(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => b.to_string(),
        // Only serials Excel itself can show (1900-01-01 ..= 9999-12-31): calamine's
        // conversion assumes them, and a forged cell can hold any float.
        DataRef::DateTime(dt) if dt.is_datetime() && (0.0..2_958_466.0).contains(&dt.as_f64()) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::Error(e) => format!("#{e:?}"),
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
    fn column_names_are_excel_letters() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        // XFD: (24·26 + 6)·26 + 4 = 16384 columns, so index 16383.
        assert_eq!(column_name(16383), "XFD");
        assert_eq!(column_name(1023), "AMJ");
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let e = first_sheet("g.xlsx", b"not a zip")
            .err()
            .map(|p| p.to_string());
        assert!(e.is_some_and(|m| m.starts_with("g.xlsx: not a readable XLSX workbook")));
    }
}
