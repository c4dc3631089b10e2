//! Renderers: one per format, all reading the same [`Findings`].
//!
//! [`write_outputs`] writes an output folder atomically: everything goes into a temporary
//! folder beside `OUT`, which replaces `OUT` only when every file has been written, so a
//! failed run leaves no half-written `OUT` (and a previous `OUT` intact).

pub mod json;
pub mod public;
pub mod tables;

use crate::error::Error;
use crate::findings::Findings;
use crate::staging::Staging;
use std::path::Path;
use tables::Table;

/// The tables written under `OUT/tables/`.
pub fn tables(f: &Findings) -> Result<Vec<Table>, Error> {
    Ok(vec![
        Table::from_rows(f.disclosure.public, "funders", &f.funders)?,
        Table::from_rows(f.disclosure.public, "recipients", &f.recipients)?,
        Table::from_rows(f.disclosure.public, "partnerships", &f.partnerships)?,
        Table::from_rows(
            f.disclosure.public,
            "balance",
            &f.partnerships
                .iter()
                .flat_map(|p| p.balance.iter().map(move |b| (p.id.as_str(), b)))
                .map(|(partnership, b)| BalanceRow {
                    partnership,
                    member: b,
                })
                .collect::<Vec<_>>(),
        )?,
        Table::from_rows(f.disclosure.public, "flags", &f.flags)?,
        Table::from_rows(f.disclosure.public, "sectors", &f.totals.by_sector)?,
        Table::from_rows(f.disclosure.public, "areas", &f.concentration.by_area)?,
        Table::from_rows(f.disclosure.public, "cliff_by_quarter", &f.cliff.by_quarter)?,
        Table::from_rows(
            f.disclosure.public,
            "intermediaries",
            &f.regranting.intermediaries,
        )?,
        Table::from_rows(f.disclosure.public, "edges", &f.edges)?,
        Table::from_rows(
            f.disclosure.public,
            "seat_holders",
            f.equity
                .usual_suspects
                .as_ref()
                .map_or(&[][..], |u| &u.organisations[..]),
        )?,
        Table::from_rows(
            f.disclosure.public,
            "covered_attendance",
            f.equity
                .covered_attendance
                .as_ref()
                .map_or(&[][..], |c| &c.by_partnership[..]),
        )?,
        Table::from_rows(f.disclosure.public, "groups", &f.equity.groups)?,
        Table::from_rows(f.disclosure.public, "burden", &f.equity.burden)?,
    ])
}

#[derive(serde::Serialize)]
struct BalanceRow<'a, T: serde::Serialize> {
    partnership: &'a str,
    #[serde(flatten)]
    member: &'a T,
}

/// Writes `findings.json` and `tables/` into `out`, atomically.
pub fn write_outputs(f: &Findings, out: &Path) -> Result<(), Error> {
    let staged = Staging::new(out, "findings.json")?;
    let result = (|| {
        write_file(
            &staged.dir.join("findings.json"),
            json::to_json(f)?.as_bytes(),
        )?;
        let tables_dir = staged.dir.join("tables");
        make_dir(&tables_dir)?;
        for t in tables(f)? {
            if !t.is_empty() {
                t.write(&tables_dir)?;
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => staged.commit(),
        Err(e) => {
            staged.abandon();
            Err(e)
        }
    }
}

/// Writes a file, naming it in any error.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|source| Error::Output {
        path: path.display().to_string(),
        source,
    })
}

fn make_dir(path: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(path).map_err(|source| Error::Output {
        path: path.display().to_string(),
        source,
    })
}
