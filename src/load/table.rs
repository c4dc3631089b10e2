//! A table of text cells with a header row, read from CSV, XLSX or (for grants) flattened
//! 360Giving JSON, with the place of every record kept for messages.
//!
//! CSV is read with the `csv` crate, which reports the physical line each record starts on,
//! so a quoted field with an embedded newline does not shift later line numbers. Before
//! parsing, one pass over the text finds an unterminated quote (the `csv` crate would
//! otherwise read to the end of the file as one field) and reports the line it opened on.

use crate::error::{Place, Problem, Reason};
use std::collections::HashMap;

/// Longest field accepted, in bytes. No real grant field comes near it; a larger one is a
/// broken export, and refusing it keeps memory bounded.
pub(crate) const MAX_FIELD_BYTES: usize = 1 << 20;

/// One record's cells, by column index.
pub trait Row {
    /// The cell at `i`, or `""` past the end of a short row.
    fn get(&self, i: usize) -> &str;
}

impl Row for csv::StringRecord {
    fn get(&self, i: usize) -> &str {
        csv::StringRecord::get(self, i).unwrap_or("")
    }
}

impl Row for Vec<String> {
    fn get(&self, i: usize) -> &str {
        self.as_slice().get(i).map_or("", String::as_str)
    }
}

/// A row of a streamed table holding only its non-empty cells, sorted by column: an XLSX
/// row names the cells it has, so a row of one cell under a header of 1,000 columns costs
/// one cell, not 1,000.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SparseRow(Vec<(u32, String)>);

impl SparseRow {
    /// A row of `(column, text)` cells in any order; of two cells in one column the later
    /// is kept (as a spreadsheet application would show it).
    pub(crate) fn new(mut cells: Vec<(u32, String)>) -> Self {
        one_cell_per_column(&mut cells);
        SparseRow(cells)
    }
}

/// Sorts `(column, text)` cells by column, keeping the later of two in one column (the sort
/// is stable, so document order decides). Afterwards there is at most one cell per column.
pub(crate) fn one_cell_per_column(cells: &mut Vec<(u32, String)>) {
    cells.sort_by_key(|(c, _)| *c);
    let mut kept: Vec<(u32, String)> = Vec::with_capacity(cells.len());
    for cell in cells.drain(..) {
        match kept.last_mut() {
            Some(last) if last.0 == cell.0 => *last = cell,
            _ => kept.push(cell),
        }
    }
    *cells = kept;
}

impl Row for SparseRow {
    fn get(&self, i: usize) -> &str {
        let Ok(i) = u32::try_from(i) else { return "" };
        self.0
            .binary_search_by_key(&i, |(c, _)| *c)
            .map_or("", |k| self.0[k].1.as_str())
    }
}

/// Rows produced one at a time from a source too large to hold as rows (an XLSX sheet,
/// read cell by cell), so memory follows one row, not the sheet. Every cell is within the
/// header's width.
pub(crate) trait RowSource {
    /// Calls `row` for every record in order, with its place and its cells (or the problem
    /// that makes it unreadable), until `row` returns `false`. An `Err` is a problem with the
    /// whole file, met part-way.
    fn rows(
        &self,
        row: &mut dyn FnMut(Place, Result<SparseRow, Problem>) -> bool,
    ) -> Result<(), Problem>;
}

/// A row whose cells are written one after another into one reused buffer (a Parquet row,
/// formatted from its columns on demand): no allocation per cell or per row once the
/// buffer has grown to the widest row.
#[derive(Debug, Default)]
pub(crate) struct FlatRow {
    text: String,
    ends: Vec<usize>,
}

impl FlatRow {
    /// Empties the row, keeping its buffers.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// The buffer the next cell's text is written to (end it with [`FlatRow::end_cell`]).
    pub(crate) fn text(&mut self) -> &mut String {
        &mut self.text
    }

    /// Ends the cell written since the last one ended.
    pub(crate) fn end_cell(&mut self) {
        self.ends.push(self.text.len());
    }

    /// The cells' lengths in bytes, by column.
    fn lengths(&self) -> impl Iterator<Item = usize> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let n = end - start;
            start = end;
            n
        })
    }
}

impl Row for FlatRow {
    fn get(&self, i: usize) -> &str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0),
            None => 0,
        };
        self.text.get(start..end).unwrap_or("")
    }
}

/// Records read in runs (a Parquet file's row groups): a run's columns are decoded when its
/// first record is wanted and let go after its last, so a reader holds one run at a time,
/// and different runs can be read on different threads at once ([`Table::parts`]). Each
/// record is formatted into a [`FlatRow`] when it is read.
pub(crate) trait RowRuns {
    /// Each run's number of records and its size in bytes (what splitting into parts
    /// weighs), in file order.
    fn runs(&self) -> &[(usize, usize)];
    /// The place of record `i` (0-based, counted over the whole file) in messages.
    fn place(&self, i: usize) -> Place;
    /// From now on, decodes only the columns `used` (header indices, increasing); the others
    /// read as empty cells.
    fn project(&mut self, used: &[usize]);
    /// Decodes run `r`, whose first record is record `first` of the file; `Err` is a problem
    /// with the whole file (reading stops).
    fn read(&self, r: usize, first: usize) -> Result<Box<dyn RunRows + '_>, Problem>;
}

/// The records of one decoded run of a [`RowRuns`].
pub(crate) trait RunRows {
    /// Writes record `i` (0-based within the run) into `row` (cleared), one cell per header
    /// column, or gives the problem that makes the record unreadable.
    fn fill(&self, i: usize, row: &mut FlatRow) -> Result<(), Problem>;
}

/// Where a table's rows come from.
enum Body<'a> {
    Csv(&'a str),
    Rows(Vec<(Place, Result<Vec<String>, Problem>)>),
    Stream(Box<dyn RowSource + Send + Sync + 'a>),
    Runs(Box<dyn RowRuns + Send + Sync + 'a>),
}

/// A header row and a body of records.
pub struct Table<'a> {
    /// The file as named in messages.
    pub(crate) file: &'a str,
    /// Header cells, trimmed, as written; columns are looked up by these.
    pub(crate) headers: Vec<String>,
    /// How each column is named in messages (the header itself, or a JSON path).
    pub(crate) labels: Vec<String>,
    /// The place of the header (line 1 for CSV; the sheet row for XLSX).
    pub(crate) header_place: Place,
    body: Body<'a>,
}

impl<'a> Table<'a> {
    /// A CSV table over decoded text.
    pub fn csv(file: &'a str, text: &'a str) -> Result<Table<'a>, Problem> {
        if let Some(line) = unterminated_quote_line(text) {
            return Err(Problem::at(
                file,
                Place::Line(line),
                Reason::new(
                    "unterminated-quote",
                    "a quoted field opened on this line is never closed",
                ),
            ));
        }
        let mut reader = csv_reader(text);
        let mut header = csv::StringRecord::new();
        let has_header = reader
            .read_record(&mut header)
            .map_err(|e| csv_problem(file, &e))?;
        if !has_header || header.iter().all(|h| h.trim().is_empty()) {
            return Err(Problem::file(
                file,
                Reason::new("empty-file", "file has no header row"),
            ));
        }
        let line = LineCounter::new(text).line_at(header.position().map_or(0, |p| p.byte()));
        let headers: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
        Ok(Table::with_body(
            file,
            headers,
            None,
            Place::Line(line),
            Body::Csv(text),
        ))
    }

    /// A table over `body`; `labels` name the columns in messages (`None`: the headers).
    fn with_body(
        file: &'a str,
        headers: Vec<String>,
        labels: Option<Vec<String>>,
        header_place: Place,
        body: Body<'a>,
    ) -> Table<'a> {
        Table {
            file,
            labels: labels.unwrap_or_else(|| headers.clone()),
            headers,
            header_place,
            body,
        }
    }

    /// A table from rows already in memory (XLSX sheets, flattened JSON). `labels` name the
    /// columns in messages; `None` uses the headers. A row may already be known to be
    /// unreadable (a JSON grant that is not an object).
    pub(crate) fn from_rows(
        file: &'a str,
        headers: Vec<String>,
        labels: Option<Vec<String>>,
        header_place: Place,
        rows: Vec<(Place, Result<Vec<String>, Problem>)>,
    ) -> Table<'a> {
        Table::with_body(file, headers, labels, header_place, Body::Rows(rows))
    }

    /// A table whose rows are produced on demand by `source` (read again on every pass).
    pub(crate) fn streamed(
        file: &'a str,
        headers: Vec<String>,
        header_place: Place,
        source: Box<dyn RowSource + Send + Sync + 'a>,
    ) -> Table<'a> {
        Table::with_body(file, headers, None, header_place, Body::Stream(source))
    }

    /// A table whose records are decoded run by run from `runs` and formatted when read.
    pub(crate) fn runs(
        file: &'a str,
        headers: Vec<String>,
        header_place: Place,
        runs: Box<dyn RowRuns + Send + Sync + 'a>,
    ) -> Table<'a> {
        Table::with_body(file, headers, None, header_place, Body::Runs(runs))
    }

    /// Resolves the columns a loader reads with `resolve`, then reads only the columns it
    /// looked up: a Parquet file's other columns are never decoded. (CSV text is read
    /// whole whatever is used.)
    pub(crate) fn columns<C>(
        &mut self,
        resolve: impl FnOnce(&Headers) -> Result<C, Problem>,
    ) -> Result<C, Problem> {
        let headers = Headers::new(self);
        let cols = resolve(&headers)?;
        let used = headers.into_used();
        if let Body::Runs(runs) = &mut self.body {
            runs.project(&used);
        }
        Ok(cols)
    }

    /// About how many records there are (an upper bound for CSV: its line breaks), to size
    /// the vector that collects them.
    pub(crate) fn rows_hint(&self) -> usize {
        match &self.body {
            Body::Csv(text) => text.as_bytes().iter().filter(|&&b| b == b'\n').count(),
            Body::Rows(rows) => rows.len(),
            Body::Runs(runs) => runs.runs().iter().map(|r| r.0).sum(),
            // Unknown until read; the vector grows as rows come.
            Body::Stream(_) => 0,
        }
    }

    /// Calls `f` for every record in order with its place and either its cells or the
    /// problem that makes the whole record unreadable (wrong number of fields, a field over
    /// `MAX_FIELD_BYTES`). Stops at the first `Err` that `f` returns.
    pub fn for_each<E>(
        &self,
        mut f: impl FnMut(Place, Result<&dyn Row, Problem>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<Problem>,
    {
        let width = self.headers.len();
        match &self.body {
            Body::Csv(text) => self.csv_records(text, 1, true, &mut f)?,
            Body::Rows(rows) => {
                for (place, cells) in rows {
                    let cells = match cells {
                        Ok(c) => c,
                        Err(p) => {
                            f(place.clone(), Err(p.clone()))?;
                            continue;
                        }
                    };
                    match check_shape(self, place, cells.len(), width, cells) {
                        Some(p) => f(place.clone(), Err(p))?,
                        None => f(place.clone(), Ok(cells as &dyn Row))?,
                    }
                }
            }
            Body::Stream(source) => {
                let mut stopped: Option<E> = None;
                source.rows(&mut |place, cells| {
                    // Only the cells present need checking: the row is as wide as the
                    // header by construction, and an absent cell is empty.
                    let too_large = cells.as_ref().ok().and_then(|row| {
                        row.0
                            .iter()
                            .find(|(_, text)| text.len() > MAX_FIELD_BYTES)
                            .map(|(c, text)| field_too_large(self, &place, *c as usize, text.len()))
                    });
                    let done = match (cells, too_large) {
                        (Err(p), _) | (_, Some(p)) => f(place, Err(p)),
                        (Ok(row), None) => f(place, Ok(&row as &dyn Row)),
                    };
                    match done {
                        Ok(()) => true,
                        Err(e) => {
                            stopped = Some(e);
                            false
                        }
                    }
                })?;
                if let Some(e) = stopped {
                    return Err(e);
                }
            }
            Body::Runs(runs) => {
                self.run_records(runs.as_ref(), 0..runs.runs().len(), 0, &mut f)?;
            }
        }
        Ok(())
    }

    /// Reads the records of the runs `range` of `runs`, the first being record `first` of
    /// the file: one run decoded at a time, let go before the next is read.
    fn run_records<E>(
        &self,
        runs: &dyn RowRuns,
        range: std::ops::Range<usize>,
        first: usize,
        f: &mut impl FnMut(Place, Result<&dyn Row, Problem>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<Problem>,
    {
        let mut row = FlatRow::default();
        let mut first = first;
        for r in range {
            let len = runs.runs().get(r).map_or(0, |run| run.0);
            let run = runs.read(r, first)?;
            for k in 0..len {
                let place = runs.place(first + k);
                row.clear();
                let filled = run.fill(k, &mut row).and_then(|()| {
                    match row
                        .lengths()
                        .enumerate()
                        .find(|&(_, n)| n > MAX_FIELD_BYTES)
                    {
                        Some((c, n)) => Err(field_too_large(self, &place, c, n)),
                        None => Ok(()),
                    }
                });
                match filled {
                    Ok(()) => f(place, Ok(&row as &dyn Row))?,
                    Err(p) => f(place, Err(p))?,
                }
            }
            first += len;
        }
        Ok(())
    }
}

impl<'a> Table<'a> {
    /// Splits a table into about `parts` parts of whole records, each at least `min_bytes`
    /// long (the last may be shorter), for reading on several threads with
    /// [`Table::for_each_in`]. `None` for a table that cannot be split (rows already in
    /// memory, a streamed sheet).
    ///
    /// CSV text is cut just after a line break that is outside every quoted field, so each
    /// part starts a record, and a part knows the line it starts on. Runs (a Parquet file's
    /// row groups) are never cut: a part is one or more whole runs, weighed by their size.
    pub fn parts(&self, parts: usize, min_bytes: usize) -> Option<Vec<Part>> {
        match &self.body {
            Body::Csv(text) => Some(text_parts(text, parts, min_bytes)),
            Body::Runs(runs) => Some(run_parts(runs.runs(), parts, min_bytes)),
            Body::Rows(_) | Body::Stream(_) => None,
        }
    }

    /// [`Table::for_each`] over one part of a table's records (from [`Table::parts`]), with
    /// the same places, cells and problems. The first part of CSV text holds the header,
    /// which is skipped. Does nothing for a part of another kind of table.
    pub fn for_each_in<E>(
        &self,
        part: &Part,
        mut f: impl FnMut(Place, Result<&dyn Row, Problem>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<Problem>,
    {
        match (&self.body, &part.0) {
            (
                Body::Csv(text),
                Span::Text {
                    start,
                    end,
                    first_line,
                    ..
                },
            ) => {
                let slice = text.get(*start..*end).unwrap_or("");
                self.csv_records(slice, *first_line, *start == 0, f)
            }
            (
                Body::Runs(runs),
                Span::Runs {
                    runs: range, first, ..
                },
            ) => self.run_records(runs.as_ref(), range.clone(), *first, &mut f),
            _ => Ok(()),
        }
    }

    /// Reads the CSV records of `text`, which starts a record on line `first_line`
    /// (skipping the header when `header` is set).
    fn csv_records<E>(
        &self,
        text: &str,
        first_line: u64,
        header: bool,
        mut f: impl FnMut(Place, Result<&dyn Row, Problem>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<Problem>,
    {
        let width = self.headers.len();
        let mut reader = csv_reader(text);
        let mut rec = csv::StringRecord::new();
        let mut lines = LineCounter::new(text);
        lines.line = first_line;
        if header {
            reader
                .read_record(&mut rec)
                .map_err(|e| csv_problem(self.file, &e))?;
        }
        loop {
            match reader.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    let byte = rec.position().map_or(0, |p| p.byte());
                    let place = Place::Line(lines.line_at(byte));
                    let shape = check_shape(self, &place, rec.len(), width, &rec);
                    match shape {
                        Some(p) => f(place, Err(p))?,
                        None => f(place, Ok(&rec as &dyn Row))?,
                    }
                }
                Err(e) => return Err(csv_problem(self.file, &e).into()),
            }
        }
        Ok(())
    }
}

/// A run of whole records of a table (see [`Table::parts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part(Span);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Span {
    /// Bytes of CSV text and the line they start on.
    Text {
        start: usize,
        end: usize,
        first_line: u64,
        line_breaks: u64,
    },
    /// Whole runs of a [`RowRuns`], the first being record `first` of the file.
    Runs {
        runs: std::ops::Range<usize>,
        first: usize,
        records: usize,
    },
}

impl Part {
    /// At most how many records the part holds (for CSV text its line breaks, plus one for
    /// a last line without one), to size the vector that collects them.
    pub(crate) fn rows_hint(&self) -> usize {
        match &self.0 {
            Span::Text { line_breaks, .. } => {
                usize::try_from(*line_breaks).map_or(0, |n| n.saturating_add(1))
            }
            Span::Runs { records, .. } => *records,
        }
    }
}

/// CSV text in about `parts` parts of at least `min_bytes` (see [`Table::parts`]).
fn text_parts(text: &str, parts: usize, min_bytes: usize) -> Vec<Part> {
    let b = text.as_bytes();
    let step = (b.len() / parts.max(1)).max(min_bytes.max(1));
    let targets: Vec<usize> = (1..)
        .map(|k| k * step)
        .take_while(|&t| t < b.len())
        .collect();
    let mut starts = vec![0];
    starts.extend(record_starts(b, &targets));
    starts.push(b.len());
    starts.dedup();
    use rayon::prelude::*;
    let newlines: Vec<u64> = starts
        .par_windows(2)
        .map(|w| memchr::memchr_iter(b'\n', &b[w[0]..w[1]]).count() as u64)
        .collect();
    let mut first_line = 1;
    starts
        .windows(2)
        .zip(newlines)
        .map(|(w, lines)| {
            let part = Part(Span::Text {
                start: w[0],
                end: w[1],
                first_line,
                line_breaks: lines,
            });
            first_line += lines;
            part
        })
        .collect()
}

/// Runs of `(records, bytes)` in about `parts` parts of whole runs, each of at least
/// `min_bytes` (the last may be smaller): a part ends with the run that takes it to its
/// share of the bytes. Every run is in exactly one part, in order; no part is empty.
fn run_parts(runs: &[(usize, usize)], parts: usize, min_bytes: usize) -> Vec<Part> {
    let total: usize = runs.iter().map(|r| r.1).fold(0, usize::saturating_add);
    let step = (total / parts.max(1)).max(min_bytes.max(1));
    let mut out = Vec::new();
    let (mut start, mut first, mut records, mut bytes) = (0, 0, 0, 0usize);
    for (r, &(n, size)) in runs.iter().enumerate() {
        records += n;
        bytes = bytes.saturating_add(size);
        if bytes >= step || r + 1 == runs.len() {
            out.push(Part(Span::Runs {
                runs: start..r + 1,
                first,
                records,
            }));
            (start, first, records, bytes) = (r + 1, first + records, 0, 0);
        }
    }
    out
}

/// For each offset in `targets` (increasing), the start of the first record that begins
/// after it: just past the first line break at or after the target that is outside every
/// quoted field. Quoted fields follow the rules of [`unterminated_quote_line`] (a quote
/// opens a field only at its start; `""` inside is a literal quote). Targets inside the
/// last record give nothing.
fn record_starts(b: &[u8], targets: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(targets.len());
    let mut t = 0;
    // Outside every quoted field from `i` on.
    let mut i = 0;
    while t < targets.len() && i < b.len() {
        // The next quote that opens a field, or the end: [i, q) is outside quotes.
        let mut q = i;
        let q = loop {
            match memchr::memchr(b'"', &b[q..]) {
                None => break b.len(),
                Some(k) if q + k == 0 || matches!(b[q + k - 1], b',' | b'\n' | b'\r') => {
                    break q + k
                }
                Some(k) => q += k + 1,
            }
        };
        while t < targets.len() {
            let from = targets[t].max(i);
            if from >= q {
                break;
            }
            match memchr::memchr(b'\n', &b[from..q]) {
                Some(k) => {
                    let start = from + k + 1;
                    out.push(start);
                    while t < targets.len() && targets[t] < start {
                        t += 1;
                    }
                }
                None => break,
            }
        }
        if q >= b.len() {
            break;
        }
        // Past the quoted field that opens at q.
        let mut j = q + 1;
        i = loop {
            match memchr::memchr(b'"', &b[j..]) {
                // Never closed (Table::csv refuses such a file first).
                None => return out,
                Some(k) if b.get(j + k + 1) == Some(&b'"') => j += k + 2,
                Some(k) => break j + k + 1,
            }
        };
    }
    out
}

/// The problem with a record's shape, if any.
fn check_shape(
    t: &Table,
    place: &Place,
    len: usize,
    width: usize,
    row: &dyn Row,
) -> Option<Problem> {
    // Trailing empty cells beyond the header are harmless (spreadsheets add them); other
    // extra or missing cells mean the columns no longer line up.
    let extra_nonempty = (width..len).any(|i| !row.get(i).trim().is_empty());
    if len < width || extra_nonempty {
        return Some(Problem::at(
            t.file,
            place.clone(),
            Reason::new(
                "ragged-row",
                format!("row has {len} fields but the header has {width}"),
            ),
        ));
    }
    (0..len.min(width))
        .find(|&i| row.get(i).len() > MAX_FIELD_BYTES)
        .map(|i| field_too_large(t, place, i, row.get(i).len()))
}

/// The problem "field `i` is `bytes` long, over [`MAX_FIELD_BYTES`]".
fn field_too_large(t: &Table, place: &Place, i: usize, bytes: usize) -> Problem {
    let problem = Problem::at(
        t.file,
        place.clone(),
        Reason::new(
            "field-too-large",
            format!("field is {bytes} bytes; the limit is {MAX_FIELD_BYTES} bytes"),
        ),
    );
    match t.labels.as_slice().get(i) {
        Some(label) => problem.column(label),
        None => problem,
    }
}

/// Physical line numbers from byte offsets. The `csv` crate's own line count goes wrong
/// when a quoted field holds a CRLF line break, so lines are counted here from the record's
/// byte offset: offsets only grow, so the whole file is scanned once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at_byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            at_byte: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record whose `csv` position is `offset` (offsets must not
    /// decrease). The `csv` crate's offset can point at the line end before the record, so
    /// line ends (and blank lines) at the offset are skipped first.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut end = usize::try_from(offset).map_or(self.bytes.len(), |o| o.min(self.bytes.len()));
        while end < self.bytes.len() && matches!(self.bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        if end > self.at_byte {
            self.line += self.bytes[self.at_byte..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.at_byte = end;
        }
        self.line
    }
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    let reason = Reason::new("csv-unreadable", format!("cannot read as CSV: {e}"));
    match e.position() {
        Some(p) => Problem::at(file, Place::Line(p.line()), reason),
        None => Problem::file(file, reason),
    }
}

/// The line on which a quoted field opens and never closes, following the `csv` crate's
/// rules (a quote opens a quoted field only at the start of a field; `""` inside is an
/// escaped quote).
pub(crate) fn unterminated_quote_line(text: &str) -> Option<u64> {
    // The state machine of `unterminated_quote_line_by_byte`, jumping from quote to quote
    // (memchr) instead of stepping through every byte: a quote opens a field only at the
    // start of a field (the file's start or just after a comma or line break), and inside
    // one a doubled quote is a literal quote.
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'"', &b[i..]) {
        let q = i + k;
        if q > 0 && !matches!(b[q - 1], b',' | b'\n' | b'\r') {
            // A quote inside an unquoted field is just a character.
            i = q + 1;
            continue;
        }
        let mut j = q + 1;
        loop {
            match memchr::memchr(b'"', &b[j..]) {
                None => return Some(1 + memchr::memchr_iter(b'\n', &b[..q]).count() as u64),
                Some(k) if b.get(j + k + 1) == Some(&b'"') => j += k + 2,
                Some(k) => {
                    i = j + k + 1;
                    break;
                }
            }
        }
    }
    None
}

/// The reference: the same scan one byte at a time (the fast scan is tested against it).
#[cfg(test)]
fn unterminated_quote_line_by_byte(text: &str) -> Option<u64> {
    #[derive(Clone, Copy)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = S::FieldStart;
    let mut line: u64 = 1;
    let mut opened_on = 0;
    for &b in text.as_bytes() {
        if b == b'\n' {
            line += 1;
        }
        state = match (state, b) {
            (S::FieldStart, b'"') => {
                opened_on = line;
                S::Quoted
            }
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (_, b',' | b'\n' | b'\r') => S::FieldStart,
            _ => S::Unquoted,
        };
    }
    matches!(state, S::Quoted).then_some(opened_on)
}

/// Column lookup by header name: trimmed, case-insensitive.
pub(crate) struct Headers<'t> {
    table_file: &'t str,
    labels: &'t [String],
    header_place: Place,
    index: HashMap<String, Vec<usize>>,
    /// The columns found so far, by index: what the loader reads.
    used: std::cell::RefCell<Vec<usize>>,
}

impl<'t> Headers<'t> {
    /// Indexes a table's header row.
    pub(crate) fn new(t: &'t Table) -> Self {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, h) in t.headers.iter().enumerate() {
            index.entry(header_key(h)).or_default().push(i);
        }
        Headers {
            table_file: t.file,
            labels: &t.labels,
            header_place: t.header_place.clone(),
            index,
            used: std::cell::RefCell::default(),
        }
    }

    /// The columns looked up and found, by index, increasing.
    pub(crate) fn into_used(self) -> Vec<usize> {
        let mut used = self.used.into_inner();
        used.sort_unstable();
        used.dedup();
        used
    }

    /// The column named `name`, if present; a duplicated header we read is an error, because
    /// which of the two holds the data cannot be known.
    pub(crate) fn optional(&self, name: &str) -> Result<Option<Col>, Problem> {
        match self.index.get(&header_key(name)).map(Vec::as_slice) {
            None => Ok(None),
            Some([i]) => {
                self.used.borrow_mut().push(*i);
                Ok(Some(Col {
                    index: *i,
                    name: self.labels[*i].clone(),
                }))
            }
            Some(many) => Err(Problem::at(
                self.table_file,
                self.header_place.clone(),
                Reason::new(
                    "duplicate-column",
                    format!(
                        "column \"{name}\" appears {} times (columns {}); keep one",
                        many.len(),
                        many.iter()
                            .map(|i| (i + 1).to_string())
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                ),
            )
            .column(name)),
        }
    }

    /// The first of several names a column goes by (publishers vary: `Recipient Org:Org Type`
    /// and `Recipient Org:Organisation Type`).
    pub(crate) fn optional_any(&self, names: &[&str]) -> Result<Option<Col>, Problem> {
        for n in names {
            if let Some(c) = self.optional(n)? {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// The column named `name`; its absence is an error naming the column.
    pub(crate) fn required(&self, name: &str) -> Result<Col, Problem> {
        self.optional(name)?.ok_or_else(|| self.missing(name))
    }

    /// The problem "required column missing".
    pub(crate) fn missing(&self, name: &str) -> Problem {
        Problem::at(
            self.table_file,
            self.header_place.clone(),
            Reason::new(
                "missing-column",
                format!("required column \"{name}\" is missing from the header"),
            ),
        )
        .column(name)
    }
}

/// How headers are compared: case-insensitive, whitespace trimmed and collapsed, and spaces
/// around `:` ignored, so `Grant Programme: Title` (as one publisher's spreadsheet has it)
/// matches `Grant Programme:Title`.
fn header_key(h: &str) -> String {
    h.split(':')
        .map(|part| part.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(":")
        .to_lowercase()
}

/// A resolved column: its index and its header as written (for messages).
#[derive(Debug, Clone)]
pub(crate) struct Col {
    /// 0-based index.
    pub(crate) index: usize,
    /// Header as written in the file.
    pub(crate) name: String,
}

impl Col {
    /// The trimmed cell of this column.
    pub(crate) fn get<'r>(&self, row: &'r dyn Row) -> &'r str {
        row.get(self.index).trim()
    }
}

/// One record being parsed: where it is and its cells.
pub(crate) struct RowCtx<'a> {
    /// The file, as named in messages.
    pub(crate) file: &'a str,
    /// The record's place.
    pub(crate) place: &'a Place,
    /// The cells.
    pub(crate) row: &'a dyn Row,
}

impl RowCtx<'_> {
    /// A problem with this record's value in `col`.
    pub(crate) fn problem(&self, col: &Col, reason: Reason) -> Problem {
        Problem::at(self.file, self.place.clone(), reason)
            .column(&col.name)
            .value(col.get(self.row))
    }

    /// The trimmed cell of a required column.
    pub(crate) fn get(&self, col: &Col) -> &str {
        col.get(self.row)
    }

    /// The trimmed cell of an optional column; `""` when the column is absent.
    pub(crate) fn opt(&self, col: &Option<Col>) -> &str {
        cell(col, self.row)
    }

    /// The cell of an optional column as owned text, `None` when absent or empty.
    pub(crate) fn text(&self, col: &Option<Col>) -> Option<String> {
        Some(self.opt(col))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }
}

/// Remembers identifiers already used in a file, to reject duplicates.
#[derive(Default)]
pub(crate) struct Unique(crate::model::FastMap<String, Place>);

impl Unique {
    /// `Err` when `id` was seen before in this file, naming where.
    pub(crate) fn check(&mut self, ctx: &RowCtx, col: &Col, what: &str) -> Result<(), Problem> {
        let id = ctx.get(col);
        if let Some(first) = self.0.get(id) {
            return Err(ctx.problem(
                col,
                Reason::new(
                    "duplicate-identifier",
                    match first {
                        Place::Line(l) => format!("duplicate {what} (first on line {l})"),
                        Place::Path(p) => format!("duplicate {what} (first at {p})"),
                    },
                ),
            ));
        }
        self.0.insert(id.to_owned(), ctx.place.clone());
        Ok(())
    }
}

/// The trimmed cell of an optional column; `""` when the column is absent.
pub(crate) fn cell<'r>(col: &Option<Col>, row: &'r dyn Row) -> &'r str {
    col.as_ref().map_or("", |c| c.get(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<u64> {
        let t = Table::csv("t.csv", text).expect("table");
        let mut out = vec![];
        t.for_each(|place, _row| -> Result<(), Problem> {
            if let Place::Line(l) = place {
                out.push(l);
            }
            Ok(())
        })
        .expect("rows");
        out
    }

    #[test]
    fn sparse_rows_read_absent_cells_as_empty_and_keep_the_later_of_two() {
        let row = SparseRow::new(vec![
            (5, "five".into()),
            (0, "zero".into()),
            (5, "five again".into()),
        ]);
        assert_eq!(row.get(0), "zero");
        assert_eq!(row.get(1), "");
        assert_eq!(row.get(5), "five again");
        assert_eq!(row.get(usize::MAX), "");
    }

    #[test]
    fn embedded_newlines_do_not_shift_line_numbers() {
        // Record 1 starts on line 2 and spans lines 2-4; record 2 is on line 5.
        let text = "a,b\n1,\"x\ny\nz\"\n2,w\n";
        assert_eq!(lines(text), vec![2, 5]);
        // The same with CRLF line ends, inside the quoted field too.
        let text = "a,b\r\n1,\"x\r\ny\r\nz\"\r\n2,w\r\n";
        assert_eq!(lines(text), vec![2, 5]);
    }

    proptest::proptest! {
        #[test]
        fn quote_scan_agrees_with_the_byte_by_byte_scan(text in "[a\",\n\r]{0,40}") {
            proptest::prop_assert_eq!(
                unterminated_quote_line(&text),
                unterminated_quote_line_by_byte(&text)
            );
        }
    }

    /// Every record of `t` as its place and cells or problem, read in one pass or in the
    /// parts `parts(parts, 1)` gives.
    fn records(t: &Table, parts: Option<usize>) -> Vec<String> {
        let mut out = vec![];
        let mut each = |place: Place, row: Result<&dyn Row, Problem>| -> Result<(), Problem> {
            out.push(match row {
                Ok(row) => format!(
                    "{place:?} {:?}",
                    (0..4).map(|i| row.get(i).to_owned()).collect::<Vec<_>>()
                ),
                Err(p) => format!("{place:?} {p}"),
            });
            Ok(())
        };
        let read = match parts.and_then(|n| t.parts(n, 1)) {
            Some(parts) => parts.iter().try_for_each(|p| t.for_each_in(p, &mut each)),
            None => t.for_each(&mut each),
        };
        if let Err(p) = read {
            out.push(format!("error {p}"));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn parts_read_the_records_one_pass_reads(
            text in "[a\",\n\r]{0,80}",
            parts in 1usize..12,
        ) {
            let text = format!("h1,h2\n{text}");
            if let Ok(t) = Table::csv("t.csv", &text) {
                proptest::prop_assert_eq!(records(&t, Some(parts)), records(&t, None));
            };
        }
    }

    #[test]
    fn parts_start_after_a_line_break_outside_quotes_and_know_their_line() {
        // Records on lines 2, 3-4 (a quoted line break) and 5.
        let text = "h\nab\n\"c\nd\"\ne\n";
        let t = Table::csv("t.csv", text).expect("table");
        let parts = t.parts(text.len(), 1).expect("CSV parts");
        // Targets at every byte; the line break inside the quotes (byte 7) starts no part.
        let starts: Vec<(usize, u64)> = parts
            .iter()
            .filter_map(|p| match p.0 {
                Span::Text {
                    start, first_line, ..
                } => Some((start, first_line)),
                Span::Runs { .. } => None,
            })
            .collect();
        assert_eq!(starts, vec![(0, 1), (2, 2), (5, 3), (11, 5)]);
        assert_eq!(records(&t, Some(text.len())), records(&t, None));
    }

    #[test]
    fn runs_are_split_into_parts_of_whole_runs_by_size() {
        // Runs of 3, 3 and 1 records, of 10, 10 and 5 bytes (25 in all).
        let runs = [(3, 10), (3, 10), (1, 5)];
        let spans = |parts: Vec<Part>| -> Vec<(std::ops::Range<usize>, usize, usize)> {
            parts
                .into_iter()
                .filter_map(|p| match p.0 {
                    Span::Runs {
                        runs,
                        first,
                        records,
                    } => Some((runs, first, records)),
                    Span::Text { .. } => None,
                })
                .collect()
        };
        // 8 parts of at least 1 byte: a step of 25 / 8 = 3 bytes, so every run is a part,
        // starting at records 0, 3 and 3 + 3 = 6.
        assert_eq!(
            spans(run_parts(&runs, 8, 1)),
            [(0..1, 0, 3), (1..2, 3, 3), (2..3, 6, 1)]
        );
        // At least 15 bytes: 10 < 15, 10 + 10 = 20 >= 15 ends the first part (6 records);
        // the last run is the last part, smaller.
        assert_eq!(spans(run_parts(&runs, 8, 15)), [(0..2, 0, 6), (2..3, 6, 1)]);
        // At least the whole file: one part; no runs: no parts.
        assert_eq!(spans(run_parts(&runs, 2, 100)), [(0..3, 0, 7)]);
        assert!(run_parts(&[], 4, 1).is_empty());
    }

    #[test]
    fn unterminated_quote_is_found_where_it_opens() {
        assert_eq!(unterminated_quote_line("a,b\n1,\"x\n2,3\n"), Some(2));
        assert_eq!(unterminated_quote_line("a,b\n1,\"x\"\"y\"\n"), None);
        // A quote inside an unquoted field is literal, as the csv crate reads it.
        assert_eq!(unterminated_quote_line("a,b\n5\" screen,2\n"), None);
        let e = Table::csv("t.csv", "a,b\n1,\"oops\n")
            .err()
            .map(|p| p.to_string());
        assert_eq!(
            e.as_deref(),
            Some("t.csv:2: a quoted field opened on this line is never closed")
        );
    }

    #[test]
    fn ragged_rows_are_reported_but_trailing_empty_cells_are_not() {
        let t = Table::csv("t.csv", "a,b\n1,2,,\n1\n1,2,3\n").expect("table");
        let mut bad = vec![];
        t.for_each(|place, row| -> Result<(), Problem> {
            if row.is_err() {
                bad.push(place);
            }
            Ok(())
        })
        .expect("rows");
        assert_eq!(bad, vec![Place::Line(3), Place::Line(4)]);
    }

    #[test]
    fn headers_match_case_insensitively_and_duplicates_are_refused() {
        let t = Table::csv("t.csv", " Amount Awarded ,x,X\n").expect("table");
        let h = Headers::new(&t);
        assert_eq!(h.required("amount awarded").map(|c| c.index).ok(), Some(0));
        assert_eq!(
            header_key(" Grant Programme:  Title"),
            "grant programme:title"
        );
        // The message of the problem with looking `column` up ("" if there is none).
        let problem = |column: &str| {
            h.required(column)
                .err()
                .map(|p| p.to_string())
                .unwrap_or_default()
        };
        let e = problem("x");
        assert!(
            e.starts_with("t.csv:1:x: column \"x\" appears 2 times"),
            "{e}"
        );
        let e = problem("Award Date");
        assert!(
            e.contains("required column \"Award Date\" is missing"),
            "{e}"
        );
    }
}
