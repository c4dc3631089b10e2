//! Grants under the 360Giving Data Standard: flat CSV, JSON package, or XLSX.
//!
//! All three become a [`Table`] with flat 360Giving headers (JSON grants are flattened, with
//! their JSON paths kept for messages), so one row parser applies the rules of SPEC.md
//! "grants" and "Bad input" to every format.

use super::parse::{mentions_unrestricted, parse_amount, parse_date, parse_decimal, parse_flag};
use super::table::{cell, Col, Headers, Row, RowCtx, Table, Unique};
use super::{
    read_rows, FileLedger, GrantFacts, GrantsFormat, InputFile, Interner, Ledger, OrgFacts, OrgIds,
    Seen,
};
use crate::error::{Error, Place, Problem, Reason};
use crate::model::{Grant, OrgId, Pence, PersonKey, Recipient, Restriction};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeMap;

/// Longest `Planned Dates:Duration (months)` used (100 years). A longer one is a typing
/// error (a duration of 10^9 months) and is ignored with a warning, as an odd optional
/// field is; with start dates at most 2100, every grant then ends inside chrono's range.
const MAX_DURATION_MONTHS: f64 = 1200.0;

/// The columns read from a grants table.
struct Cols {
    id: Col,
    amount: Col,
    award_date: Col,
    funder_id: Col,
    funder_name: Col,
    recipient_id: Option<Col>,
    recipient_name: Option<Col>,
    individual_id: Option<Col>,
    currency: Option<Col>,
    title: Option<Col>,
    description: Option<Col>,
    restriction: Option<Col>,
    unrestricted: Option<Col>,
    planned_start: Option<Col>,
    planned_end: Option<Col>,
    duration: Option<Col>,
    programme: Option<Col>,
    regrant_type: Option<Col>,
    charity_number: Option<Col>,
    company_number: Option<Col>,
    org_type: Option<Col>,
    location: Option<Col>,
}

impl Cols {
    fn resolve(h: &Headers) -> Result<Cols, Problem> {
        let recipient_id = h.optional("Recipient Org:Identifier")?;
        // GrantNav's export names some columns its own way; both are read.
        let individual_id =
            h.optional_any(&["Recipient Ind:Identifier", "Recipient Individual Id"])?;
        let recipient_name = h.optional("Recipient Org:Name")?;
        if recipient_id.is_none() && individual_id.is_none() {
            return Err(h.missing("Recipient Org:Identifier"));
        }
        if recipient_id.is_some() && recipient_name.is_none() {
            return Err(h.missing("Recipient Org:Name"));
        }
        Ok(Cols {
            id: h.required("Identifier")?,
            amount: h.required("Amount Awarded")?,
            award_date: h.required("Award Date")?,
            funder_id: h.required("Funding Org:Identifier")?,
            funder_name: h.required("Funding Org:Name")?,
            recipient_id,
            recipient_name,
            individual_id,
            currency: h.optional("Currency")?,
            title: h.optional("Title")?,
            description: h.optional("Description")?,
            restriction: h.optional("Restriction")?,
            unrestricted: h.optional("Unrestricted")?,
            planned_start: h.optional("Planned Dates:Start Date")?,
            planned_end: h.optional("Planned Dates:End Date")?,
            duration: h.optional("Planned Dates:Duration (months)")?,
            programme: h.optional("Grant Programme:Title")?,
            regrant_type: h.optional_any(&["For Regrant Type", "Regrant Type"])?,
            charity_number: h.optional("Recipient Org:Charity Number")?,
            company_number: h.optional("Recipient Org:Company Number")?,
            org_type: h.optional_any(&[
                "Recipient Org:Org Type",
                "Recipient Org:Organisation Type",
                "Recipient Org:Org Type (additional data)",
            ])?,
            location: h
                .optional_any(&["Beneficiary Location:Name", "Beneficiary Location:0:Name"])?,
        })
    }
}

/// Loads a grants file into grants, recording what each row says about organisations.
pub(crate) fn load(
    file: &InputFile,
    format: GrantsFormat,
    ledger: &mut Ledger,
    facts: &mut OrgFacts,
) -> Result<Vec<Grant>, Error> {
    let text;
    let mut json_warnings = JsonWarnings::new();
    let mut table = match format {
        GrantsFormat::Csv => {
            text = super::decoded(file)?;
            Table::csv(&file.name, &text)?
        }
        GrantsFormat::Json => {
            text = super::decoded(file)?;
            let (table, warnings) = json_table(&file.name, &text)?;
            json_warnings = warnings;
            table
        }
        GrantsFormat::Xlsx => super::xlsx::first_sheet(&file.name, &file.bytes)?,
        GrantsFormat::Parquet => super::parquet::table(&file.name, &file.bytes)?,
    };
    // CSV text and Parquet row groups are read in parts on every thread; the rest (and a
    // file a check sends back) in one pass.
    if let Some(grants) = load_in_parts(&mut table, ledger, facts, super::part_bytes())? {
        return Ok(grants);
    }
    let mut unique = Unique::default();
    let mut individuals = Interner::default();
    let mut orgs = OrgIds::default();
    let mut seq: u64 = 0;
    let mut total = MoneyTotal::new("grant amounts");
    let grants = read_rows(&mut table, ledger, Cols::resolve, |cols, ctx, rows| {
        seq += 1;
        for p in json_warnings.remove(ctx.place).unwrap_or_default() {
            rows.warn(p);
        }
        let grant = parse_row(cols, ctx, seq, rows, &mut individuals, &mut orgs)?.grant;
        unique.check(ctx, &cols.id, "grant Identifier")?;
        total.add(grant.amount, |why| ctx.problem(&cols.amount, why));
        record_facts(facts, cols, ctx, &grant, seq);
        Ok(grant)
    })?;
    total.check()?;
    Ok(grants)
}

/// What one part of a grants file gives, read on its own thread (see [`load_in_parts`]).
struct PartRead {
    grants: Vec<Grant>,
    ledger: Ledger,
    /// What the rows said about each organisation they name.
    facts: Vec<(OrgId, GrantFacts)>,
    /// Individuals, keyed in the order this part first names them.
    individuals: Interner,
    /// Rows given to the row parser (numbered 1.. within the part).
    parsed: u64,
    /// The sum of the amounts; `None` when it overflows.
    total: Option<i64>,
}

/// Reads a grants file on several threads, a part each: a run of whole records of a CSV
/// (from 1 MiB of text up), or of whole row groups of a Parquet file (from 1 MiB of their
/// columns up, so a thread decodes one row group at a time), with the row parser of
/// [`load`]; then puts the parts together in file order so the grants, the row accounting
/// (counts, examples, listed problems), the organisation facts and the numbering of
/// individuals are those of one pass over the file.
///
/// Two checks need the whole file: identifiers are unique, and the amounts' total fits.
/// Both are checked after the parts are read (identifiers by sorting, which the load does
/// anyway); when either fails, or a part cannot be read (the `csv` crate fails, a row
/// group does not decode), this gives `None` without touching `ledger` or `facts`, and the
/// file is read again on one thread, which places every problem as ever. `None` too for a
/// file too small to split, or a table that cannot be (JSON, XLSX).
fn load_in_parts(
    table: &mut Table,
    ledger: &mut Ledger,
    facts: &mut OrgFacts,
    part_bytes: usize,
) -> Result<Option<Vec<Grant>>, Error> {
    use rayon::prelude::*;
    let threads = rayon::current_num_threads();
    let parts = match table.parts(threads * 4, part_bytes) {
        Some(parts) if parts.len() > 1 => parts,
        _ => return Ok(None),
    };
    let cols = table.columns(Cols::resolve)?;
    let table = &*table;
    let skip_invalid = ledger.skip_invalid;
    let read: Option<Vec<PartRead>> = parts
        .par_iter()
        .map(|part| {
            let mut ledger = Ledger::new(skip_invalid);
            let mut facts = Vec::new();
            let mut individuals = Interner::default();
            let mut orgs = OrgIds::default();
            let mut parsed: u64 = 0;
            let mut total = Some(0_i64);
            let grants = super::read_part(table, part, &mut ledger, &cols, |cols, ctx, rows| {
                parsed += 1;
                let p = parse_row(cols, ctx, parsed, rows, &mut individuals, &mut orgs)?;
                total = total.and_then(|t| t.checked_add(p.grant.amount.0));
                record_slot_facts(&mut facts, cols, ctx, &p, parsed);
                Ok(p.grant)
            })
            .ok()?;
            // Only organisations of used rows have facts (a rejected row may have named one).
            let facts = orgs
                .into_ids()
                .into_iter()
                .zip(facts)
                .filter_map(|(id, f)| Some((id, f?)))
                .collect();
            Some(PartRead {
                grants,
                ledger,
                facts,
                individuals,
                parsed,
                total,
            })
        })
        .collect();
    let Some(read) = read else { return Ok(None) };
    let mut total: i64 = 0;
    for part in &read {
        match part.total.and_then(|t| total.checked_add(t)) {
            Some(t) => total = t,
            None => return Ok(None),
        }
    }
    // Individuals are keyed in the order the file first names them: each part's, in the
    // order it first names them, after the parts before it.
    let mut individuals = Interner::default();
    let mut grants = Vec::with_capacity(read.iter().map(|p| p.grants.len()).sum());
    let mut accounts = Vec::with_capacity(read.len());
    for part in read {
        let keys: Vec<PersonKey> = part
            .individuals
            .into_ordered()
            .iter()
            .map(|id| individuals.key(id))
            .collect();
        let mut part_grants = part.grants;
        for g in &mut part_grants {
            if let Recipient::Individual(k) = &mut g.recipient {
                *k = keys.get(k.0 as usize).copied().unwrap_or(*k);
            }
        }
        // Moved and freed part by part, so the grants are held about once.
        grants.extend(part_grants);
        accounts.push((part.ledger, part.facts, part.parsed));
    }
    grants.par_sort_unstable_by(|a, b| a.id.cmp(&b.id));
    if grants.windows(2).any(|w| w[0].id == w[1].id) {
        return Ok(None);
    }
    let _ = ledger.start(table.file);
    let mut seq_offset = 0;
    for (part_ledger, part_facts, parsed) in accounts {
        ledger.absorb_part(part_ledger);
        facts.absorb_part(part_facts, seq_offset);
        seq_offset += parsed;
    }
    Ok(Some(grants))
}

/// The running total of a file's amounts, checked. Amounts are never negative, so when the
/// file's total fits in an `i64` of pence, the sum of any subset of them (a funder's, a
/// sector's, a year's, an area's, a partnership's) fits too: checking this one sum when the
/// file is read makes every later sum of its amounts safe. A total past `i64::MAX` pence
/// (£92,233,720,368,547,758.07) is a clear error at the row where it overflowed, never a
/// wrong figure.
pub(crate) struct MoneyTotal {
    what: &'static str,
    sum: i64,
    overflow: Option<Problem>,
}

impl MoneyTotal {
    /// A total of `what` ("grant amounts").
    pub(crate) fn new(what: &'static str) -> Self {
        MoneyTotal {
            what,
            sum: 0,
            overflow: None,
        }
    }

    /// Adds a used row's amount; `at` places the problem at that row, should the total
    /// overflow there.
    pub(crate) fn add(&mut self, amount: Pence, at: impl FnOnce(Reason) -> Problem) {
        if self.overflow.is_some() {
            return;
        }
        match self.sum.checked_add(amount.0) {
            Some(sum) => self.sum = sum,
            None => {
                self.overflow = Some(at(Reason::new(
                    "total-overflow",
                    format!(
                        "the {} of this file add up past {}, the largest total fundflow can hold exactly, at this row (after {}); the file is refused rather than totalled wrongly",
                        self.what,
                        Pence(i64::MAX),
                        Pence(self.sum)
                    ),
                )))
            }
        }
    }

    /// `Err` when the total overflowed.
    pub(crate) fn check(self) -> Result<(), Error> {
        match self.overflow {
            Some(p) => Err(p.into()),
            None => Ok(()),
        }
    }
}

fn parse_row(
    c: &Cols,
    ctx: &RowCtx,
    seq: u64,
    rows: &mut FileLedger,
    individuals: &mut Interner,
    orgs: &mut OrgIds,
) -> Result<Parsed, Problem> {
    let row = ctx.row;
    let id = c.id.get(row);
    if id.is_empty() {
        return Err(ctx.problem(&c.id, Reason::new("missing-value", "Identifier is empty")));
    }
    let amount = parse_amount(c.amount.get(row)).map_err(|r| ctx.problem(&c.amount, r))?;
    let award_date =
        parse_date(c.award_date.get(row)).map_err(|r| ctx.problem(&c.award_date, r))?;
    if let Some(cur) = &c.currency {
        let v = cur.get(row);
        if !v.is_empty() && !v.eq_ignore_ascii_case("GBP") {
            return Err(ctx.problem(
                cur,
                Reason::new(
                    "currency-not-gbp",
                    "currency is not GBP; fundflow compares pounds only and does not convert",
                ),
            ));
        }
    }
    let funder_slot = orgs.slot(c.funder_id.get(row)).ok_or_else(|| {
        ctx.problem(
            &c.funder_id,
            Reason::new("missing-value", "Funding Org:Identifier is empty"),
        )
    })?;
    let funder = orgs.id(funder_slot).clone();
    let org_slot = c
        .recipient_id
        .as_ref()
        .and_then(|col| orgs.slot(col.get(row)));
    let org = org_slot.map(|s| orgs.id(s).clone());
    let ind = cell(&c.individual_id, row);
    let recipient = match (org, ind.is_empty()) {
        // SPEC.md: a `Recipient Org` of type `Individual` is a person (a sole trader named
        // as a person is still a person): the grant joins the funder's one "individuals"
        // line, and the organisation's name and identifier are never kept. Keys are drawn
        // apart from `Recipient Ind:Identifier`s by a prefix no published identifier has.
        (Some(o), true) if super::sector::is_individual_type(cell(&c.org_type, row)) => {
            Recipient::Individual(individuals.key(&format!("\0org:{o}")))
        }
        (Some(o), true) => Recipient::Org(o),
        (None, false) => Recipient::Individual(individuals.key(ind)),
        (Some(_), false) => {
            let col = c.individual_id.as_ref().unwrap_or(&c.id);
            return Err(ctx.problem(
                col,
                Reason::new(
                    "recipient-ambiguous",
                    "both Recipient Org:Identifier and Recipient Ind:Identifier are given; a grant has one recipient",
                ),
            ));
        }
        (None, true) => {
            let col = c
                .recipient_id
                .as_ref()
                .or(c.individual_id.as_ref())
                .unwrap_or(&c.id);
            return Err(ctx.problem(
                col,
                Reason::new(
                    "missing-value",
                    "no recipient: Recipient Org:Identifier (or Recipient Ind:Identifier) is empty",
                ),
            ));
        }
    };

    // From here on every field is optional: odd values are warnings, and the grant is used.
    let mut warn = |col: &Col, code: &'static str, why: &str| {
        rows.warn(ctx.problem(col, Reason::new(code, why)));
    };
    if amount.0 == 0 {
        warn(
            &c.amount,
            "amount-zero",
            "amount is zero (counted, not an error)",
        );
    }
    if c.funder_name.get(row).is_empty() {
        warn(
            &c.funder_name,
            "name-missing",
            "funder name is empty; the identifier is shown instead",
        );
    }
    if let (Recipient::Org(_), Some(col)) = (&recipient, &c.recipient_name) {
        if col.get(row).is_empty() {
            warn(
                col,
                "name-missing",
                "recipient name is empty; the identifier is shown instead",
            );
        }
    }
    let mut optional_date = |col: &Option<Col>| -> Option<NaiveDate> {
        let col = col.as_ref()?;
        let v = col.get(row);
        if v.is_empty() {
            return None;
        }
        match parse_date(v) {
            Ok(d) => Some(d),
            Err(r) => {
                warn(
                    col,
                    "planned-date-invalid",
                    &format!("{}; ignored, the grant period falls back", r.message),
                );
                None
            }
        }
    };
    let planned_start = optional_date(&c.planned_start);
    let mut planned_end = optional_date(&c.planned_end);
    let start = planned_start.unwrap_or(award_date);
    if let (Some(end), Some(col)) = (planned_end, &c.planned_end) {
        if end < start {
            warn(
                col,
                "planned-end-before-start",
                &format!("planned end is before the start ({start}); ignored, the grant period falls back"),
            );
            planned_end = None;
        }
    }
    let duration_months = c.duration.as_ref().and_then(|col| {
        let v = col.get(row);
        if v.is_empty() {
            return None;
        }
        match parse_decimal(v) {
            Some(d) if d > 0.0 && d <= MAX_DURATION_MONTHS => Some(d),
            _ => {
                warn(
                    col,
                    "duration-invalid",
                    "duration is not a positive number of months up to 1200 (100 years); ignored, the grant period falls back",
                );
                None
            }
        }
    });
    let restriction = restriction(c, row, &mut warn);
    let (title, description) = (cell(&c.title, row), cell(&c.description, row));
    let unrestricted_keywords = (!title.trim().is_empty() || !description.trim().is_empty())
        .then(|| mentions_unrestricted(title) || mentions_unrestricted(description));
    let text = |col: &Option<Col>| {
        Some(cell(col, row))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let source_line = match ctx.place {
        Place::Line(l) => *l,
        Place::Path(_) => seq,
    };
    let recipient_slot = match recipient {
        Recipient::Org(_) => org_slot,
        Recipient::Individual(_) => None,
    };
    let grant = Grant {
        id: id.to_owned(),
        amount,
        award_date,
        funder,
        recipient,
        planned_start,
        planned_end,
        duration_months,
        programme: text(&c.programme),
        beneficiary_location: text(&c.location),
        regrant_type: text(&c.regrant_type),
        restriction,
        unrestricted_keywords,
        source_line,
    };
    Ok(Parsed {
        grant,
        funder_slot,
        recipient_slot,
    })
}

/// A grant parsed from a row, with the [`OrgIds`] slots of its funder and (when an
/// organisation) its recipient.
struct Parsed {
    grant: Grant,
    funder_slot: usize,
    recipient_slot: Option<usize>,
}

/// `Restriction` (restricted/unrestricted) or `Unrestricted` (yes/no), when present.
fn restriction(
    c: &Cols,
    row: &dyn Row,
    warn: &mut impl FnMut(&Col, &'static str, &str),
) -> Option<Restriction> {
    if let Some(col) = &c.restriction {
        let v = col.get(row);
        match v.to_ascii_lowercase().as_str() {
            "" => {}
            "restricted" => return Some(Restriction::Restricted),
            "unrestricted" => return Some(Restriction::Unrestricted),
            _ => warn(
                col,
                "restriction-invalid",
                "expected restricted or unrestricted; ignored",
            ),
        }
    }
    if let Some(col) = &c.unrestricted {
        let v = col.get(row);
        if !v.is_empty() {
            match parse_flag(v) {
                Some(true) => return Some(Restriction::Unrestricted),
                Some(false) => return Some(Restriction::Restricted),
                None => warn(col, "restriction-invalid", "expected yes or no; ignored"),
            }
        }
    }
    None
}

fn record_facts(facts: &mut OrgFacts, c: &Cols, ctx: &RowCtx, g: &Grant, seq: u64) {
    let (funder, recipient) = seen(c, ctx.row, g, seq);
    facts.seen(&g.funder, funder);
    if let (Recipient::Org(id), Some(r)) = (&g.recipient, recipient) {
        facts.seen(id, r);
    }
}

/// [`record_facts`] into facts kept by [`OrgIds`] slot (`None`: not seen yet).
fn record_slot_facts(
    facts: &mut Vec<Option<GrantFacts>>,
    c: &Cols,
    ctx: &RowCtx,
    p: &Parsed,
    seq: u64,
) {
    let (funder, recipient) = seen(c, ctx.row, &p.grant, seq);
    fn at(facts: &mut Vec<Option<GrantFacts>>, slot: usize) -> &mut GrantFacts {
        if facts.len() <= slot {
            facts.resize_with(slot + 1, || None);
        }
        facts[slot].get_or_insert_with(GrantFacts::default)
    }
    at(facts, p.funder_slot).seen(funder);
    if let (Some(slot), Some(r)) = (p.recipient_slot, recipient) {
        at(facts, slot).seen(r);
    }
}

/// What a grant row says about its funder and (when an organisation) its recipient.
fn seen<'r>(c: &Cols, row: &'r dyn Row, g: &Grant, seq: u64) -> (Seen<'r>, Option<Seen<'r>>) {
    let at = (g.award_date, seq);
    let funder = Seen {
        at,
        name: c.funder_name.get(row),
        org_type: "",
        charity_number: "",
        company_number: "",
    };
    let recipient = matches!(g.recipient, Recipient::Org(_)).then(|| Seen {
        at,
        name: cell(&c.recipient_name, row),
        org_type: cell(&c.org_type, row),
        charity_number: cell(&c.charity_number, row),
        company_number: cell(&c.company_number, row),
    });
    (funder, recipient)
}

/// Flat 360Giving header and the JSON path it comes from. A path step `[0]` takes the first
/// element of an array (360Giving wraps organisations, dates and programmes in arrays); an
/// object in its place is taken as that one element.
const JSON_FIELDS: [(&str, &str); 22] = [
    ("Identifier", "id"),
    ("Title", "title"),
    ("Description", "description"),
    ("Currency", "currency"),
    ("Amount Awarded", "amountAwarded"),
    ("Award Date", "awardDate"),
    ("Planned Dates:Start Date", "plannedDates[0].startDate"),
    ("Planned Dates:End Date", "plannedDates[0].endDate"),
    (
        "Planned Dates:Duration (months)",
        "plannedDates[0].duration",
    ),
    ("Recipient Org:Identifier", "recipientOrganization[0].id"),
    ("Recipient Org:Name", "recipientOrganization[0].name"),
    (
        "Recipient Org:Charity Number",
        "recipientOrganization[0].charityNumber",
    ),
    (
        "Recipient Org:Company Number",
        "recipientOrganization[0].companyNumber",
    ),
    (
        "Recipient Org:Org Type",
        "recipientOrganization[0].organisationType",
    ),
    ("Recipient Ind:Identifier", "recipientIndividual.id"),
    ("Funding Org:Identifier", "fundingOrganization[0].id"),
    ("Funding Org:Name", "fundingOrganization[0].name"),
    ("Grant Programme:Title", "grantProgramme[0].title"),
    ("Beneficiary Location:Name", "beneficiaryLocation[0].name"),
    ("For Regrant Type", "regrantType"),
    ("Restriction", "restriction"),
    ("Unrestricted", "unrestricted"),
];

/// The flat headers whose JSON field a grant needs to be used at all: a repeated key with
/// different values here makes the grant ambiguous, an invalid row. Any other field read
/// is optional: a conflict there is a warning and the field is ignored.
const JSON_NEEDED: [&str; 7] = [
    "Identifier",
    "Amount Awarded",
    "Award Date",
    "Currency",
    "Funding Org:Identifier",
    "Recipient Org:Identifier",
    "Recipient Ind:Identifier",
];

/// Warnings about a JSON grant (repeated keys), by its place.
type JsonWarnings = BTreeMap<Place, Vec<Problem>>;

/// Flattens a 360Giving JSON package `{"grants": [...]}` into a table, with the warnings
/// its repeated keys give (see [`repeated_keys`]).
fn json_table<'a>(file: &'a str, text: &str) -> Result<(Table<'a>, JsonWarnings), Problem> {
    // The first step of every path read: the rest of a grant is skipped as it is read.
    let mut grant_keys: Vec<&str> = JSON_FIELDS
        .iter()
        .map(|(_, path)| path.split(['.', '[']).next().unwrap_or(path))
        .collect();
    grant_keys.sort_unstable();
    grant_keys.dedup();
    let (doc, repeats) = super::json::parse(text, &grant_keys).map_err(|e| {
        Problem::at(
            file,
            Place::Line(e.line() as u64),
            Reason::new("json-invalid", format!("not valid JSON: {e}")),
        )
    })?;
    let grants = doc.get("grants").and_then(Value::as_array).ok_or_else(|| {
        Problem::file(
            file,
            Reason::new(
                "json-no-grants",
                "not a 360Giving JSON package: expected an object with a \"grants\" list",
            ),
        )
    })?;
    let mut repeats_by_grant = repeated_keys(file, repeats)?;
    let mut warnings = JsonWarnings::new();
    let headers = JSON_FIELDS.iter().map(|(h, _)| h.to_string()).collect();
    let labels = JSON_FIELDS.iter().map(|(_, p)| p.to_string()).collect();
    let mut rows = Vec::with_capacity(grants.len());
    for (i, g) in grants.iter().enumerate() {
        let place = Place::Path(format!("grants[{i}]"));
        if !g.is_object() {
            let p = Problem::at(
                file,
                place.clone(),
                Reason::new("json-not-object", "a grant must be a JSON object"),
            );
            rows.push((place, Err(p)));
            continue;
        }
        let mut cells: Vec<String> = JSON_FIELDS
            .iter()
            .map(|(_, path)| json_cell(g, path))
            .collect();
        let mut invalid = None;
        for (key, r) in repeats_by_grant.remove(&i).unwrap_or_default() {
            let covered = fields_under(&key);
            let lines = r
                .lines
                .map_or(String::new(), |(a, b)| format!(" (lines {a} and {b})"));
            let problem = |code, why: String| {
                Problem::at(file, place.clone(), Reason::new(code, why)).column(&key)
            };
            if r.first == r.second || covered.is_empty() {
                let why = if covered.is_empty() {
                    format!("key \"{key}\" appears twice{lines}; fundflow does not read it")
                } else {
                    format!("key \"{key}\" appears twice with the same value{lines}")
                };
                warnings
                    .entry(place.clone())
                    .or_default()
                    .push(problem("json-duplicate-key", why));
                continue;
            }
            let both = format!("{} and {}", shown(&r.first), shown(&r.second));
            if covered
                .iter()
                .any(|&j| JSON_NEEDED.contains(&JSON_FIELDS[j].0))
            {
                invalid.get_or_insert_with(|| {
                    problem(
                        "json-duplicate-key",
                        format!("key \"{key}\" appears twice with different values, {both}{lines}; which one is meant cannot be known"),
                    )
                });
            } else {
                for &j in &covered {
                    cells[j].clear();
                }
                warnings.entry(place.clone()).or_default().push(problem(
                    "json-duplicate-key",
                    format!(
                        "key \"{key}\" appears twice with different values, {both}{lines}; ignored"
                    ),
                ));
            }
        }
        match invalid {
            Some(p) => rows.push((place, Err(p))),
            None => rows.push((place, Ok(cells))),
        }
    }
    let table = Table::from_rows(file, headers, Some(labels), Place::Line(1), rows);
    Ok((table, warnings))
}

/// The repeated keys inside each grant, by the grant's index, with their paths relative to
/// the grant. A repeated `grants` list with different contents is an error for the whole
/// file (which list is meant cannot be known); other keys outside the grants are not read.
fn repeated_keys(
    file: &str,
    repeats: Vec<super::json::Repeat>,
) -> Result<BTreeMap<usize, Vec<(String, super::json::Repeat)>>, Problem> {
    let mut by_grant: BTreeMap<usize, Vec<(String, super::json::Repeat)>> = BTreeMap::new();
    for r in repeats {
        let grant = r.path.strip_prefix("grants[").and_then(|rest| {
            let (i, key) = rest.split_once("].")?;
            Some((i.parse::<usize>().ok()?, key.to_owned()))
        });
        match grant {
            Some((i, key)) => by_grant.entry(i).or_default().push((key, r)),
            None if r.path == "grants" && r.first != r.second => {
                let place = r.lines.map_or(Place::Line(1), |(_, b)| Place::Line(b));
                return Err(Problem::at(
                    file,
                    place,
                    Reason::new(
                        "json-duplicate-key",
                        "the key \"grants\" appears twice with different lists; which one is meant cannot be known",
                    ),
                ));
            }
            None => {}
        }
    }
    Ok(by_grant)
}

/// The indexes of the [`JSON_FIELDS`] read from under `key` (a path relative to a grant):
/// the field itself, or every field inside it. `[0]` steps are ignored in the comparison,
/// as [`json_cell`] takes an object in place of a one-element list.
fn fields_under(key: &str) -> Vec<usize> {
    let key = key.replace("[0]", "");
    JSON_FIELDS
        .iter()
        .enumerate()
        .filter(|(_, (_, path))| {
            let path = path.replace("[0]", "");
            path == key || path.starts_with(&format!("{key}."))
        })
        .map(|(j, _)| j)
        .collect()
}

/// A JSON value as shown in a message (at most 40 characters).
fn shown(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(39).collect::<String>())
    } else {
        s
    }
}

/// The text of the value at `path`, `""` when absent or null.
fn json_cell(v: &Value, path: &str) -> String {
    let mut cur = v;
    for step in path.split('.') {
        let (key, first) = match step.strip_suffix("[0]") {
            Some(k) => (k, true),
            None => (step, false),
        };
        cur = match cur.get(key) {
            Some(next) => next,
            None => return String::new(),
        };
        if first {
            if let Value::Array(items) = cur {
                match items.first() {
                    Some(x) => cur = x,
                    None => return String::new(),
                }
            }
        }
    }
    match cur {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        // A list where a single value belongs (organisationType as a list): take the first.
        Value::Array(items) => items.first().map_or(String::new(), |x| match x {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        Value::Object(_) => cur.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_money_total_fits_up_to_i64_max_and_refuses_one_penny_more() {
        // (MAX − 5) + 5 = MAX exactly: fits. + 1 more: overflows, at that row.
        let at = |why: Reason| Problem::file("f.csv", why);
        let mut t = MoneyTotal::new("grant amounts");
        t.add(Pence(i64::MAX - 5), at);
        t.add(Pence(5), at);
        assert!(t.overflow.is_none());
        assert_eq!(t.sum, i64::MAX);
        let mut t = MoneyTotal::new("grant amounts");
        t.add(Pence(i64::MAX - 5), at);
        t.add(Pence(6), at);
        let e = t.check().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            e.starts_with(
                "f.csv: the grant amounts of this file add up past £92,233,720,368,547,758.07"
            ),
            "{e}"
        );
    }

    /// Everything a grants file gives the dataset, read on one thread (`None`) or in parts
    /// of at least `part_bytes`, as text to compare: the grants (sorted by identifier, as the
    /// load sorts them), the error, the row accounting and the organisations.
    fn read_grants(
        name: &str,
        bytes: &[u8],
        format: GrantsFormat,
        skip_invalid: bool,
        part_bytes: Option<usize>,
    ) -> String {
        let file = InputFile {
            name: name.into(),
            bytes: std::borrow::Cow::Owned(bytes.to_vec()),
        };
        let text = String::from_utf8_lossy(bytes);
        let mut ledger = Ledger::new(skip_invalid);
        let mut facts = OrgFacts::default();
        let mut in_parts = None;
        let table = match format {
            GrantsFormat::Csv => Table::csv(name, &text).ok(),
            GrantsFormat::Parquet => super::super::parquet::table(name, bytes).ok(),
            GrantsFormat::Json | GrantsFormat::Xlsx => None,
        };
        if let (Some(bytes), Some(mut table)) = (part_bytes, table) {
            in_parts = load_in_parts(&mut table, &mut ledger, &mut facts, bytes).transpose();
        }
        let grants = match in_parts {
            Some(grants) => grants,
            // Not split (too small, or a check failed): read on one thread.
            None => load(&file, format, &mut ledger, &mut facts),
        };
        let grants = grants
            .map(|mut g| {
                g.sort_by(|a, b| a.id.cmp(&b.id));
                g
            })
            .map_err(|e| e.to_string());
        format!(
            "{grants:#?}\n{:#?}\n{:#?}\n{}\n{:#?}",
            ledger.files,
            ledger.listed,
            ledger.total_invalid,
            facts.into_organisations()
        )
    }

    fn read_csv(text: &str, skip_invalid: bool, part_bytes: Option<usize>) -> String {
        read_grants(
            "g.csv",
            text.as_bytes(),
            GrantsFormat::Csv,
            skip_invalid,
            part_bytes,
        )
    }

    /// The header of [`grant_cells`].
    const GRANT_COLUMNS: [&str; 12] = [
        "Identifier",
        "Title",
        "Amount Awarded",
        "Award Date",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Recipient Org:Org Type",
        "Recipient Ind:Identifier",
        "Planned Dates:End Date",
        "Recipient Org:Charity Number",
    ];

    /// The cells of row `i` (0-based), each chosen by `r` from values that are fine, odd
    /// (warnings) or wrong (rejected rows); titles with quoted line breaks, as CSV text.
    fn grant_cells(i: usize, r: &[u8; 12]) -> [String; 12] {
        let pick = |options: &[&str], k: u8| options[k as usize % options.len()].to_owned();
        // Mostly unique identifiers; now and then one repeated, or none.
        let id = match r[0] {
            0 => "G-1".to_owned(),
            1..=8 => String::new(),
            _ => format!("G-{}", i + 2),
        };
        [
            id,
            pick(
                &[
                    "Project",
                    "",
                    "\"two\nlines\"",
                    "\"a, \"\"quoted\"\" one\r\nmore\"",
                ],
                r[1],
            ),
            pick(&["100", "0", "12.50", "abc", "", "£1,000"], r[2]),
            pick(
                &[
                    "2024-01-02",
                    "2023-05-06",
                    "2024-01-02T00:00:00+00:00",
                    "02/13/2024",
                    "",
                ],
                r[3],
            ),
            pick(&["GB-GOR-1", "GB-GOR-2", "GB-CHC-1", ""], r[4]),
            pick(&["Funder", "", "Other Funder"], r[5]),
            pick(
                &["GB-CHC-1", "GB-CHC-2", "GB-COH-3", " gb-chc-1 ", ""],
                r[6],
            ),
            pick(&["Recipient", "", "Another Name"], r[7]),
            pick(&["", "Individual", "Registered Charity", "Company"], r[8]),
            pick(&["", "", "", "IND-1", "IND-2"], r[9]),
            pick(&["", "2030-01-01", "2000-01-01", "soon"], r[10]),
            pick(&["", "1", "2"], r[11]),
        ]
    }

    /// A grants CSV of `rows` ([`grant_cells`]), with quoted line breaks, CRLF line ends,
    /// blank lines and ragged rows (a `£1,000` left unquoted is one of them).
    fn grants_csv(rows: &[[u8; 12]], crlf: bool) -> String {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = GRANT_COLUMNS.join(",");
        text.push_str(eol);
        for (i, r) in rows.iter().enumerate() {
            text.push_str(&grant_cells(i, r).join(","));
            match r[0] % 23 {
                13 => text.push_str(",extra"),
                14 => text.push_str(",,"),
                _ => {}
            }
            text.push_str(eol);
            if r[1] % 29 == 5 {
                text.push_str(eol);
            }
        }
        text
    }

    /// The rows of [`grant_cells`] as a CSV with one record per line (no quoted line break,
    /// blank line or ragged row, `£1,000` quoted) and as a Parquet file of text columns
    /// (an empty cell null, as `synth --parquet` writes them) in row groups of
    /// `group_rows`: the same cells, and each record on the same line or row number.
    fn flat_grants(rows: &[[u8; 12]], group_rows: usize) -> (String, Vec<u8>) {
        use polars::prelude::{Column, DataFrame, ParquetWriter};
        let cells: Vec<[String; 12]> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut r = *r;
                // Titles "Project" or "" only: the others hold line breaks.
                r[1] %= 2;
                grant_cells(i, &r)
            })
            .collect();
        let mut text = GRANT_COLUMNS.join(",");
        text.push('\n');
        for row in &cells {
            let quoted: Vec<String> = row
                .iter()
                .map(|c| match c.contains(',') {
                    true => format!("\"{c}\""),
                    false => c.clone(),
                })
                .collect();
            text.push_str(&quoted.join(","));
            text.push('\n');
        }
        let columns = GRANT_COLUMNS
            .iter()
            .enumerate()
            .map(|(c, name)| {
                let values: Vec<Option<&str>> = cells
                    .iter()
                    .map(|row| Some(row[c].as_str()).filter(|v| !v.is_empty()))
                    .collect();
                Column::new((*name).into(), values)
            })
            .collect();
        let mut df = DataFrame::new_infer_height(columns).expect("a frame");
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .with_row_group_size(Some(group_rows))
            .finish(&mut df)
            .expect("written");
        (text, bytes)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn reading_in_parts_gives_what_one_pass_gives(
            rows in proptest::collection::vec(proptest::array::uniform12(0u8..=255), 0..60),
            crlf: bool,
            skip_invalid: bool,
            part_bytes in 1usize..200,
        ) {
            let text = grants_csv(&rows, crlf);
            proptest::prop_assert_eq!(
                read_csv(&text, skip_invalid, Some(part_bytes)),
                read_csv(&text, skip_invalid, None)
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(100))]
        #[test]
        fn parquet_row_groups_in_parts_give_what_the_csv_gives_in_one_pass(
            rows in proptest::collection::vec(proptest::array::uniform12(0u8..=255), 0..60),
            skip_invalid: bool,
            group_rows in 1usize..8,
        ) {
            let (text, bytes) = flat_grants(&rows, group_rows);
            let csv = read_csv(&text, skip_invalid, None).replace("g.csv", "g.parquet");
            let read = |part_bytes| {
                read_grants("g.parquet", &bytes, GrantsFormat::Parquet, skip_invalid, part_bytes)
            };
            // Every row group a part (at least 1 byte each), and one pass.
            proptest::prop_assert_eq!(&read(Some(1)), &csv);
            proptest::prop_assert_eq!(&read(None), &csv);
        }
    }

    #[test]
    fn a_parquet_file_is_read_in_parts_of_row_groups() {
        // 40 valid rows (identifiers G-2..G-41, £100 each) in row groups of 3 (polars
        // writes 12 of 3 and a last of 4). Row i = 25 has the amount "abc": record 25 is
        // row 25 + 2 = 27 (the header is row 1), in group 25 / 3 = 8 (rows 24-26).
        let rows: Vec<[u8; 12]> = (0..40u8)
            .map(|i| {
                let amount = if i == 25 { 3 } else { 0 };
                [9 + i % 13, 0, amount, 0, 0, 0, 0, 0, 0, 0, 0, 0]
            })
            .collect();
        let (_, bytes) = flat_grants(&rows, 3);
        let mut table = crate::load::parquet::table("g.parquet", &bytes).expect("a table");
        let parts = table.parts(1000, 1).expect("parts");
        assert_eq!(parts.len(), 13, "one part per row group: {parts:?}");
        let mut ledger = Ledger::new(true);
        let mut facts = OrgFacts::default();
        let read = load_in_parts(&mut table, &mut ledger, &mut facts, 1).expect("no error");
        let read = read.expect("read in parts");
        // 40 read, 39 used; the one rejected placed at row 27.
        assert_eq!(read.len(), 39);
        let q = &ledger.files[0];
        assert_eq!((q.rows_read, q.rows_used), (40, 39));
        let examples: Vec<(&str, usize, &[String])> = q
            .rejected
            .iter()
            .map(|(code, r)| (code.as_str(), r.count, r.examples.as_slice()))
            .collect();
        assert_eq!(examples.len(), 1, "{examples:?}");
        assert_eq!(examples[0].1, 1);
        assert!(
            examples[0].2[0].starts_with("g.parquet:27:Amount Awarded: \"abc\""),
            "{examples:?}"
        );
    }

    #[test]
    fn a_file_in_parts_is_read_in_parts_unless_a_check_needs_one_pass() {
        let rows: Vec<[u8; 12]> = (0..40u8)
            .map(|i| [9 + i % 13, i, 0, 0, 0, 0, 0, 0, 0, 0, i, i])
            .collect();
        let text = grants_csv(&rows, false);
        let mut table = Table::csv("g.csv", &text).expect("a table");
        let parts = table.parts(8, 1).expect("CSV parts");
        assert!(parts.len() > 1, "{parts:?}");
        let mut ledger = Ledger::new(true);
        let mut facts = OrgFacts::default();
        let read = load_in_parts(&mut table, &mut ledger, &mut facts, 1).expect("no error");
        assert!(read.is_some(), "read in parts");
        // The same file with its last identifier repeated on the first row: one pass.
        let text = text.replacen("G-2,", "G-41,", 1);
        let mut table = Table::csv("g.csv", &text).expect("a table");
        let read = load_in_parts(&mut table, &mut ledger, &mut facts, 1).expect("no error");
        assert!(
            read.is_none(),
            "a repeated identifier is placed by one pass"
        );
    }

    #[test]
    fn repeated_keys_cover_the_fields_read_under_them() {
        let names = |key: &str| -> Vec<&str> {
            fields_under(key)
                .iter()
                .map(|&j| JSON_FIELDS[j].0)
                .collect()
        };
        assert_eq!(names("amountAwarded"), ["Amount Awarded"]);
        // A repeated organisation covers every field read inside it, with or without [0].
        assert_eq!(
            names("fundingOrganization"),
            ["Funding Org:Identifier", "Funding Org:Name"]
        );
        assert_eq!(
            names("fundingOrganization[0].id"),
            ["Funding Org:Identifier"]
        );
        assert_eq!(names("fundingOrganization.id"), ["Funding Org:Identifier"]);
        // The second element of a list is never read; nor is an unknown key.
        assert!(names("fundingOrganization[1].id").is_empty());
        assert!(names("amount").is_empty());
    }

    #[test]
    fn json_cells_follow_360giving_paths() {
        let g: Value = serde_json::json!({
            "id": "A", "amountAwarded": 1500.5,
            "recipientOrganization": [{"id": "GB-CHC-1", "organisationType": ["Registered Charity"]}],
            "recipientIndividual": {"id": "IND-1"},
            "plannedDates": [],
        });
        assert_eq!(json_cell(&g, "amountAwarded"), "1500.5");
        assert_eq!(json_cell(&g, "recipientOrganization[0].id"), "GB-CHC-1");
        assert_eq!(
            json_cell(&g, "recipientOrganization[0].organisationType"),
            "Registered Charity"
        );
        assert_eq!(json_cell(&g, "recipientIndividual.id"), "IND-1");
        assert_eq!(json_cell(&g, "plannedDates[0].duration"), "");
        assert_eq!(json_cell(&g, "missing"), "");
    }
}
