//! Loading a dataset folder into a typed, validated [`Dataset`].
//!
//! A dataset is a folder (or a single grants file, or the built-in example). Only grants are
//! required. Files are read in dependency order — organisations, grants, partnerships,
//! meetings (which refer to partnerships), attendance (to meetings), payments (to meetings) —
//! and every row is either used or rejected with a reason. In strict mode (the default) any
//! rejected row fails the load with [`Error::Invalid`]; with `skip_invalid` rejected rows are
//! counted per file and reason in `DataQuality`. Rows with an odd optional field are used
//! and counted as warnings.

mod attendance;
pub(crate) mod encoding;
pub(crate) mod example;
mod grants;
mod json;
mod meetings;
mod merge;
mod organisations;
mod parquet;
pub mod parse;
mod partnerships;
mod payments;
pub(crate) mod sector;
pub mod table;
mod xlsx;

use crate::error::{Error, Problem, Reason, MAX_LISTED_PROBLEMS};
use crate::model::{
    DataQuality, Dataset, FastMap, FastSet, FileQuality, OrgId, Organisation, PersonKey,
    ReasonCount, Sources,
};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(crate) use organisations::LEFT_OUT_REASONS;
pub(crate) use sector::infer_sector;

/// Where a dataset comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatasetSource {
    /// The example compiled into the binary.
    Example,
    /// A folder of input files, or a single grants file.
    Path(PathBuf),
}

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Leave invalid rows out (counted in data quality) instead of failing.
    pub skip_invalid: bool,
    /// Use this grants file instead of looking for grants.csv/json/xlsx in the folder.
    pub grants_file: Option<PathBuf>,
    /// How to read organisations.csv (`[organisations]` in fundflow.toml); `None` reads
    /// SPEC.md's column names and keeps every row.
    pub organisations: Option<crate::config::OrganisationsMapping>,
}

/// One input file's name (as shown in messages) and bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Name for messages: the path as given, or `example/NAME`.
    pub name: String,
    /// The raw bytes.
    pub bytes: Cow<'static, [u8]>,
}

/// Grants file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantsFormat {
    /// Flat 360Giving CSV.
    Csv,
    /// 360Giving JSON package.
    Json,
    /// Spreadsheet, first sheet, flat headers.
    Xlsx,
    /// Parquet, flat headers, values formatted as a CSV would hold them.
    Parquet,
}

impl GrantsFormat {
    fn from_path(p: &Path) -> Option<GrantsFormat> {
        match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(GrantsFormat::Csv),
            "json" => Some(GrantsFormat::Json),
            "xlsx" => Some(GrantsFormat::Xlsx),
            "parquet" => Some(GrantsFormat::Parquet),
            _ => None,
        }
    }
}

/// The files of a dataset, found but not yet parsed.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The grants file and its format.
    pub grants: Option<(InputFile, GrantsFormat)>,
    /// organisations.csv.
    pub organisations: Option<InputFile>,
    /// partnerships.csv.
    pub partnerships: Option<InputFile>,
    /// meetings.csv.
    pub meetings: Option<InputFile>,
    /// attendance.csv.
    pub attendance: Option<InputFile>,
    /// payments.csv.
    pub payments: Option<InputFile>,
}

impl Inputs {
    /// A dataset of one grants CSV held in memory (360Giving flat headers), as a program
    /// or a test builds one: `load_inputs(&Inputs::grants_csv(text), &opts)`.
    pub fn grants_csv(text: String) -> Inputs {
        Inputs {
            grants: Some((
                InputFile {
                    name: "grants.csv".into(),
                    bytes: std::borrow::Cow::Owned(text.into_bytes()),
                },
                GrantsFormat::Csv,
            )),
            ..Inputs::default()
        }
    }
}

/// Finds and reads the input files of a dataset.
pub(crate) fn discover(source: &DatasetSource, opts: &LoadOptions) -> Result<Inputs, Error> {
    let mut inputs = match source {
        DatasetSource::Example => example::inputs(),
        DatasetSource::Path(p) => discover_path(p)?,
    };
    if let Some(g) = &opts.grants_file {
        let format = GrantsFormat::from_path(g).ok_or_else(|| {
            Error::Usage(format!(
                "{}: --grants needs a .csv, .json, .xlsx or .parquet file",
                g.display()
            ))
        })?;
        inputs.grants = Some((read_file(g)?, format));
    }
    if inputs.grants.is_none() {
        let where_ = match source {
            DatasetSource::Example => "the example".to_owned(),
            DatasetSource::Path(p) => p.display().to_string(),
        };
        return Err(Problem::file(
            &where_,
            Reason::new(
                "no-grants",
                "no grants file: expected grants.csv, grants.json, grants.xlsx or grants.parquet (or name one with --grants FILE)",
            ),
        )
        .into());
    }
    Ok(inputs)
}

fn discover_path(path: &Path) -> Result<Inputs, Error> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        Problem::file(
            &shown,
            Reason::new("unreadable", format!("cannot open: {}", io_reason(&e))),
        )
    })?;
    let mut inputs = Inputs::default();
    if meta.is_file() {
        let format = GrantsFormat::from_path(path).ok_or_else(|| {
            Problem::file(
                &shown,
                Reason::new(
                    "unknown-format",
                    "a single file must be a grants file ending .csv, .json, .xlsx or .parquet",
                ),
            )
        })?;
        inputs.grants = Some((read_file(path)?, format));
        return Ok(inputs);
    }
    let entries = std::fs::read_dir(path).map_err(|e| {
        Problem::file(
            &shown,
            Reason::new(
                "unreadable",
                format!("cannot list folder: {}", io_reason(&e)),
            ),
        )
    })?;
    // Lower-case file name → path, sorted so messages are deterministic.
    let mut names: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in entries.flatten() {
        if let Some(n) = entry.file_name().to_str() {
            names.insert(n.to_lowercase(), entry.path());
        }
    }
    let grants: Vec<(&String, &PathBuf)> = names
        .iter()
        .filter(|(n, _)| {
            matches!(
                n.as_str(),
                "grants.csv" | "grants.json" | "grants.xlsx" | "grants.parquet"
            )
        })
        .collect();
    if grants.len() > 1 {
        let list: Vec<String> = grants
            .iter()
            .map(|(_, p)| p.display().to_string())
            .collect();
        return Err(Error::Usage(format!(
            "{shown}: more than one grants file ({}); choose one with --grants FILE",
            list.join(", ")
        )));
    }
    if let Some((_, p)) = grants.first() {
        let format = GrantsFormat::from_path(p).unwrap_or(GrantsFormat::Csv);
        inputs.grants = Some((read_file(p)?, format));
    }
    // `stem.csv` or `stem.parquet`; both is ambiguous.
    let optional = |stem: &str| -> Result<Option<InputFile>, Error> {
        let csv = names.get(&format!("{stem}.csv"));
        let parquet = names.get(&format!("{stem}.parquet"));
        match (csv, parquet) {
            (Some(c), Some(p)) => Err(Error::Usage(format!(
                "{shown}: both {} and {}; keep one",
                c.display(),
                p.display()
            ))),
            (Some(p), None) | (None, Some(p)) => read_file(p).map(Some),
            (None, None) => Ok(None),
        }
    };
    inputs.organisations = match optional("organisations")? {
        Some(f) => Some(f),
        None => optional("organizations")?,
    };
    inputs.partnerships = optional("partnerships")?;
    inputs.meetings = optional("meetings")?;
    inputs.attendance = optional("attendance")?;
    inputs.payments = optional("payments")?;
    Ok(inputs)
}

fn read_file(path: &Path) -> Result<InputFile, Error> {
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(Problem::file(
            &name,
            Reason::new(
                "is-a-directory",
                "is a folder, but a file was expected here",
            ),
        )
        .into());
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Problem::file(
            &name,
            Reason::new("unreadable", format!("cannot read: {}", io_reason(&e))),
        )
    })?;
    Ok(InputFile {
        name,
        bytes: Cow::Owned(bytes),
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Loads a dataset: discover, parse, validate, infer sectors.
pub fn load(source: &DatasetSource, opts: &LoadOptions) -> Result<Dataset, Error> {
    let inputs = discover(source, opts)?;
    load_inputs(&inputs, opts)
}

/// Parses and validates already-read inputs (used by tests and by fuzzing).
pub fn load_inputs(inputs: &Inputs, opts: &LoadOptions) -> Result<Dataset, Error> {
    let mut ledger = Ledger::new(opts.skip_invalid);
    let mut facts = OrgFacts::default();
    let mut sources = Sources::default();

    let mapping = opts.organisations.as_ref();
    // A register kept to the organisations other files mention is read last, when those
    // mentions are known.
    let only_mentioned = mapping.is_some_and(|m| m.only_mentioned);
    if let Some(f) = &inputs.organisations {
        sources.organisations = Some(f.name.clone());
        if !only_mentioned {
            let rows = organisations::load(f, &mut ledger, mapping, None)?;
            facts.add_organisations(rows);
        }
    }

    let (grants_file, format) = inputs
        .grants
        .as_ref()
        .ok_or_else(|| Error::Internal("grants file not discovered".into()))?;
    sources.grants = Some(grants_file.name.clone());
    sources.partnerships = inputs.partnerships.as_ref().map(|f| f.name.clone());
    sources.meetings = inputs.meetings.as_ref().map(|f| f.name.clone());
    sources.attendance = inputs.attendance.as_ref().map(|f| f.name.clone());
    sources.payments = inputs.payments.as_ref().map(|f| f.name.clone());

    // The grants and the partnership files share nothing until every row is read, so they
    // are read at once on two threads; the partnership files keep their own ledger, added
    // after the grants' so the accounting lists files in the same order as ever. When both
    // fail, the grants' error is the one reported (as when they were read one after the
    // other).
    let (grants, rest) = rayon::join(
        || {
            crate::timing::timed("load: grants", || {
                let mut grants = grants::load(grants_file, *format, &mut ledger, &mut facts)?;
                // Identifiers are unique, so this order is canonical: every figure
                // (floating-point sums included) is the same whatever order the
                // publisher's rows came in. Being unique, an unstable sort (in place) gives
                // the same order; in parallel, as the other thread is usually done by now.
                use rayon::slice::ParallelSliceMut;
                grants.par_sort_unstable_by(|a, b| a.id.cmp(&b.id));
                Ok::<_, Error>(grants)
            })
        },
        || {
            crate::timing::timed("load: partnership files", || {
                partnership_files(inputs, opts.skip_invalid)
            })
        },
    );
    let mut grants = grants?;
    let PartnershipFiles {
        ledger: rest_ledger,
        mut partnerships,
        mut meetings,
        mut attendance,
        mut payments,
        people,
    } = rest?;
    ledger.absorb(rest_ledger);

    // Every organisation mentioned anywhere gets an entry, so every sector is decided once.
    for p in &partnerships {
        facts.mention(&p.fundholder);
    }
    for a in &attendance {
        if let Some(o) = &a.org {
            facts.mention(o);
        }
    }
    for p in payments.iter().flatten() {
        facts.mention(&p.payer);
        if let crate::model::Payee::Org(o) = &p.payee {
            facts.mention(o);
        }
    }
    // Hosts and chairs name organisations too (noted below when nothing else does).
    let hosts_and_chairs: std::collections::HashSet<OrgId> = meetings
        .iter()
        .flat_map(|m| m.host.iter().chain(m.chair.iter()))
        .cloned()
        .collect();
    if let (Some(f), true) = (&inputs.organisations, only_mentioned) {
        let mentioned = |id: &OrgId| facts.known(id) || hosts_and_chairs.contains(id);
        let rows = organisations::load(f, &mut ledger, mapping, Some(&mentioned))?;
        facts.add_organisations(rows);
    }
    fn name(f: &Option<InputFile>) -> &str {
        f.as_ref().map_or("", |f| f.name.as_str())
    }
    let mut merges = merge::apply(
        &mut facts,
        &mut ledger,
        &|id| hosts_and_chairs.contains(id),
        merge::References {
            grants: (&grants_file.name, &mut grants),
            partnerships: (name(&inputs.partnerships), &mut partnerships),
            meetings: (name(&inputs.meetings), &mut meetings),
            attendance: (name(&inputs.attendance), &mut attendance),
            payments: (name(&inputs.payments), payments.as_mut()),
        },
    );
    ledger.finish()?;

    let mut notes = Vec::new();
    if mapping.is_some() && inputs.organisations.is_none() {
        notes.push(
            "the config has an [organisations] mapping but the dataset has no organisations.csv"
                .to_owned(),
        );
    }
    // Hosts and chairs last: one that no other file mentions is worth a note.
    for m in &meetings {
        for org in m.host.iter().chain(m.chair.iter()) {
            if !facts.known(org) {
                notes.push(format!(
                    "{org} hosts or chairs meetings but appears in no other file; its sector is inferred from its identifier alone"
                ));
                facts.mention(org);
            }
        }
    }

    let organisations = facts.into_organisations();
    for m in &mut merges {
        m.name = organisations
            .get(&m.into)
            .map_or_else(|| m.into.to_string(), |o| o.name.clone());
    }
    Ok(Dataset {
        sources,
        grants,
        organisations,
        partnerships,
        meetings,
        attendance,
        payments,
        people: people.len(),
        quality: DataQuality {
            files: ledger.files,
            notes,
            merges,
        },
    })
}

/// What the partnership files hold, with their own row accounting.
struct PartnershipFiles {
    ledger: Ledger,
    partnerships: Vec<crate::model::Partnership>,
    meetings: Vec<crate::model::Meeting>,
    attendance: Vec<crate::model::Attendance>,
    payments: Option<Vec<crate::model::Payment>>,
    people: Interner,
}

/// Reads partnerships, meetings, attendance and payments (each optional; meetings need
/// partnerships and attendance needs meetings).
fn partnership_files(inputs: &Inputs, skip_invalid: bool) -> Result<PartnershipFiles, Error> {
    let mut ledger = Ledger::new(skip_invalid);
    let mut people = Interner::default();
    let partnerships = match &inputs.partnerships {
        Some(f) => partnerships::load(f, &mut ledger)?,
        None => Vec::new(),
    };
    // A file whose rows name another file's rows is refused without that file.
    let requires = [
        (
            &inputs.meetings,
            &inputs.partnerships,
            "partnerships.csv",
            "meetings name their partnership",
        ),
        (
            &inputs.attendance,
            &inputs.meetings,
            "meetings.csv",
            "attendance rows name their meeting",
        ),
    ];
    for (file, required, name, why) in requires {
        if let (Some(f), None) = (file, required) {
            return Err(needs(f, name, why));
        }
    }
    let meetings = match &inputs.meetings {
        Some(f) => meetings::load(f, &mut ledger, &partnerships)?,
        None => Vec::new(),
    };
    let attendance = match &inputs.attendance {
        Some(f) => attendance::load(f, &mut ledger, &meetings, &mut people)?,
        None => Vec::new(),
    };
    let payments = match &inputs.payments {
        Some(f) => Some(payments::load(f, &mut ledger, &meetings, &mut people)?),
        None => None,
    };
    Ok(PartnershipFiles {
        ledger,
        partnerships,
        meetings,
        attendance,
        payments,
        people,
    })
}

/// Reads every row of a table, accounting for each in the ledger: `parse` turns a row into a
/// value or the problem that rejects it (and may record warnings on the file ledger).
pub(crate) fn read_rows<C, T>(
    table: &mut table::Table,
    ledger: &mut Ledger,
    resolve: impl FnOnce(&table::Headers) -> Result<C, Problem>,
    mut parse: impl FnMut(&C, &table::RowCtx, &mut FileLedger) -> Result<T, Problem>,
) -> Result<Vec<T>, Error> {
    let cols = table.columns(resolve)?;
    let mut rows = ledger.start(table.file);
    // Sized once: growing a national grants vector by doubling briefly holds two copies.
    let mut out = Vec::with_capacity(table.rows_hint());
    table.for_each(|place, row| -> Result<(), Error> {
        take_row(
            table.file, &cols, &place, row, &mut rows, &mut out, &mut parse,
        );
        Ok(())
    })?;
    Ok(out)
}

/// [`read_rows`] over one part of a table (see [`table::Table::parts`]), with the columns
/// already resolved ([`table::Table::columns`]), accounting in `ledger` (a ledger of the
/// part's own, merged afterwards with [`Ledger::absorb_part`]). `Err` when the part cannot
/// be read (the `csv` crate fails on it, a row group does not decode): the caller then
/// reads the whole file through [`read_rows`], which places that problem.
pub(crate) fn read_part<C, T>(
    table: &table::Table,
    part: &table::Part,
    ledger: &mut Ledger,
    cols: &C,
    mut parse: impl FnMut(&C, &table::RowCtx, &mut FileLedger) -> Result<T, Problem>,
) -> Result<Vec<T>, Problem> {
    let mut rows = ledger.start(table.file);
    let mut out = Vec::with_capacity(part.rows_hint());
    table.for_each_in(part, |place, row| -> Result<(), Problem> {
        take_row(
            table.file, cols, &place, row, &mut rows, &mut out, &mut parse,
        );
        Ok(())
    })?;
    Ok(out)
}

/// One record of [`read_rows`] or [`read_part`]: counted as read, then parsed into `out` (and
/// counted as used) or rejected with its problem.
fn take_row<C, T>(
    file: &str,
    cols: &C,
    place: &crate::error::Place,
    row: Result<&dyn table::Row, Problem>,
    rows: &mut FileLedger,
    out: &mut Vec<T>,
    parse: &mut impl FnMut(&C, &table::RowCtx, &mut FileLedger) -> Result<T, Problem>,
) {
    rows.read();
    let parsed = row.and_then(|row| {
        let ctx = table::RowCtx { file, place, row };
        parse(cols, &ctx, rows)
    });
    match parsed {
        Ok(v) => {
            rows.used();
            out.push(v);
        }
        Err(p) => rows.reject(p),
    }
}

/// How many bytes a part read on one thread holds at least (of CSV text, or of a Parquet
/// file's row groups, uncompressed): a file smaller than two parts is read on one thread.
/// `FUNDFLOW_PART_BYTES` overrides it, so the tests can read small files in many parts
/// and check them against the one-thread reading.
pub(crate) fn part_bytes() -> usize {
    static BYTES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *BYTES.get_or_init(|| {
        std::env::var("FUNDFLOW_PART_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1 << 20)
    })
}

/// Reads a CSV (or, by its name, Parquet) input through [`read_rows`].
pub(crate) fn read_csv<C, T>(
    file: &InputFile,
    ledger: &mut Ledger,
    resolve: impl FnOnce(&table::Headers) -> Result<C, Problem>,
    parse: impl FnMut(&C, &table::RowCtx, &mut FileLedger) -> Result<T, Problem>,
) -> Result<Vec<T>, Error> {
    let mut text = None;
    let mut table = open_table(file, &mut text)?;
    read_rows(&mut table, ledger, resolve, parse)
}

/// A table over a CSV input, or over a Parquet one (by its name); `text` keeps a CSV's
/// decoded text for the table to borrow.
fn open_table<'a>(
    file: &'a InputFile,
    text: &'a mut Option<Cow<'a, str>>,
) -> Result<table::Table<'a>, Error> {
    if parquet::is_parquet(&file.name) {
        return Ok(parquet::table(&file.name, &file.bytes)?);
    }
    let text = text.insert(decoded(file)?);
    Ok(table::Table::csv(&file.name, text)?)
}

fn needs(f: &InputFile, other: &str, why: &str) -> Error {
    Problem::file(
        &f.name,
        Reason::new(
            "missing-file",
            format!("needs {other} beside it ({why}), but there is none"),
        ),
    )
    .into()
}

fn decoded(f: &InputFile) -> Result<Cow<'_, str>, Error> {
    Ok(encoding::decode(&f.name, &f.bytes)?.0)
}

/// Accounts for every row of every file, and collects invalid rows for strict mode.
pub(crate) struct Ledger {
    skip_invalid: bool,
    files: Vec<FileQuality>,
    listed: Vec<Problem>,
    total_invalid: usize,
}

impl Ledger {
    fn new(skip_invalid: bool) -> Self {
        Ledger {
            skip_invalid,
            files: Vec::new(),
            listed: Vec::new(),
            total_invalid: 0,
        }
    }

    /// Starts accounting for a file.
    pub(crate) fn start(&mut self, file: &str) -> FileLedger<'_> {
        self.files.push(FileQuality {
            file: file.to_owned(),
            ..FileQuality::default()
        });
        let idx = self.files.len() - 1;
        FileLedger { ledger: self, idx }
    }

    /// Adds another ledger's files after this one's (problems listed in the same order as
    /// if the files had been read one after the other).
    fn absorb(&mut self, other: Ledger) {
        self.files.extend(other.files);
        let room = MAX_LISTED_PROBLEMS.saturating_sub(self.listed.len());
        self.listed.extend(other.listed.into_iter().take(room));
        self.total_invalid += other.total_invalid;
    }

    /// Adds the accounting of a part of the file started last (a run of its rows read on
    /// another thread into a ledger of its own, see [`read_part`]): the parts, absorbed in
    /// file order, give the counts, examples and listed problems of reading the rows in
    /// one pass, as each keeps the first of its own.
    fn absorb_part(&mut self, part: Ledger) {
        if let Some(into) = self.files.last_mut() {
            for f in part.files {
                into.rows_read += f.rows_read;
                into.rows_used += f.rows_used;
                add_counts(&mut into.rejected, f.rejected);
                add_counts(&mut into.warnings, f.warnings);
            }
        }
        let room = MAX_LISTED_PROBLEMS.saturating_sub(self.listed.len());
        self.listed.extend(part.listed.into_iter().take(room));
        self.total_invalid += part.total_invalid;
    }

    /// A row already counted as used in `file` turns out invalid (a `Same As` checked once
    /// every file is read): it is rejected instead.
    fn revoke(&mut self, file: &str, p: Problem) {
        if let Some(idx) = self.files.iter().rposition(|f| f.file == file) {
            let mut rows = FileLedger { ledger: self, idx };
            let q = rows.quality();
            q.rows_used = q.rows_used.saturating_sub(1);
            rows.reject(p);
        }
    }

    /// Strict mode: fail with every invalid row found.
    fn finish(&mut self) -> Result<(), Error> {
        if !self.skip_invalid && self.total_invalid > 0 {
            return Err(Error::Invalid {
                problems: std::mem::take(&mut self.listed),
                total: self.total_invalid,
            });
        }
        Ok(())
    }
}

/// The ledger of one file.
pub(crate) struct FileLedger<'l> {
    ledger: &'l mut Ledger,
    idx: usize,
}

impl FileLedger<'_> {
    fn quality(&mut self) -> &mut FileQuality {
        &mut self.ledger.files[self.idx]
    }

    /// A data row was read.
    pub(crate) fn read(&mut self) {
        self.quality().rows_read += 1;
    }

    /// The row was used.
    pub(crate) fn used(&mut self) {
        self.quality().rows_used += 1;
    }

    /// The row was rejected.
    pub(crate) fn reject(&mut self, p: Problem) {
        if !self.ledger.skip_invalid && self.ledger.listed.len() < MAX_LISTED_PROBLEMS {
            self.ledger.listed.push(p.clone());
        }
        self.ledger.total_invalid += 1;
        count(&mut self.quality().rejected, p);
    }

    /// The row was valid but deliberately left out (a register row no other file mentions):
    /// counted by reason beside the rejected rows, so every row is still accounted for, but
    /// never an error, whatever the mode. `example` is only called for the first few (a register leaves out most of its rows).
    pub(crate) fn leave_out(&mut self, code: &'static str, example: impl FnOnce() -> Problem) {
        let rejected = &mut self.quality().rejected;
        let entry = match rejected.get_mut(code) {
            Some(e) => e,
            None => rejected.entry(code.to_owned()).or_default(),
        };
        entry.count += 1;
        if entry.examples.len() < ReasonCount::MAX_EXAMPLES {
            entry.examples.push(example().to_string());
        }
    }

    /// The row was used despite an odd optional field.
    pub(crate) fn warn(&mut self, p: Problem) {
        count(&mut self.quality().warnings, p);
    }
}

/// Adds the counts of a later part of a file to an earlier part's, keeping the first
/// examples.
fn add_counts(into: &mut BTreeMap<String, ReasonCount>, from: BTreeMap<String, ReasonCount>) {
    for (code, r) in from {
        let entry = into.entry(code).or_default();
        entry.count += r.count;
        let room = ReasonCount::MAX_EXAMPLES.saturating_sub(entry.examples.len());
        entry.examples.extend(r.examples.into_iter().take(room));
    }
}

fn count(map: &mut BTreeMap<String, ReasonCount>, p: Problem) {
    let entry = map.entry(p.reason.code.to_owned()).or_default();
    entry.count += 1;
    if entry.examples.len() < ReasonCount::MAX_EXAMPLES {
        entry.examples.push(p.to_string());
    }
}

/// Shares one [`OrgId`] between every row that names the same organisation (keyed by the
/// cell's raw text), so a national file holds each identifier once instead of once per row.
/// Each distinct identifier also gets a slot (0, 1, ... in the order first seen), so what
/// rows say about an organisation can be kept in a vector rather than a map.
#[derive(Default)]
pub(crate) struct OrgIds {
    by_raw: FastMap<Box<str>, Option<u32>>,
    by_id: FastMap<OrgId, u32>,
    ids: Vec<OrgId>,
}

impl OrgIds {
    /// [`OrgId::parse`], remembered.
    pub(crate) fn parse(&mut self, raw: &str) -> Option<OrgId> {
        self.slot(raw).map(|s| self.ids[s].clone())
    }

    /// The slot of [`OrgId::parse`]`(raw)`; `None` when it is empty.
    pub(crate) fn slot(&mut self, raw: &str) -> Option<usize> {
        if let Some(slot) = self.by_raw.get(raw) {
            return slot.map(|s| s as usize);
        }
        let slot = OrgId::parse(raw).map(|id| match self.by_id.get(&id) {
            Some(&s) => s,
            None => {
                let s = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
                self.by_id.insert(id.clone(), s);
                self.ids.push(id);
                s
            }
        });
        self.by_raw.insert(raw.into(), slot);
        slot.map(|s| s as usize)
    }

    /// The identifier in `slot` (from [`OrgIds::slot`]).
    pub(crate) fn id(&self, slot: usize) -> &OrgId {
        &self.ids[slot]
    }

    /// The identifiers, by slot.
    pub(crate) fn into_ids(self) -> Vec<OrgId> {
        self.ids
    }
}

/// Maps personal identifiers to opaque keys. The identifiers stay inside the loader: the
/// interner is dropped when loading ends, and only the keys reach the [`Dataset`].
#[derive(Default)]
pub(crate) struct Interner {
    keys: FastMap<String, PersonKey>,
}

impl Interner {
    pub(crate) fn key(&mut self, id: &str) -> PersonKey {
        // Looked up before inserting: most ids repeat, and `entry` would copy the id.
        if let Some(&k) = self.keys.get(id) {
            return k;
        }
        let next = PersonKey(self.keys.len() as u32);
        self.keys.insert(id.to_owned(), next);
        next
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The identifiers in the order of their keys (the order first seen).
    pub(crate) fn into_ordered(self) -> Vec<String> {
        let mut ids: Vec<(PersonKey, String)> =
            self.keys.into_iter().map(|(id, k)| (k, id)).collect();
        ids.sort_unstable_by_key(|(k, _)| *k);
        ids.into_iter().map(|(_, id)| id).collect()
    }
}

/// Keeps `value` if it is not empty and at least as new as what `d` holds; the text is
/// copied only when it changes (most grants repeat their organisation's name).
fn update_dated(d: &mut Option<Dated>, value: &str, at: (chrono::NaiveDate, u64)) {
    if value.is_empty() {
        return;
    }
    match d {
        Some(old) if at < old.at => {}
        Some(old) if old.value == value => old.at = at,
        _ => {
            *d = Some(Dated {
                at,
                value: value.to_owned(),
            })
        }
    }
}

/// A value seen on a grant, with when it was seen so the latest one wins.
#[derive(Debug, Clone)]
struct Dated {
    at: (chrono::NaiveDate, u64),
    value: String,
}

/// organisations.csv row, after parsing.
#[derive(Debug, Clone)]
pub(crate) struct OrgRow {
    pub(crate) id: OrgId,
    pub(crate) name: Option<String>,
    pub(crate) sector: Option<crate::model::Sector>,
    pub(crate) org_type: Option<String>,
    pub(crate) annual_income: Option<crate::model::Pence>,
    pub(crate) area: Option<String>,
    pub(crate) led_by: Vec<String>,
    pub(crate) same_as: Option<SameAs>,
}

/// A `Same As` cell: the identifier it names, and where it is (for messages).
#[derive(Debug, Clone)]
pub(crate) struct SameAs {
    pub(crate) target: OrgId,
    pub(crate) file: String,
    pub(crate) place: crate::error::Place,
    pub(crate) column: String,
    pub(crate) raw: String,
}

/// Everything learnt about organisations across files, for naming and sector inference.
#[derive(Default)]
pub(crate) struct OrgFacts {
    rows: FastMap<OrgId, OrgRow>,
    grant_facts: FastMap<OrgId, GrantFacts>,
    mentioned: FastSet<OrgId>,
}

#[derive(Default)]
pub(crate) struct GrantFacts {
    name: Option<Dated>,
    org_type: Option<Dated>,
    charity_number: Option<String>,
    company_number: Option<String>,
}

impl GrantFacts {
    /// Records what a grant says; the latest grant's name and type win.
    pub(crate) fn seen(&mut self, s: Seen<'_>) {
        update_dated(&mut self.name, s.name, s.at);
        update_dated(&mut self.org_type, s.org_type, s.at);
        if self.charity_number.is_none() && !s.charity_number.is_empty() {
            self.charity_number = Some(s.charity_number.to_owned());
        }
        if self.company_number.is_none() && !s.company_number.is_empty() {
            self.company_number = Some(s.company_number.to_owned());
        }
    }
}

/// What one grant row says about one organisation.
pub(crate) struct Seen<'a> {
    pub(crate) at: (chrono::NaiveDate, u64),
    pub(crate) name: &'a str,
    pub(crate) org_type: &'a str,
    pub(crate) charity_number: &'a str,
    pub(crate) company_number: &'a str,
}

impl OrgFacts {
    fn add_organisations(&mut self, rows: Vec<OrgRow>) {
        for r in rows {
            self.mentioned.insert(r.id.clone());
            self.rows.insert(r.id.clone(), r);
        }
    }

    /// Records what a grant says about an organisation; the latest grant's name and type win.
    pub(crate) fn seen(&mut self, id: &OrgId, s: Seen<'_>) {
        // Look up before inserting: most rows name an organisation already seen, and
        // `entry` would clone the identifier every time.
        let g = match self.grant_facts.get_mut(id) {
            Some(g) => g,
            None => {
                self.mentioned.insert(id.clone());
                self.grant_facts.entry(id.clone()).or_default()
            }
        };
        g.seen(s);
    }

    /// Adds what a later part of the grants file said (read on another thread into facts
    /// of its own, numbering its rows from 1) as if its rows had been seen here, after the
    /// `seq_offset` rows before the part: the latest name and type win (by award date,
    /// then row), and the first charity and company numbers.
    pub(crate) fn absorb_part(
        &mut self,
        part: impl IntoIterator<Item = (OrgId, GrantFacts)>,
        seq_offset: u64,
    ) {
        fn later(into: &mut Option<Dated>, part: Option<Dated>, seq_offset: u64) {
            if let Some(mut d) = part {
                d.at.1 += seq_offset;
                if into.as_ref().is_none_or(|old| d.at > old.at) {
                    *into = Some(d);
                }
            }
        }
        let part = part.into_iter();
        self.grant_facts.reserve(part.size_hint().0);
        for (id, g) in part {
            let into = match self.grant_facts.entry(id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    if !self.mentioned.contains(e.key()) {
                        self.mentioned.insert(e.key().clone());
                    }
                    e.insert(GrantFacts::default())
                }
            };
            later(&mut into.name, g.name, seq_offset);
            later(&mut into.org_type, g.org_type, seq_offset);
            if into.charity_number.is_none() {
                into.charity_number = g.charity_number;
            }
            if into.company_number.is_none() {
                into.company_number = g.company_number;
            }
        }
    }

    /// Every `Same As` of organisations.csv, by the identifier that has it.
    fn take_same_as(&mut self) -> BTreeMap<OrgId, SameAs> {
        self.rows
            .iter_mut()
            .filter_map(|(id, r)| r.same_as.take().map(|s| (id.clone(), s)))
            .collect()
    }

    /// Forgets an organisations.csv row (left out as invalid).
    fn drop_row(&mut self, id: &OrgId) {
        self.rows.remove(id);
    }

    /// Forgets an organisation merged into another, returning the name it went by (its row,
    /// else its latest grant, else its identifier).
    fn remove(&mut self, id: &OrgId) -> String {
        self.mentioned.remove(id);
        let row = self.rows.remove(id).and_then(|r| r.name);
        let grant = self.grant_facts.remove(id).and_then(|g| g.name);
        row.or(grant.map(|d| d.value))
            .unwrap_or_else(|| id.to_string())
    }

    fn mention(&mut self, id: &OrgId) {
        if !self.mentioned.contains(id) {
            // Checked first: most mentions repeat, and the clone is the cost.
            self.mentioned.insert(id.clone());
        }
    }

    fn known(&self, id: &OrgId) -> bool {
        self.mentioned.contains(id)
    }

    fn into_organisations(mut self) -> BTreeMap<OrgId, Organisation> {
        let mut out = BTreeMap::new();
        let mut mentioned: Vec<OrgId> = std::mem::take(&mut self.mentioned).into_iter().collect();
        mentioned.sort_unstable();
        for id in mentioned {
            let row = self.rows.remove(&id);
            let g = self.grant_facts.remove(&id).unwrap_or_default();
            let name = row
                .as_ref()
                .and_then(|r| r.name.clone())
                .or_else(|| g.name.as_ref().map(|d| d.value.clone()))
                .unwrap_or_else(|| id.to_string());
            let csv_type = row.as_ref().and_then(|r| r.org_type.clone());
            let grant_type = g.org_type.map(|d| d.value);
            // SPEC.md: the organisation type is organisations.csv `Type`, else the latest
            // grant's (a Type the grants do not map is not replaced by theirs).
            let org_type = csv_type
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .or(grant_type.as_deref());
            let (sector, sector_rule) = infer_sector(&sector::Evidence {
                id: &id,
                name: &name,
                listed_sector: row.as_ref().and_then(|r| r.sector),
                org_type,
                charity_number: g.charity_number.as_deref(),
                company_number: g.company_number.as_deref(),
            });
            let (annual_income, area, led_by) = match row {
                Some(r) => (r.annual_income, r.area, r.led_by),
                None => (None, None, Vec::new()),
            };
            out.insert(
                id.clone(),
                Organisation {
                    id,
                    name,
                    sector,
                    sector_rule,
                    org_type: csv_type.or(grant_type),
                    annual_income,
                    area,
                    led_by,
                    charity_number: g.charity_number,
                    company_number: g.company_number,
                },
            );
        }
        out
    }
}
