//! organisations.csv: optional enrichment that overrides inference.

use super::parse::parse_amount;
use super::table::{Col, Headers, Unique};
use super::{read_csv, InputFile, Ledger, OrgRow};
use crate::error::{Error, Problem, Reason};
use crate::model::{OrgId, Sector};

struct Cols {
    id: Col,
    name: Option<Col>,
    sector: Option<Col>,
    kind: Option<Col>,
    income: Option<Col>,
    area: Option<Col>,
    led_by: Option<Col>,
}

fn resolve(h: &Headers) -> Result<Cols, Problem> {
    Ok(Cols {
        id: h.required("Identifier")?,
        name: h.optional("Name")?,
        sector: h.optional("Sector")?,
        kind: h.optional("Type")?,
        income: h.optional("Annual Income")?,
        area: h.optional("Area")?,
        led_by: h.optional("Led By")?,
    })
}

pub(crate) fn load(file: &InputFile, ledger: &mut Ledger) -> Result<Vec<OrgRow>, Error> {
    let mut unique = Unique::default();
    read_csv(file, ledger, resolve, |c, ctx, rows| {
        let id = OrgId::parse(ctx.get(&c.id)).ok_or_else(|| {
            ctx.problem(&c.id, Reason::new("missing-value", "Identifier is empty"))
        })?;
        // Identifiers compare case-insensitively, so duplicates are found on the normalised id.
        unique.check(ctx, &c.id, "organisation Identifier")?;
        let sector = match c.sector.as_ref().map(|col| (col, ctx.get(col))) {
            Some((_, "")) | None => None,
            Some((col, v)) => Some(Sector::parse(v).ok_or_else(|| {
                ctx.problem(
                    col,
                    Reason::new(
                        "sector-invalid",
                        "Sector must be statutory, vcse, private, individual or unknown (or empty to infer it)",
                    ),
                )
            })?),
        };
        let annual_income = match c.income.as_ref().map(|col| (col, ctx.get(col))) {
            Some((_, "")) | None => None,
            Some((col, v)) => match parse_amount(v) {
                Ok(p) => Some(p),
                Err(r) => {
                    rows.warn(ctx.problem(
                        col,
                        Reason::new("income-invalid", format!("{}; income ignored", r.message)),
                    ));
                    None
                }
            },
        };
        let mut led_by: Vec<String> = ctx
            .opt(&c.led_by)
            .split(';')
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        led_by.sort();
        led_by.dedup();
        Ok(OrgRow {
            id: id.clone(),
            name: ctx.text(&c.name),
            sector,
            org_type: ctx.text(&c.kind),
            annual_income,
            area: ctx.text(&c.area),
            led_by,
        })
    })
}
