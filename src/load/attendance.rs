//! attendance.csv: who came to which meeting. Person IDs are replaced by opaque keys here
//! and go no further.

use super::parse::parse_decimal;
use super::table::{Col, Headers};
use super::{read_csv, InputFile, Interner, Ledger, OrgIds};
use crate::error::{Error, Problem, Reason};
use crate::model::FastSet;
use crate::model::{Attendance, Meeting, Status};

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
    let mut orgs = OrgIds::default();
    read_csv(file, ledger, resolve, |c, ctx, rows| {
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
    })
}
