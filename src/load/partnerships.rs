//! partnerships.csv: each partnership, its fundholder and the programme it holds.

use super::table::{Col, Headers, Unique};
use super::{read_csv, InputFile, Ledger};
use crate::error::{Error, Problem, Reason};
use crate::model::{OrgId, Partnership};

struct Cols {
    id: Col,
    name: Col,
    fundholder: Col,
    programme: Option<Col>,
}

fn resolve(h: &Headers) -> Result<Cols, Problem> {
    Ok(Cols {
        id: h.required("Partnership ID")?,
        name: h.required("Name")?,
        fundholder: h.required("Fundholder")?,
        programme: h.optional("Programme")?,
    })
}

pub(crate) fn load(file: &InputFile, ledger: &mut Ledger) -> Result<Vec<Partnership>, Error> {
    let mut unique = Unique::default();
    read_csv(file, ledger, resolve, |c, ctx, rows| {
        let id = ctx.get(&c.id);
        if id.is_empty() {
            return Err(ctx.problem(
                &c.id,
                Reason::new("missing-value", "Partnership ID is empty"),
            ));
        }
        let fundholder = OrgId::parse(ctx.get(&c.fundholder)).ok_or_else(|| {
            ctx.problem(
                &c.fundholder,
                Reason::new(
                    "missing-value",
                    "Fundholder is empty: every partnership names the partner holding its money",
                ),
            )
        })?;
        unique.check(ctx, &c.id, "Partnership ID")?;
        let mut name = ctx.get(&c.name).to_owned();
        if name.is_empty() {
            rows.warn(ctx.problem(
                &c.name,
                Reason::new("name-missing", "Name is empty; the ID is shown instead"),
            ));
            name = id.to_owned();
        }
        Ok(Partnership {
            id: id.to_owned(),
            name,
            fundholder,
            programme: ctx.text(&c.programme),
        })
    })
}
