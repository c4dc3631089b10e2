//! Grants under the 360Giving Data Standard: flat CSV, JSON package, or XLSX.
//!
//! All three become a [`Table`] with flat 360Giving headers (JSON grants are flattened, with
//! their JSON paths kept for messages), so one row parser applies the rules of SPEC.md
//! "grants" and "Bad input" to every format.

use super::parse::{mentions_unrestricted, parse_amount, parse_date, parse_decimal, parse_flag};
use super::table::{cell, Col, Headers, Row, RowCtx, Table, Unique};
use super::{
    read_rows, FileLedger, GrantsFormat, InputFile, Interner, Ledger, OrgFacts, OrgIds, Seen,
};
use crate::error::{Error, Place, Problem, Reason};
use crate::model::{Grant, Recipient, Restriction};
use chrono::NaiveDate;
use serde_json::Value;

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
    let table = match format {
        GrantsFormat::Csv => {
            text = super::decoded(file)?;
            Table::csv(&file.name, &text)?
        }
        GrantsFormat::Json => {
            text = super::decoded(file)?;
            json_table(&file.name, &text)?
        }
        GrantsFormat::Xlsx => super::xlsx::first_sheet(&file.name, &file.bytes)?,
    };
    let mut unique = Unique::default();
    let mut individuals = Interner::default();
    let mut orgs = OrgIds::default();
    let mut seq: u64 = 0;
    read_rows(&table, ledger, Cols::resolve, |cols, ctx, rows| {
        seq += 1;
        let grant = parse_row(cols, ctx, seq, rows, &mut individuals, &mut orgs)?;
        unique.check(ctx, &cols.id, "grant Identifier")?;
        record_facts(facts, cols, ctx, &grant, seq);
        Ok(grant)
    })
}

fn parse_row(
    c: &Cols,
    ctx: &RowCtx,
    seq: u64,
    rows: &mut FileLedger,
    individuals: &mut Interner,
    orgs: &mut OrgIds,
) -> Result<Grant, Problem> {
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
    let funder = orgs.parse(c.funder_id.get(row)).ok_or_else(|| {
        ctx.problem(
            &c.funder_id,
            Reason::new("missing-value", "Funding Org:Identifier is empty"),
        )
    })?;
    let org = c
        .recipient_id
        .as_ref()
        .and_then(|col| orgs.parse(col.get(row)));
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
            Some(d) if d > 0.0 => Some(d),
            _ => {
                warn(
                    col,
                    "duration-invalid",
                    "duration is not a positive number of months; ignored",
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
    Ok(Grant {
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
    })
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
    let at = (g.award_date, seq);
    facts.seen(
        &g.funder,
        Seen {
            at,
            name: c.funder_name.get(ctx.row),
            org_type: "",
            charity_number: "",
            company_number: "",
        },
    );
    if let Recipient::Org(id) = &g.recipient {
        facts.seen(
            id,
            Seen {
                at,
                name: cell(&c.recipient_name, ctx.row),
                org_type: cell(&c.org_type, ctx.row),
                charity_number: cell(&c.charity_number, ctx.row),
                company_number: cell(&c.company_number, ctx.row),
            },
        );
    }
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

/// Flattens a 360Giving JSON package `{"grants": [...]}` into a table.
fn json_table<'a>(file: &'a str, text: &str) -> Result<Table<'a>, Problem> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
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
        let cells = JSON_FIELDS
            .iter()
            .map(|(_, path)| json_cell(g, path))
            .collect();
        rows.push((place, Ok(cells)));
    }
    Ok(Table::from_rows(
        file,
        headers,
        Some(labels),
        Place::Line(1),
        rows,
    ))
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
