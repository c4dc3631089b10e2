//! payments.csv: paid participation (involvement payments, backfill, honoraria, expenses).

use super::parse::{parse_amount, parse_date};
use super::table::{Col, Headers, RowCtx, Unique};
use super::{read_csv, FileLedger, InputFile, Interner, Ledger};
use crate::error::{Error, Problem, Reason};
use crate::model::{Meeting, OrgId, Payee, Payment, PaymentType};
use chrono::NaiveDate;
use std::collections::HashSet;

struct Cols {
    id: Col,
    payer: Col,
    payee_person: Option<Col>,
    payee_org: Option<Col>,
    meeting: Option<Col>,
    period_start: Option<Col>,
    period_end: Option<Col>,
    amount: Col,
    kind: Col,
    date: Col,
}

fn resolve(h: &Headers) -> Result<Cols, Problem> {
    let payee_person = h.optional("Payee Person ID")?;
    let payee_org = h.optional("Payee Org ID")?;
    if payee_person.is_none() && payee_org.is_none() {
        return Err(h.missing("Payee Person ID"));
    }
    Ok(Cols {
        id: h.required("Payment ID")?,
        payer: h.required("Payer")?,
        payee_person,
        payee_org,
        meeting: h.optional("Meeting ID")?,
        period_start: h.optional("Period Start")?,
        period_end: h.optional("Period End")?,
        amount: h.required("Amount")?,
        kind: h.required("Type")?,
        date: h.required("Date")?,
    })
}

pub(crate) fn load(
    file: &InputFile,
    ledger: &mut Ledger,
    meetings: &[Meeting],
    people: &mut Interner,
) -> Result<Vec<Payment>, Error> {
    let known: HashSet<&str> = meetings.iter().map(|m| m.id.as_str()).collect();
    let mut unique = Unique::default();
    let mut total = super::grants::MoneyTotal::new("payment amounts");
    let payments = read_csv(file, ledger, resolve, |c, ctx, rows| {
        if ctx.get(&c.id).is_empty() {
            return Err(ctx.problem(&c.id, Reason::new("missing-value", "Payment ID is empty")));
        }
        let payer = OrgId::parse(ctx.get(&c.payer))
            .ok_or_else(|| ctx.problem(&c.payer, Reason::new("missing-value", "Payer is empty")))?;
        let person = ctx.opt(&c.payee_person);
        let org = ctx.opt(&c.payee_org);
        let payee = match (person.is_empty(), OrgId::parse(org)) {
            (false, None) => Payee::Person(people.key(person)),
            (true, Some(o)) => Payee::Org(o),
            (both_or_neither, _) => {
                let col = c
                    .payee_org
                    .as_ref()
                    .or(c.payee_person.as_ref())
                    .unwrap_or(&c.id);
                let why = if both_or_neither {
                    "neither Payee Person ID nor Payee Org ID is given; exactly one is needed"
                } else {
                    "both Payee Person ID and Payee Org ID are given; exactly one is needed"
                };
                return Err(ctx.problem(col, Reason::new("payee-invalid", why)));
            }
        };
        let meeting = match c.meeting.as_ref().map(|col| (col, ctx.get(col))) {
            Some((_, "")) | None => None,
            Some((col, v)) => {
                if !known.contains(v) {
                    return Err(ctx.problem(
                        col,
                        Reason::new(
                            "unknown-meeting",
                            "no usable meeting with this ID in meetings.csv",
                        ),
                    ));
                }
                Some(v.to_owned())
            }
        };
        let amount = parse_amount(ctx.get(&c.amount)).map_err(|r| ctx.problem(&c.amount, r))?;
        let kind = match ctx.get(&c.kind).to_ascii_lowercase().as_str() {
            "involvement" => PaymentType::Involvement,
            "backfill" => PaymentType::Backfill,
            "honorarium" => PaymentType::Honorarium,
            "expenses" => PaymentType::Expenses,
            _ => {
                return Err(ctx.problem(
                    &c.kind,
                    Reason::new(
                        "type-invalid",
                        "Type must be involvement, backfill, honorarium or expenses",
                    ),
                ))
            }
        };
        let date = parse_date(ctx.get(&c.date)).map_err(|r| ctx.problem(&c.date, r))?;
        let period = period(c, ctx, rows);
        unique.check(ctx, &c.id, "Payment ID")?;
        total.add(amount, |why| ctx.problem(&c.amount, why));
        Ok(Payment {
            id: ctx.get(&c.id).to_owned(),
            payer,
            payee,
            meeting,
            period,
            amount,
            kind,
            date,
        })
    })?;
    total.check()?;
    Ok(payments)
}

/// `Period Start`..=`Period End` when both are usable and in order; otherwise a warning and
/// no period (the payment can still cover the meeting it names).
fn period(c: &Cols, ctx: &RowCtx, rows: &mut FileLedger) -> Option<(NaiveDate, NaiveDate)> {
    let start_raw = ctx.opt(&c.period_start);
    let end_raw = ctx.opt(&c.period_end);
    if start_raw.is_empty() && end_raw.is_empty() {
        return None;
    }
    let mut warn = |col: &Option<Col>, why: String| {
        if let Some(col) = col
            .as_ref()
            .or(c.period_start.as_ref())
            .or(c.period_end.as_ref())
        {
            rows.warn(ctx.problem(col, Reason::new("period-invalid", why)));
        }
    };
    // Each end as a date, or a warning naming its column.
    let mut date = |raw: &str, col: &Option<Col>, name: &str| {
        parse_date(raw)
            .map_err(|r| warn(col, format!("{name}: {}; period ignored", r.message)))
            .ok()
    };
    let start = date(start_raw, &c.period_start, "Period Start")?;
    let end = date(end_raw, &c.period_end, "Period End")?;
    if end < start {
        warn(
            &c.period_end,
            "Period End is before Period Start; period ignored".into(),
        );
        return None;
    }
    Some((start, end))
}
