//! attendance.csv: who came to which meeting. Person IDs are replaced by opaque keys here
//! and go no further.

use super::parse::parse_decimal;
use super::table::{Col, Headers, RowCtx, Table};
use super::{read_rows, FileLedger, InputFile, Interner, Ledger, OrgIds};
use crate::error::{Error, Problem, Reason};
use crate::model::FastSet;
use crate::model::{Attendance, Meeting, PersonKey, Status};

struct Cols {
    meeting: Col,
    person: Col,
    org: Col,
    status: Col,
    hours: Option<Col>,
}

fn resolve(h: &Headers) -> Result<Cols, Problem> {
    Ok(Cols {
        meeting: h.required("Meeting ID")?,
        person: h.required("Person ID")?,
        org: h.required("Org ID")?,
        status: h.required("Status")?,
        hours: h.optional("Hours")?,
    })
}

pub(crate) fn load(
    file: &InputFile,
    ledger: &mut Ledger,
    meetings: &[Meeting],
    people: &mut Interner,
) -> Result<Vec<Attendance>, Error> {
    let known: FastSet<&str> = meetings.iter().map(|m| m.id.as_str()).collect();
    let mut text = None;
    let mut table = super::open_table(file, &mut text)?;
    if let Some(rows) = load_in_parts(&mut table, ledger, &known, people, super::part_bytes())? {
        return Ok(rows);
    }
    let mut orgs = OrgIds::default();
    read_rows(&mut table, ledger, resolve, |c, ctx, rows| {
        parse_row(c, ctx, rows, &known, people, &mut orgs)
    })
}

/// Reads attendance.csv (or .parquet) on several threads, a run of whole records (or row
/// groups) each, as the grants are read (see `grants::load_in_parts`): each part keys the
/// people it names in the order it first names them, and the parts, put together in file
/// order, key them in the order the file first names them. `None` (nothing touched) for a
/// file too small to split or a part that cannot be read: the file is then read on one
/// thread.
fn load_in_parts(
    table: &mut Table,
    ledger: &mut Ledger,
    known: &FastSet<&str>,
    people: &mut Interner,
    part_bytes: usize,
) -> Result<Option<Vec<Attendance>>, Error> {
    use rayon::prelude::*;
    let parts = match table.parts(rayon::current_num_threads() * 4, part_bytes) {
        Some(parts) if parts.len() > 1 => parts,
        _ => return Ok(None),
    };
    let cols = table.columns(resolve)?;
    let table = &*table;
    let skip_invalid = ledger.skip_invalid;
    let read: Option<Vec<(Vec<Attendance>, Ledger, Interner)>> = parts
        .par_iter()
        .map(|part| {
            let mut ledger = Ledger::new(skip_invalid);
            let mut local = Interner::default();
            let mut orgs = OrgIds::default();
            let rows = super::read_part(table, part, &mut ledger, &cols, |c, ctx, rows| {
                parse_row(c, ctx, rows, known, &mut local, &mut orgs)
            })
            .ok()?;
            Some((rows, ledger, local))
        })
        .collect();
    let Some(read) = read else { return Ok(None) };
    let _ = ledger.start(table.file);
    let mut out = Vec::with_capacity(read.iter().map(|(rows, _, _)| rows.len()).sum());
    for (mut rows, part_ledger, local) in read {
        let keys: Vec<PersonKey> = local
            .into_ordered()
            .iter()
            .map(|id| people.key(id))
            .collect();
        for a in &mut rows {
            a.person = keys.get(a.person.0 as usize).copied().unwrap_or(a.person);
        }
        out.extend(rows);
        ledger.absorb_part(part_ledger);
    }
    Ok(Some(out))
}

fn parse_row(
    c: &Cols,
    ctx: &RowCtx,
    rows: &mut FileLedger,
    known: &FastSet<&str>,
    people: &mut Interner,
    orgs: &mut OrgIds,
) -> Result<Attendance, Problem> {
    let meeting = ctx.get(&c.meeting);
    if !known.contains(meeting) {
        return Err(ctx.problem(
            &c.meeting,
            Reason::new(
                "unknown-meeting",
                "no usable meeting with this ID in meetings.csv",
            ),
        ));
    }
    let person = ctx.get(&c.person);
    if person.is_empty() {
        // The value is empty, so nothing personal reaches the message.
        return Err(ctx.problem(
            &c.person,
            Reason::new("missing-value", "Person ID is empty"),
        ));
    }
    let status = match ctx.get(&c.status).to_ascii_lowercase().as_str() {
        "attended" => Status::Attended,
        "apologies" => Status::Apologies,
        "absent" => Status::Absent,
        _ => {
            return Err(ctx.problem(
                &c.status,
                Reason::new(
                    "status-invalid",
                    "Status must be attended, apologies or absent",
                ),
            ))
        }
    };
    let hours = match c.hours.as_ref().map(|col| (col, ctx.get(col))) {
        Some((_, "")) | None => None,
        Some((col, v)) => match parse_decimal(v) {
            Some(h) if (0.0..=24.0).contains(&h) => Some(h),
            _ => {
                rows.warn(ctx.problem(
                    col,
                    Reason::new(
                        "hours-invalid",
                        "Hours must be between 0 and 24; the meeting's duration is used",
                    ),
                ));
                None
            }
        },
    };
    Ok(Attendance {
        meeting: meeting.to_owned(),
        person: people.key(person),
        org: orgs.parse(ctx.get(&c.org)),
        status,
        hours,
    })
}
