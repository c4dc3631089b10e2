//! meetings.csv: partnership meetings, who hosted and chaired them.

use super::parse::{parse_date, parse_decimal, parse_flag, parse_time};
use super::table::{Col, Headers, Unique};
use super::{read_csv, InputFile, Ledger};
use crate::error::{Error, Problem, Reason};
use crate::model::{Meeting, OrgId, Partnership};
use std::collections::HashSet;

struct Cols {
    id: Col,
    partnership: Col,
    date: Col,
    duration: Col,
    host: Option<Col>,
    chair: Option<Col>,
    decision: Option<Col>,
    kind: Option<Col>,
    start: Option<Col>,
}

fn resolve(h: &Headers) -> Result<Cols, Problem> {
    Ok(Cols {
        id: h.required("Meeting ID")?,
        partnership: h.required("Partnership ID")?,
        date: h.required("Date")?,
        duration: h.required("Duration Hours")?,
        host: h.optional("Host")?,
        chair: h.optional("Chair")?,
        decision: h.optional("Decision")?,
        kind: h.optional("Type")?,
        start: h.optional("Start Time")?,
    })
}

pub(crate) fn load(
    file: &InputFile,
    ledger: &mut Ledger,
    partnerships: &[Partnership],
) -> Result<Vec<Meeting>, Error> {
    let known: HashSet<&str> = partnerships.iter().map(|p| p.id.as_str()).collect();
    let mut unique = Unique::default();
    read_csv(file, ledger, resolve, |c, ctx, rows| {
        let id = ctx.get(&c.id);
        if id.is_empty() {
            return Err(ctx.problem(&c.id, Reason::new("missing-value", "Meeting ID is empty")));
        }
        let partnership = ctx.get(&c.partnership);
        if !known.contains(partnership) {
            return Err(ctx.problem(
                &c.partnership,
                Reason::new(
                    "unknown-partnership",
                    "no partnership with this ID in partnerships.csv",
                ),
            ));
        }
        let date = parse_date(ctx.get(&c.date)).map_err(|r| ctx.problem(&c.date, r))?;
        let duration_hours = match parse_decimal(ctx.get(&c.duration)) {
            Some(h) if h > 0.0 && h <= 24.0 => h,
            _ => {
                return Err(ctx.problem(
                    &c.duration,
                    Reason::new(
                        "duration-invalid",
                        "Duration Hours must be a number of hours above 0 and at most 24",
                    ),
                ))
            }
        };
        let decision = match c.decision.as_ref().map(|col| (col, ctx.get(col))) {
            Some((_, "")) | None => None,
            Some((col, v)) => Some(parse_flag(v).ok_or_else(|| {
                ctx.problem(
                    col,
                    Reason::new(
                        "decision-invalid",
                        "Decision must be yes, no, y, n, true or false",
                    ),
                )
            })?),
        };
        let start_time = match c.start.as_ref().map(|col| (col, ctx.get(col))) {
            Some((_, "")) | None => None,
            Some((col, v)) => {
                let t = parse_time(v);
                if t.is_none() {
                    rows.warn(ctx.problem(
                        col,
                        Reason::new("time-invalid", "Start Time is not HH:MM; ignored"),
                    ));
                }
                t
            }
        };
        unique.check(ctx, &c.id, "Meeting ID")?;
        Ok(Meeting {
            id: id.to_owned(),
            partnership: partnership.to_owned(),
            date,
            duration_hours,
            host: OrgId::parse(ctx.opt(&c.host)),
            chair: OrgId::parse(ctx.opt(&c.chair)),
            decision,
            kind: ctx.text(&c.kind),
            start_time,
        })
    })
}
