//! The tables written under `OUT/tables/`: which findings each one holds, in which order.
//! Each is built from [`Findings`] alone, through [`crate::table`] (CSV and Parquet), with
//! `--public`'s markers from [`crate::disclosure`].

use crate::error::Error;
use crate::findings::Findings;
use crate::table::Table;

/// Builds one table.
pub(crate) type TableMaker<'f> = Box<dyn Fn() -> Result<Table, Error> + Send + Sync + 'f>;

fn maker<'f>(f: impl Fn() -> Result<Table, Error> + Send + Sync + 'f) -> TableMaker<'f> {
    Box::new(f)
}

/// The tables written under `OUT/tables/`, each built when its maker is called (so they can
/// be built and written one per thread, and each dropped once written).
pub(crate) fn table_makers(f: &Findings) -> Vec<TableMaker<'_>> {
    vec![
        maker(move || Table::typed(f.disclosure.public, "funders", &f.funders)),
        maker(move || Table::typed(f.disclosure.public, "recipients", &f.recipients)),
        maker(move || {
            marked(f, "partnerships", &f.partnerships, &|i| {
                format!("/partnerships/{i}")
            })
        }),
        maker(move || {
            let (rows, at) = nested(
                &f.partnerships,
                "/partnerships",
                "balance",
                |p| &p.balance,
                |p, b| BalanceRow {
                    partnership: p.id.as_str(),
                    member: b,
                },
            );
            marked(f, "balance", &rows, &|k| at[k].clone())
        }),
        maker(move || marked(f, "flags", &f.flags, &|k| format!("/flags/{k}"))),
        maker(move || Table::typed(f.disclosure.public, "payments", &f.payments.rows())),
        maker(move || Table::typed(f.disclosure.public, "sectors", &f.totals.by_sector)),
        maker(move || Table::typed(f.disclosure.public, "areas", &f.concentration.by_area)),
        maker(move || Table::typed(f.disclosure.public, "cliff_by_quarter", &f.cliff.by_quarter)),
        maker(move || {
            Table::typed(
                f.disclosure.public,
                "intermediaries",
                &f.regranting.intermediaries,
            )
        }),
        maker(move || Table::typed(f.disclosure.public, "edges", &f.edges)),
        maker(move || {
            Table::typed(
                f.disclosure.public,
                "seat_holders",
                f.equity
                    .usual_suspects
                    .as_ref()
                    .map_or(&[][..], |u| &u.organisations[..]),
            )
        }),
        maker(move || {
            marked(
                f,
                "covered_attendance",
                f.equity
                    .covered_attendance
                    .as_ref()
                    .map_or(&[][..], |c| &c.by_partnership[..]),
                &|k| format!("/equity/covered_attendance/by_partnership/{k}"),
            )
        }),
        maker(move || {
            marked(f, "groups", &f.equity.groups, &|g| {
                format!("/equity/groups/{g}")
            })
        }),
        maker(move || {
            marked(f, "burden", &f.equity.burden, &|b| {
                format!("/equity/burden/{b}")
            })
        }),
        maker(move || {
            marked(
                f,
                "trends",
                &f.trends
                    .iter()
                    .map(|y| TrendRow {
                        year: y,
                        notes: y.notes.join("; "),
                    })
                    .collect::<Vec<_>>(),
                &|y| format!("/trends/{y}"),
            )
        }),
        maker(move || {
            let (rows, at) = nested(
                &f.trends,
                "/trends",
                "partnerships",
                |y| &y.partnerships,
                |y, p| TrendPartnershipRow {
                    fy: y.fy,
                    label: &y.label,
                    partnership: p,
                },
            );
            marked(f, "trends_partnerships", &rows, &|k| at[k].clone())
        }),
    ]
}

/// The rows of a list inside each item of another (`partnerships[i].balance[j]`), in order,
/// each with its JSON pointer `{outer}/{i}/{inner}/{j}` for [`marked`].
fn nested<'a, P, C: 'a, R>(
    parents: &'a [P],
    outer: &str,
    inner: &str,
    children: impl Fn(&'a P) -> &'a [C],
    row: impl Fn(&'a P, &'a C) -> R,
) -> (Vec<R>, Vec<String>) {
    let mut rows = Vec::new();
    let mut at = Vec::new();
    for (i, p) in parents.iter().enumerate() {
        for (j, c) in children(p).iter().enumerate() {
            rows.push(row(p, c));
            at.push(format!("{outer}/{i}/{inner}/{j}"));
        }
    }
    (rows, at)
}

/// A table whose rows are items of findings.json (row `i` at JSON pointer `at(i)`), so that
/// under `--public` the derived figures disclosure control suppressed get their markers.
fn marked<T: serde::Serialize>(
    f: &Findings,
    name: &'static str,
    rows: &[T],
    at: &dyn Fn(usize) -> String,
) -> Result<Table, Error> {
    Table::typed_marked(
        f.disclosure.public,
        name,
        rows,
        at,
        &f.disclosure.suppressed,
    )
}

/// A trend year as a table row: its figures, with the notes as one text column.
#[derive(serde::Serialize)]
struct TrendRow<'a> {
    #[serde(flatten)]
    year: &'a crate::trends::TrendYear,
    notes: String,
}

#[derive(serde::Serialize)]
struct TrendPartnershipRow<'a> {
    fy: i32,
    label: &'a str,
    #[serde(flatten)]
    partnership: &'a crate::trends::PartnershipYear,
}

#[derive(serde::Serialize)]
struct BalanceRow<'a, T: serde::Serialize> {
    partnership: &'a str,
    #[serde(flatten)]
    member: &'a T,
}
