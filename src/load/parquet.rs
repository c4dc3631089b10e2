//! A Parquet file as a table: its row groups are read with polars one at a time, as the rows
//! are read (Arrow buffers), and each row's cells are formatted into the text a CSV of the
//! same data would hold only when the row is read, into one reused buffer ([`FlatRow`]). So
//! the row parser, and every check, warning and count, is the CSV's, and memory follows one
//! row group's columnar data, not one `String` per cell.
//!
//! Values become text (METHOD.md "Parquet input"):
//! - strings as they are; null (in any column) is an empty cell;
//! - integers in decimal (`-9223372036854775808`); booleans `true` / `false`;
//! - floats in Rust's shortest form that reads back to the same value, without an exponent
//!   and without a trailing `.0` (`1000.0` → `1000`, `0.1` → `0.1`, `1e21` →
//!   `1000000000000000000000`, `-0.0` → `-0`); a Float32 column in the shortest form of the
//!   32-bit value (`0.1f32` → `0.1`, not `0.10000000149011612`); NaN and infinities become
//!   `NaN`, `inf` and `-inf`, which the amount parser refuses as it refuses them in a CSV;
//! - Date → `YYYY-MM-DD`; Datetime → ISO 8601 `YYYY-MM-DDTHH:MM:SS` with the fraction of a
//!   second only when there is one, and `Z` after a time-zone-aware (UTC-stored) value.
//!
//! Nested, list, binary and other types have no text a CSV would hold: a column of one is
//! refused (file, column and type), whether the loader uses it or not. The place of a row
//! is its number as a spreadsheet would show it, with the header as row 1 (the first record
//! is row 2), as for XLSX.

use super::table::{FlatRow, RowRuns, RunRows, Table};
use crate::error::{Place, Problem, Reason};
use polars::prelude::{
    BooleanChunked, DataFrame, DataType, FileMetadataRef, Float32Chunked, Float64Chunked,
    Int32Chunked, Int64Chunked, ParallelStrategy, ParquetReader, SerReader, StringChunked,
    TimeUnit, UInt64Chunked,
};
use std::fmt::Write as _;
use std::io::Cursor;

/// Whether an input named `name` is read as Parquet (by its extension, in any case).
pub(crate) fn is_parquet(name: &str) -> bool {
    name.len() >= 8
        && name
            .get(name.len() - 8..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".parquet"))
}

/// Reads a Parquet file's bytes as a table: its footer (row groups) and column types now,
/// its values one row group at a time as the rows are read, and only the columns the
/// loader uses ([`Table::columns`]).
pub(crate) fn table<'a>(file: &'a str, bytes: &'a [u8]) -> Result<Table<'a>, Problem> {
    let (metadata, df) = read(file, bytes, None, Some((0, 0)), None)?;
    let runs = metadata
        .row_groups
        .iter()
        .map(|g| (g.num_rows(), g.total_byte_size()))
        .collect();
    let headers: Vec<String> = df
        .columns()
        .iter()
        .map(|c| c.name().trim().to_owned())
        .collect();
    if headers.is_empty() || headers.iter().all(String::is_empty) {
        return Err(Problem::file(
            file,
            Reason::new("empty-file", "the Parquet file has no columns"),
        ));
    }
    // Every column's type is checked now, read or not.
    cells(file, &df)?;
    let width = headers.len();
    Ok(Table::runs(
        file,
        headers,
        Place::Line(1),
        Box::new(Columns {
            file,
            bytes,
            metadata,
            runs,
            width,
            used: None,
        }),
    ))
}

fn cells(file: &str, df: &DataFrame) -> Result<Vec<Cells>, Problem> {
    df.columns()
        .iter()
        .map(|c| Cells::of(file, c.name(), c.as_materialized_series()))
        .collect()
}

/// Reads the rows `slice` (offset, length) of the file's columns `projection` (all when
/// `None`) with polars (its footer, unless already read), turning any failure (and a panic
/// inside the reader, on a file forged to provoke one) into a problem with the file.
fn read(
    file: &str,
    bytes: &[u8],
    metadata: Option<&FileMetadataRef>,
    slice: Option<(usize, usize)>,
    projection: Option<&[usize]>,
) -> Result<(FileMetadataRef, DataFrame), Problem> {
    let unreadable = |why: String| {
        Problem::file(
            file,
            Reason::new(
                "parquet-unreadable",
                format!("not a readable Parquet file: {why}"),
            ),
        )
    };
    if bytes.len() < 12 || !bytes.starts_with(b"PAR1") || !bytes.ends_with(b"PAR1") {
        return Err(unreadable(
            "it does not start and end with the Parquet magic bytes PAR1".into(),
        ));
    }
    // The metadata is only read (and then dropped on a panic): nothing half-changed is seen.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut reader = ParquetReader::new(Cursor::new(bytes));
        let metadata = match metadata {
            Some(m) => m.clone(),
            None => reader.get_metadata()?.clone(),
        };
        reader.set_metadata(metadata.clone());
        // Decoded on the calling thread (one of rayon's, reading one part), not on polars'
        // own pool: the parts already keep every core busy, and memory freed by a thread
        // of another pool stays in that thread's malloc arena, out of reach of the
        // analysis that follows (national analyse peaked at 1.2 GB instead of 0.9 GB).
        let df = reader
            .read_parallel(ParallelStrategy::None)
            .with_projection(projection.map(<[usize]>::to_vec))
            .with_slice(slice)
            .set_rechunk(true)
            .finish()?;
        Ok::<_, polars::prelude::PolarsError>((metadata, df))
    }));
    match read {
        Ok(Ok(read)) => Ok(read),
        Ok(Err(e)) => Err(unreadable(e.to_string())),
        Err(_) => Err(unreadable("the reader failed on its contents".into())),
    }
}

/// One column, typed as the text it becomes.
enum Cells {
    Text(StringChunked),
    Bool(BooleanChunked),
    Int(Int64Chunked),
    UInt(UInt64Chunked),
    F32(Float32Chunked),
    F64(Float64Chunked),
    /// Days since 1970-01-01.
    Date(Int32Chunked),
    /// Since 1970-01-01T00:00:00 in the unit; `true` when time-zone aware (stored as UTC).
    Datetime(Int64Chunked, TimeUnit, bool),
    /// A column of nothing but nulls.
    Null,
}

impl Cells {
    fn of(file: &str, name: &str, s: &polars::prelude::Series) -> Result<Cells, Problem> {
        let failed = |e: polars::prelude::PolarsError| {
            Problem::file(
                file,
                Reason::new(
                    "parquet-unreadable",
                    format!("column {name:?}: cannot be read: {e}"),
                ),
            )
        };
        let cast = |to: &DataType| s.cast(to).map_err(failed);
        Ok(match s.dtype() {
            DataType::String => Cells::Text(s.str().map_err(failed)?.clone()),
            DataType::Boolean => Cells::Bool(s.bool().map_err(failed)?.clone()),
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32 => Cells::Int(cast(&DataType::Int64)?.i64().map_err(failed)?.clone()),
            DataType::UInt64 => Cells::UInt(s.u64().map_err(failed)?.clone()),
            DataType::Float32 => Cells::F32(s.f32().map_err(failed)?.clone()),
            DataType::Float64 => Cells::F64(s.f64().map_err(failed)?.clone()),
            DataType::Date => Cells::Date(s.to_physical_repr().i32().map_err(failed)?.clone()),
            DataType::Datetime(unit, tz) => Cells::Datetime(
                s.to_physical_repr().i64().map_err(failed)?.clone(),
                *unit,
                tz.is_some(),
            ),
            DataType::Null => Cells::Null,
            other => {
                return Err(Problem::file(
                    file,
                    Reason::new(
                        "parquet-unsupported-type",
                        format!(
                            "column {name:?} is of type {other}, which has no text a CSV cell would hold; \
                             store it as text (string), a number, a boolean, a date or a datetime"
                        ),
                    ),
                ))
            }
        })
    }

    /// Writes row `i`'s value as text into `out` (nothing for null); `Err` with why for a
    /// date or datetime outside the calendar chrono knows.
    fn write(&self, i: usize, out: &mut String) -> Result<(), String> {
        match self {
            Cells::Text(c) => out.push_str(c.get(i).unwrap_or("")),
            // `bool` displays as `true` / `false`.
            Cells::Bool(c) => put(out, c.get(i)),
            Cells::Int(c) => put(out, c.get(i)),
            Cells::UInt(c) => put(out, c.get(i)),
            Cells::F32(c) => put(out, c.get(i)),
            Cells::F64(c) => put(out, c.get(i)),
            Cells::Date(c) => {
                if let Some(days) = c.get(i) {
                    write_date(days, out)?;
                }
            }
            Cells::Datetime(c, unit, utc) => {
                if let Some(v) = c.get(i) {
                    write_datetime(v, *unit, *utc, out)?;
                }
            }
            Cells::Null => {}
        }
        Ok(())
    }
}

/// Writes `v` as it displays (nothing for null).
fn put(out: &mut String, v: Option<impl std::fmt::Display>) {
    if let Some(v) = v {
        let _ = write!(out, "{v}");
    }
}

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// `YYYY-MM-DD` for `days` since 1970-01-01.
fn write_date(days: i32, out: &mut String) -> Result<(), String> {
    let d = days
        .checked_add(UNIX_EPOCH_DAYS_FROM_CE)
        .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| format!("date {days} days from 1970-01-01 is outside the calendar"))?;
    let _ = write!(out, "{}", d.format("%Y-%m-%d"));
    Ok(())
}

/// ISO 8601 for `v` units since 1970-01-01T00:00:00 (`Z` after it when `utc`).
fn write_datetime(v: i64, unit: TimeUnit, utc: bool, out: &mut String) -> Result<(), String> {
    let t = match unit {
        TimeUnit::Milliseconds => chrono::DateTime::from_timestamp_millis(v),
        TimeUnit::Microseconds => chrono::DateTime::from_timestamp_micros(v),
        TimeUnit::Nanoseconds => Some(chrono::DateTime::from_timestamp_nanos(v)),
    }
    .ok_or_else(|| format!("datetime {v} ({unit}) from 1970-01-01 is outside the calendar"))?;
    let _ = write!(out, "{}", t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f"));
    if utc {
        out.push('Z');
    }
    Ok(())
}

/// A Parquet file read one row group at a time: a reader holds one row group's columns
/// (only those the loader uses), not the file's, and row groups can be read on several
/// threads at once.
struct Columns<'a> {
    file: &'a str,
    bytes: &'a [u8],
    metadata: FileMetadataRef,
    /// Each row group's number of rows and size in bytes (uncompressed).
    runs: Vec<(usize, usize)>,
    /// How many columns the file has.
    width: usize,
    /// The columns read (increasing); `None` for all.
    used: Option<Vec<usize>>,
}

/// The place of record `i` (0-based): the header is row 1.
fn place_of(i: usize) -> Place {
    Place::Line(u64::try_from(i).map_or(u64::MAX, |i| i.saturating_add(2)))
}

impl RowRuns for Columns<'_> {
    fn runs(&self) -> &[(usize, usize)] {
        &self.runs
    }

    fn place(&self, i: usize) -> Place {
        place_of(i)
    }

    fn project(&mut self, used: &[usize]) {
        self.used = Some(used.iter().copied().filter(|&c| c < self.width).collect());
    }

    fn read(&self, r: usize, first: usize) -> Result<Box<dyn RunRows + '_>, Problem> {
        let len = self.runs.get(r).map_or(0, |run| run.0);
        let (_, df) = read(
            self.file,
            self.bytes,
            Some(&self.metadata),
            Some((first, len)),
            self.used.as_deref(),
        )?;
        let read = cells(self.file, &df)?;
        if df.height() != len {
            return Err(Problem::file(
                self.file,
                Reason::new(
                    "parquet-unreadable",
                    format!(
                        "not a readable Parquet file: row group {r} gave {} rows, its footer says {len}",
                        df.height()
                    ),
                ),
            ));
        }
        // By header column: the cells read, or `None` for a column the loader does not use.
        let mut columns: Vec<Option<Cells>> = (0..self.width).map(|_| None).collect();
        let at: Vec<usize> = match &self.used {
            Some(used) => used.clone(),
            None => (0..self.width).collect(),
        };
        for (c, cells) in at.into_iter().zip(read) {
            if let Some(slot) = columns.get_mut(c) {
                *slot = Some(cells);
            }
        }
        Ok(Box::new(RowGroup {
            file: self.file,
            first,
            columns,
        }))
    }
}

/// One decoded row group: its columns, by header column (`None` when not read: an empty
/// cell).
struct RowGroup<'a> {
    file: &'a str,
    /// The file's record number of the group's first row.
    first: usize,
    columns: Vec<Option<Cells>>,
}

impl RunRows for RowGroup<'_> {
    fn fill(&self, i: usize, row: &mut FlatRow) -> Result<(), Problem> {
        for cells in &self.columns {
            if let Some(cells) = cells {
                cells.write(i, row.text()).map_err(|why| {
                    Problem::at(
                        self.file,
                        place_of(self.first.saturating_add(i)),
                        Reason::new("parquet-value-out-of-range", why),
                    )
                })?;
            }
            row.end_cell();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::table::Row;
    use polars::prelude::{Column, IntoColumn, NamedFrom, ParquetWriter, Series};

    /// `df` written as Parquet, in row groups of `group_rows` (polars' default when `None`).
    fn written(mut df: DataFrame, group_rows: Option<usize>) -> Vec<u8> {
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .with_row_group_size(group_rows)
            .finish(&mut df)
            .expect("written");
        bytes
    }

    /// The text of one value of a one-column frame.
    fn text(s: Series) -> Result<String, String> {
        let cells = Cells::of("t.parquet", "c", &s).map_err(|p| p.to_string())?;
        let mut out = String::new();
        cells.write(0, &mut out)?;
        Ok(out)
    }

    #[test]
    fn floats_become_their_shortest_round_trip_text() {
        let f = |v: f64| text(Series::new("c".into(), &[v]));
        // 1000.0 is a whole number: no ".0", as a spreadsheet shows it.
        assert_eq!(f(1000.0).as_deref(), Ok("1000"));
        // 0.1 is stored as 0.1000000000000000055511151231257827…; "0.1" is the shortest
        // text that reads back to the same double.
        assert_eq!(f(0.1).as_deref(), Ok("0.1"));
        assert_eq!(f(1234.5).as_deref(), Ok("1234.5"));
        // 1e21 = 1 followed by 21 zeros: written out, never with an exponent.
        assert_eq!(f(1e21).as_deref(), Ok("1000000000000000000000"));
        assert_eq!(f(-0.0).as_deref(), Ok("-0"));
        assert_eq!(f(f64::NAN).as_deref(), Ok("NaN"));
        assert_eq!(f(f64::INFINITY).as_deref(), Ok("inf"));
        assert_eq!(f(f64::NEG_INFINITY).as_deref(), Ok("-inf"));
        // 0.1f32 is 0.100000001490116119384765625; as a double it would print as
        // 0.10000000149011612, but its shortest 32-bit text is "0.1".
        assert_eq!(
            text(Series::new("c".into(), &[0.1f32])).as_deref(),
            Ok("0.1")
        );
    }

    #[test]
    fn integers_booleans_and_nulls() {
        assert_eq!(
            text(Series::new("c".into(), &[i64::MIN])).as_deref(),
            Ok("-9223372036854775808")
        );
        assert_eq!(
            text(Series::new("c".into(), &[i64::MAX])).as_deref(),
            Ok("9223372036854775807")
        );
        assert_eq!(
            text(Series::new("c".into(), &[u64::MAX])).as_deref(),
            Ok("18446744073709551615")
        );
        assert_eq!(text(Series::new("c".into(), &[-7i8])).as_deref(), Ok("-7"));
        assert_eq!(
            text(Series::new("c".into(), &[true])).as_deref(),
            Ok("true")
        );
        assert_eq!(
            text(Series::new("c".into(), &[false])).as_deref(),
            Ok("false")
        );
        assert_eq!(
            text(Series::new("c".into(), &[None::<i64>])).as_deref(),
            Ok("")
        );
        assert_eq!(
            text(Series::new("c".into(), &[None::<&str>])).as_deref(),
            Ok("")
        );
        assert_eq!(
            text(Series::new("c".into(), &[" A b "])).as_deref(),
            Ok(" A b ")
        );
    }

    #[test]
    fn dates_and_datetimes_in_iso_8601() {
        // 2021-04-01 is 18,718 days after 1970-01-01: 51 years of 365 days (18,615) plus
        // 13 leap days (1972…2020) = 18,628 to 2021-01-01, plus 31 + 28 + 31 = 90.
        let d = Series::new("c".into(), &[18_718i32])
            .cast(&DataType::Date)
            .expect("a date");
        assert_eq!(text(d).as_deref(), Ok("2021-04-01"));
        // The same day at 13:30:15.25 in milliseconds: 18,718 × 86,400,000 +
        // (13×3600 + 30×60 + 15) × 1000 + 250 = 1,617,235,200,000 + 48,615,250.
        let ms = 18_718i64 * 86_400_000 + 48_615_250;
        let t = Series::new("c".into(), &[ms])
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .expect("a datetime");
        assert_eq!(text(t).as_deref(), Ok("2021-04-01T13:30:15.250"));
        let whole = Series::new("c".into(), &[18_718i64 * 86_400_000_000])
            .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
            .expect("a datetime");
        assert_eq!(text(whole).as_deref(), Ok("2021-04-01T00:00:00"));
        let far = Series::new("c".into(), &[i32::MAX])
            .cast(&DataType::Date)
            .expect("a date");
        assert!(text(far).is_err_and(|e| e.contains("outside the calendar")));
    }

    #[test]
    fn binary_and_list_columns_are_refused_by_name_and_type() {
        let b = Series::new("c".into(), &[b"ab".as_slice()]);
        let e = text(b).expect_err("binary is refused");
        assert!(e.contains("column \"c\" is of type binary"), "{e}");
    }

    #[test]
    fn a_file_reads_back_with_its_header_as_row_one() {
        let df = DataFrame::new_infer_height(vec![
            Column::new("Identifier".into(), &["a", "b"]),
            Series::new("Amount".into(), &[Some(5.5f64), None]).into_column(),
        ])
        .expect("a frame");
        let bytes = written(df, None);
        let t = table("g.parquet", &bytes).expect("a table");
        assert_eq!(t.headers, ["Identifier", "Amount"]);
        let mut seen = Vec::new();
        t.for_each(|place, row| -> Result<(), Problem> {
            let row = row?;
            seen.push(format!("{place}:{}|{}", row.get(0), row.get(1)));
            Ok(())
        })
        .expect("read");
        assert_eq!(seen, ["2:a|5.5", "3:b|"]);
    }

    #[test]
    fn rows_are_read_across_row_groups_in_order() {
        // 7 rows in groups of 3: rows 0-2, 3-5, 6; each read once, in order.
        let ids: Vec<String> = (0..7).map(|i| format!("g{i}")).collect();
        let df = DataFrame::new_infer_height(vec![Column::new("Identifier".into(), &ids)])
            .expect("a frame");
        let bytes = written(df, Some(3));
        let t = table("g.parquet", &bytes).expect("a table");
        assert_eq!(t.rows_hint(), 7);
        let mut seen = Vec::new();
        t.for_each(|place, row| -> Result<(), Problem> {
            seen.push(format!("{place}:{}", row?.get(0)));
            Ok(())
        })
        .expect("read");
        // Places are 2..=8: the header is row 1.
        assert_eq!(
            seen,
            ["2:g0", "3:g1", "4:g2", "5:g3", "6:g4", "7:g5", "8:g6"]
        );
    }

    /// Every record of `t` as `place:cells` (or `place:problem`), read in one pass or in
    /// the parts `parts(8, 1)` gives, one after the other.
    fn records(t: &Table, in_parts: bool) -> Vec<String> {
        let mut seen = Vec::new();
        let mut each = |place: Place, row: Result<&dyn Row, Problem>| -> Result<(), Problem> {
            seen.push(match row {
                Ok(row) => format!("{place}:{}|{}", row.get(0), row.get(1)),
                Err(p) => format!("{place}:{p}"),
            });
            Ok(())
        };
        if in_parts {
            let parts = t.parts(8, 1).expect("a Parquet table splits");
            assert!(parts.len() > 1, "{parts:?}");
            for part in &parts {
                t.for_each_in(part, &mut each).expect("read");
            }
        } else {
            t.for_each(&mut each).expect("read");
        }
        seen
    }

    /// A file of 7 rows in row groups of 3 (rows 0-2, 3-5, 6): `Identifier` g0..g6 and
    /// `Award Date` on 2021-04-01 (day 18,718, see above) but for row 4, a day outside the
    /// calendar.
    fn seven_rows_in_groups_of_three() -> Vec<u8> {
        let ids: Vec<String> = (0..7).map(|i| format!("g{i}")).collect();
        let days: Vec<i32> = (0..7)
            .map(|i| if i == 4 { i32::MAX } else { 18_718 })
            .collect();
        let df = DataFrame::new_infer_height(vec![
            Column::new("Identifier".into(), &ids),
            Series::new("Award Date".into(), &days)
                .cast(&DataType::Date)
                .expect("dates")
                .into_column(),
        ])
        .expect("a frame");
        written(df, Some(3))
    }

    #[test]
    fn row_groups_read_in_parts_give_what_one_pass_gives() {
        let bytes = seven_rows_in_groups_of_three();
        let t = table("g.parquet", &bytes).expect("a table");
        let one_pass = records(&t, false);
        // Row 4 (0-based) is at place 4 + 2 = 6, in the second row group.
        assert_eq!(
            one_pass[4],
            "6:g.parquet:6: date 2147483647 days from 1970-01-01 is outside the calendar"
        );
        assert_eq!(one_pass[6], "8:g6|2021-04-01");
        assert_eq!(one_pass.len(), 7);
        assert_eq!(records(&t, true), one_pass);
    }

    #[test]
    fn only_the_columns_the_loader_uses_are_decoded() {
        let bytes = seven_rows_in_groups_of_three();
        let mut t = table("g.parquet", &bytes).expect("a table");
        let id = t.columns(|h| h.required("Identifier")).expect("the column");
        assert_eq!(id.index, 0);
        // `Award Date` is not read: its cells are empty and its out-of-range day (row 4,
        // place 6) rejects nothing, as an unused column of a CSV rejects nothing.
        let read = records(&t, true);
        assert_eq!(read[4], "6:g4|");
        assert_eq!(read, records(&t, false));
        // A nested (or binary) column is still refused, used or not: its type is known
        // from the footer, before any row is read.
        let df = DataFrame::new_infer_height(vec![
            Column::new("Identifier".into(), &["a"]),
            Column::new("Extra".into(), &[b"ab".as_slice()]),
        ])
        .expect("a frame");
        let bytes = written(df, None);
        let Err(e) = table("g.parquet", &bytes) else {
            panic!("refused")
        };
        assert!(
            e.to_string().contains("column \"Extra\" is of type binary"),
            "{e}"
        );
    }

    #[test]
    fn a_file_that_is_not_parquet_is_refused() {
        for bytes in [
            b"Identifier,Amount\n".as_slice(),
            b"PAR1 not really a parquet file PAR1".as_slice(),
        ] {
            let Err(e) = table("g.parquet", bytes) else {
                panic!("refused")
            };
            assert!(e.to_string().contains("not a readable Parquet file"), "{e}");
        }
    }

    #[test]
    fn parquet_names_are_recognised_in_any_case() {
        assert!(is_parquet("data/grants.parquet"));
        assert!(is_parquet("GRANTS.PARQUET"));
        assert!(!is_parquet("grants.csv"));
        assert!(!is_parquet("parquet"));
    }
}
