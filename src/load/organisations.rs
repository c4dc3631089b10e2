//! organisations.csv: optional enrichment that overrides inference.
//!
//! Columns are SPEC.md's (`Identifier`, `Name`, `Sector`, `Type`, `Annual Income`, `Area`,
//! `Led By`, `Same As`) unless `[organisations]` in fundflow.toml maps them
//! ([`OrganisationsMapping`]), as for a Charity Commission register extract
//! (`registered_charity_number`, `charity_name`, `latest_income`, ...). A mapped column
//! must be in the file; an unmapped one is read when present.
//!
//! With `only_mentioned` (the default when a mapping is given) the file is read after every
//! other file, and a row whose identifier no other file names is left out and counted as
//! `not-mentioned` before anything else in it is checked: a national register of 170,000
//! charities then neither becomes 170,000 organisations of the dataset (inflating
//! denominators such as the share of VCSE organisations a `Led By` tag holds) nor fails a
//! strict load over rows that would be dropped anyway.

use super::parse::parse_amount;
use super::table::{Col, Headers, RowCtx};
use super::{FileLedger, InputFile, Ledger, OrgRow, SameAs};
use crate::config::OrganisationsMapping;
use crate::error::{Error, Place, Problem, Reason};
use crate::model::{OrgId, Sector};
use std::collections::HashMap;

/// Reason codes of rows left out on purpose. They are counted with the rejected rows (every
/// row is used or accounted for by a reason) but are never errors.
pub(crate) const LEFT_OUT_REASONS: [&str; 3] = [NOT_MENTIONED, LINKED_CHARITY, REMOVED_CHARITY];

const NOT_MENTIONED: &str = "not-mentioned";
const LINKED_CHARITY: &str = "linked-charity";
const REMOVED_CHARITY: &str = "removed-charity";

struct Cols {
    id: Col,
    name: Option<Col>,
    sector: Option<Col>,
    kind: Option<Col>,
    income: Option<Col>,
    area: Option<Col>,
    led_by: Option<Col>,
    same_as: Option<Col>,
    linked: Option<Col>,
    removed: Option<Col>,
}

/// The column a mapping key names (required: it was asked for), else SPEC.md's column if
/// present.
fn column(
    h: &Headers,
    mapped: &Option<String>,
    key: &str,
    spec: Option<&str>,
) -> Result<Option<Col>, Problem> {
    match (mapped, spec) {
        (Some(name), _) => h
            .optional(name)?
            .map(Some)
            .ok_or_else(|| mapped_missing(h, key, name)),
        (None, Some(spec)) => h.optional(spec),
        (None, None) => Ok(None),
    }
}

fn mapped_missing(h: &Headers, key: &str, name: &str) -> Problem {
    let mut p = h.missing(name);
    p.reason = Reason::new(
        "missing-column",
        format!(
            "column \"{name}\" is missing from the header ([organisations] {key} = \"{name}\" in the config names it)"
        ),
    );
    p
}

fn resolve(h: &Headers, m: Option<&OrganisationsMapping>) -> Result<Cols, Problem> {
    let Some(m) = m else {
        return Ok(Cols {
            id: h.required("Identifier")?,
            name: h.optional("Name")?,
            sector: h.optional("Sector")?,
            kind: h.optional("Type")?,
            income: h.optional("Annual Income")?,
            area: h.optional("Area")?,
            led_by: h.optional("Led By")?,
            same_as: h.optional("Same As")?,
            linked: None,
            removed: None,
        });
    };
    let id = match &m.identifier {
        Some(name) => h
            .optional(name)?
            .ok_or_else(|| mapped_missing(h, "identifier", name))?,
        None => h.required("Identifier")?,
    };
    Ok(Cols {
        id,
        name: column(h, &m.name, "name", Some("Name"))?,
        sector: column(h, &m.sector, "sector", Some("Sector"))?,
        kind: column(h, &m.org_type, "type", Some("Type"))?,
        income: column(h, &m.income, "income", Some("Annual Income"))?,
        area: column(h, &m.area, "area", Some("Area"))?,
        led_by: column(h, &m.led_by, "led_by", Some("Led By"))?,
        same_as: column(h, &m.same_as, "same_as", Some("Same As"))?,
        linked: column(h, &m.linked, "linked", None)?,
        removed: column(h, &m.removed, "removed", None)?,
    })
}

/// Reads organisations.csv. `mentioned`, when given, says whether another file names an
/// identifier; rows it rejects are left out (`not-mentioned`).
pub(crate) fn load(
    file: &InputFile,
    ledger: &mut Ledger,
    mapping: Option<&OrganisationsMapping>,
    mentioned: Option<&dyn Fn(&OrgId) -> bool>,
) -> Result<Vec<OrgRow>, Error> {
    let mut text = None;
    let mut table = super::open_table(file, &mut text)?;
    let cols = table.columns(|h| resolve(h, mapping))?;
    let plain = OrganisationsMapping::default();
    let reading = Reading {
        cols,
        mapping: mapping.unwrap_or(&plain),
        mentioned,
    };
    let mut rows = ledger.start(table.file);
    let mut first_seen: HashMap<OrgId, Place> = HashMap::new();
    let mut out = Vec::new();
    table.for_each(|place, row| -> Result<(), Error> {
        rows.read();
        let parsed = row.and_then(|row| {
            let ctx = RowCtx {
                file: table.file,
                place: &place,
                row,
            };
            reading.row(&ctx, &mut first_seen, &mut rows)
        });
        match parsed {
            Ok(Some(r)) => {
                rows.used();
                out.push(r);
            }
            // Left out on purpose, and already counted.
            Ok(None) => {}
            Err(p) => rows.reject(p),
        }
        Ok(())
    })?;
    Ok(out)
}

struct Reading<'a> {
    cols: Cols,
    mapping: &'a OrganisationsMapping,
    mentioned: Option<&'a dyn Fn(&OrgId) -> bool>,
}

impl Reading<'_> {
    /// One row: `Ok(None)` when it is left out on purpose (counted here).
    fn row(
        &self,
        ctx: &RowCtx,
        first_seen: &mut HashMap<OrgId, Place>,
        rows: &mut FileLedger,
    ) -> Result<Option<OrgRow>, Problem> {
        let c = &self.cols;
        let id = self.mapping.identifier_of(ctx.get(&c.id)).ok_or_else(|| {
            ctx.problem(&c.id, Reason::new("missing-value", "Identifier is empty"))
        })?;
        if self.mentioned.is_some_and(|mentioned| !mentioned(&id)) {
            rows.leave_out(NOT_MENTIONED, || {
                ctx.problem(
                    &c.id,
                    Reason::new(
                        NOT_MENTIONED,
                        format!("{id} is named by no grant, partnership, meeting, attendance or payment; left out (only_mentioned)"),
                    ),
                )
            });
            return Ok(None);
        }
        if let Some(col) = &c.linked {
            if !matches!(ctx.get(col), "" | "0") {
                rows.leave_out(LINKED_CHARITY, || {
                    ctx.problem(
                        col,
                        Reason::new(
                            LINKED_CHARITY,
                            "a linked charity shares its main charity's number, which the 360Giving identifier names; left out",
                        ),
                    )
                });
                return Ok(None);
            }
        }
        // Identifiers compare case-insensitively (and a prefix may have been added), so
        // duplicates are found on the normalised id: `1234567` and `GB-CHC-1234567` are one.
        if let Some(first) = first_seen.get(&id) {
            return Err(ctx.problem(
                &c.id,
                Reason::new(
                    "duplicate-identifier",
                    match first {
                        Place::Line(l) => {
                            format!("duplicate organisation Identifier (first on line {l})")
                        }
                        Place::Path(p) => {
                            format!("duplicate organisation Identifier (first at {p})")
                        }
                    },
                ),
            ));
        }
        first_seen.insert(id.clone(), ctx.place.clone());
        if let Some(col) = &c.removed {
            let v = ctx.get(col);
            if !v.is_empty() && !v.eq_ignore_ascii_case("registered") {
                if self.mapping.skip_removed {
                    rows.leave_out(REMOVED_CHARITY, || {
                        ctx.problem(
                            col,
                            Reason::new(
                                REMOVED_CHARITY,
                                "removed from the register; left out (skip_removed)",
                            ),
                        )
                    });
                    return Ok(None);
                }
                rows.warn(ctx.problem(
                    col,
                    Reason::new(
                        REMOVED_CHARITY,
                        "removed from the register; kept, as grants to it are still money it received",
                    ),
                ));
            }
        }
        let sector = match c.sector.as_ref().map(|col| (col, ctx.get(col))) {
            Some((_, "")) | None => self.mapping.default_sector,
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
        let mut led_by: Vec<String> = crate::present::csv_cell_read(ctx.opt(&c.led_by))
            .split(';')
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        led_by.sort();
        led_by.dedup();
        // A full identifier, as in every other file: the mapping's prefix is for the
        // register's own numbers, not for what they point at. Whether the target exists, is
        // the row itself or closes a cycle is known only once every file is read
        // (super::merge).
        let same_as = c.same_as.as_ref().and_then(|col| {
            OrgId::parse(ctx.get(col)).map(|target| SameAs {
                target,
                file: ctx.file.to_owned(),
                place: ctx.place.clone(),
                column: col.name.clone(),
                raw: ctx.get(col).to_owned(),
            })
        });
        Ok(Some(OrgRow {
            id,
            // A name quoted by the organisations template (`'=X`) reads back as written.
            name: ctx
                .text(&c.name)
                .map(|n| crate::present::csv_cell_read(&n).to_owned()),
            sector,
            org_type: ctx
                .text(&c.kind)
                .map(|t| crate::present::csv_cell_read(&t).to_owned()),
            annual_income,
            area: ctx
                .text(&c.area)
                .map(|a| crate::present::csv_cell_read(&a).to_owned()),
            led_by,
            same_as,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{load_inputs, GrantsFormat, Inputs, LoadOptions};
    use super::*;
    use crate::model::{Dataset, Pence};
    use std::borrow::Cow;

    const GRANTS: &str = "Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n\
        G1,1000,2024-04-01,GB-LAE-NBR,Northbridge Council,GB-CHC-1234567,Food Bank\n\
        G2,500,2024-04-02,GB-LAE-NBR,Northbridge Council,360G-NBR-GROUP,Local Group\n";

    const REGISTER: &str = "registered_charity_number,linked_charity_number,charity_name,latest_income,date_of_removal\n";

    fn file(name: &str, text: &str) -> InputFile {
        InputFile {
            name: name.into(),
            bytes: Cow::Owned(text.as_bytes().to_vec()),
        }
    }

    fn inputs(organisations: &str, partnerships: Option<&str>) -> Inputs {
        Inputs {
            grants: Some((file("grants.csv", GRANTS), GrantsFormat::Csv)),
            organisations: Some(file("organisations.csv", organisations)),
            partnerships: partnerships.map(|p| file("partnerships.csv", p)),
            ..Inputs::default()
        }
    }

    fn register() -> OrganisationsMapping {
        OrganisationsMapping {
            identifier: Some("registered_charity_number".into()),
            identifier_prefix: Some("GB-CHC-".into()),
            name: Some("charity_name".into()),
            income: Some("latest_income".into()),
            default_sector: Some(Sector::Vcse),
            ..OrganisationsMapping::default()
        }
    }

    fn load_with(
        organisations: &str,
        partnerships: Option<&str>,
        mapping: Option<OrganisationsMapping>,
    ) -> Result<Dataset, Error> {
        let opts = LoadOptions {
            organisations: mapping,
            ..LoadOptions::default()
        };
        load_inputs(&inputs(organisations, partnerships), &opts)
    }

    fn id(s: &str) -> OrgId {
        OrgId::parse(s).expect("id")
    }

    fn quality(d: &Dataset) -> &crate::model::FileQuality {
        d.quality
            .files
            .iter()
            .find(|f| f.file == "organisations.csv")
            .expect("organisations.csv accounted for")
    }

    fn count(
        map: &std::collections::BTreeMap<String, crate::model::ReasonCount>,
        code: &str,
    ) -> usize {
        map.get(code).map_or(0, |r| r.count)
    }

    #[test]
    fn register_rows_are_read_through_the_mapping_and_unmentioned_ones_left_out() {
        // " 1234567 " is mentioned (as GB-CHC-1234567 in grants); 7654321 is not, and its
        // bad income is never looked at. Strict mode: leaving rows out is not an error.
        let text =
            format!("{REGISTER} 1234567 ,0,FOOD BANK,\"£1,234\",\n7654321,0,FAR AWAY,lots,\n");
        let d = load_with(&text, None, Some(register())).expect("loads");
        let o = &d.organisations[&id("GB-CHC-1234567")];
        assert_eq!(o.name, "FOOD BANK");
        // £1,234 → 123,400 pence.
        assert_eq!(o.annual_income, Some(Pence(123_400)));
        assert_eq!(o.sector, Sector::Vcse);
        assert_eq!(o.sector_rule, crate::model::SectorRule::OrganisationsCsv);
        assert!(!d.organisations.contains_key(&id("GB-CHC-7654321")));
        // 2 read = 1 used + 1 left out; no warning for the dropped row's income.
        let q = quality(&d);
        assert_eq!((q.rows_read, q.rows_used), (2, 1));
        assert_eq!(count(&q.rejected, NOT_MENTIONED), 1);
        assert!(q.warnings.is_empty(), "{:?}", q.warnings);
        // Organisations: the register's one, the council, the group: 3, not 4.
        assert_eq!(d.organisations.len(), 3);
    }

    #[test]
    fn mentions_count_from_every_file_and_can_be_switched_off() {
        // 2222222 holds a partnership's money but has no grant: it is mentioned.
        let text = format!("{REGISTER}2222222,0,FUNDHOLDER,100,\n7654321,0,FAR AWAY,5,\n");
        let partnerships = "Partnership ID,Name,Fundholder,Programme\nP1,Board,GB-CHC-2222222,\n";
        let d = load_with(&text, Some(partnerships), Some(register())).expect("loads");
        assert!(d.organisations.contains_key(&id("GB-CHC-2222222")));
        assert!(!d.organisations.contains_key(&id("GB-CHC-7654321")));
        // only_mentioned = false keeps every row, as organisations.csv always did.
        let all = OrganisationsMapping {
            only_mentioned: false,
            ..register()
        };
        let d = load_with(&text, Some(partnerships), Some(all)).expect("loads");
        assert!(d.organisations.contains_key(&id("GB-CHC-7654321")));
        assert_eq!(quality(&d).rows_used, 2);
    }

    #[test]
    fn without_a_mapping_spec_columns_are_read_and_every_row_kept() {
        let text = "Identifier,Name,Annual Income\nGB-CHC-1234567,Food Bank,1000\nGB-CHC-7654321,Far Away,5\n";
        let d = load_with(text, None, None).expect("loads");
        assert!(d.organisations.contains_key(&id("GB-CHC-7654321")));
        assert_eq!(
            d.organisations[&id("GB-CHC-1234567")].annual_income,
            Some(Pence(100_000))
        );
        // The register's layout without a mapping: SPEC's Identifier column is missing.
        let e = load_with(&format!("{REGISTER}1234567,0,X,1,\n"), None, None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("required column \"Identifier\""), "{e}");
    }

    #[test]
    fn a_mapped_column_missing_from_the_file_names_the_key_and_the_column() {
        let m = OrganisationsMapping {
            income: Some("latest_incom".into()),
            ..register()
        };
        let e = load_with(&format!("{REGISTER}1234567,0,X,1,\n"), None, Some(m))
            .expect_err("missing column is an error");
        assert_eq!(e.exit_code(), 2);
        let e = e.to_string();
        assert!(
            e.starts_with("organisations.csv:1:latest_incom: column \"latest_incom\" is missing")
                && e.contains("[organisations] income = \"latest_incom\""),
            "{e}"
        );
    }

    #[test]
    fn duplicates_are_found_after_the_prefix_and_case_and_linked_charities_left_out() {
        // "1234567" and "gb-chc-1234567" are one organisation once normalised.
        let text = format!("{REGISTER}1234567,0,A,1,\ngb-chc-1234567,0,B,1,\n");
        let e = load_with(&text, None, Some(register()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("organisations.csv:3:registered_charity_number: \"gb-chc-1234567\": duplicate organisation Identifier (first on line 2)"),
            "{e}"
        );
        // The register repeats a number for each linked charity; `linked` leaves them out.
        let text = format!("{REGISTER}1234567,0,MAIN,1,\n1234567,1,TRUST FUND,1,\n");
        let m = OrganisationsMapping {
            linked: Some("linked_charity_number".into()),
            ..register()
        };
        let d = load_with(&text, None, Some(m)).expect("loads");
        assert_eq!(d.organisations[&id("GB-CHC-1234567")].name, "MAIN");
        assert_eq!(count(&quality(&d).rejected, LINKED_CHARITY), 1);
    }

    #[test]
    fn removed_charities_are_kept_with_a_warning_unless_skipped() {
        let text = format!("{REGISTER}1234567,0,GONE,700,2024-12-01\n");
        let m = OrganisationsMapping {
            removed: Some("date_of_removal".into()),
            ..register()
        };
        let d = load_with(&text, None, Some(m.clone())).expect("loads");
        // Kept: its income still reaches dependency.
        assert_eq!(
            d.organisations[&id("GB-CHC-1234567")].annual_income,
            Some(Pence(70_000))
        );
        assert_eq!(count(&quality(&d).warnings, REMOVED_CHARITY), 1);
        let skip = OrganisationsMapping {
            skip_removed: true,
            ..m
        };
        let d = load_with(&text, None, Some(skip)).expect("loads");
        // Left out of the register; still an organisation (a recipient), without income.
        assert_eq!(d.organisations[&id("GB-CHC-1234567")].annual_income, None);
        assert_eq!(count(&quality(&d).rejected, REMOVED_CHARITY), 1);
        // A status column works too: "Registered" is not removed.
        let status = OrganisationsMapping {
            removed: Some("charity_registration_status".into()),
            ..register()
        };
        let text = "registered_charity_number,charity_name,latest_income,charity_registration_status\n1234567,HERE,1,Registered\n";
        let d = load_with(text, None, Some(status)).expect("loads");
        assert!(quality(&d).warnings.is_empty());
    }

    #[test]
    fn same_as_rewrites_every_grant_and_the_merged_identifier_is_gone() {
        // 360G-NBR-GROUP (G2, £5) is the food bank GB-CHC-1234567 (G1, £10): after merging
        // both grants go to GB-CHC-1234567, which keeps its grant's name; organisations:
        // council and food bank = 2. One row rewritten (G2), in grants.csv.
        let text = "Identifier,Name,Same As\n360G-NBR-GROUP,Old name, gb-chc-1234567 \n";
        let d = load_with(text, None, None).expect("loads");
        let to: Vec<String> = d
            .grants
            .iter()
            .map(|g| match &g.recipient {
                crate::model::Recipient::Org(o) => o.to_string(),
                crate::model::Recipient::Individual(_) => String::new(),
            })
            .collect();
        assert_eq!(to, ["GB-CHC-1234567", "GB-CHC-1234567"]);
        assert_eq!(d.organisations.len(), 2);
        assert_eq!(d.organisations[&id("GB-CHC-1234567")].name, "Food Bank");
        let m = &d.quality.merges;
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].into, id("GB-CHC-1234567"));
        assert_eq!(m[0].name, "Food Bank");
        assert_eq!(m[0].from[0].id, id("360G-NBR-GROUP"));
        assert_eq!(m[0].from[0].name, "Old name");
        assert_eq!(m[0].rows_rewritten, 1);
        assert_eq!(m[0].by_file.get("grants.csv"), Some(&1));
        // The row is used (it said something true); nothing rejected.
        assert_eq!(quality(&d).rows_used, 1);
    }

    #[test]
    fn a_bad_same_as_is_an_invalid_row_left_out_with_skip_invalid() {
        let text = "Identifier,Name,Same As\n360G-NBR-GROUP,Local Group,360G-NBR-GROUP\n";
        let e = load_with(text, None, None).expect_err("strict");
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().starts_with(
                "organisations.csv:2:Same As: \"360G-NBR-GROUP\": Same As names the row's own Identifier"
            ),
            "{e}"
        );
        let opts = LoadOptions {
            skip_invalid: true,
            ..LoadOptions::default()
        };
        let d = load_inputs(&inputs(text, None), &opts).expect("skips");
        // 1 read = 0 used + 1 rejected; nothing merged, the group still a recipient.
        let q = quality(&d);
        assert_eq!((q.rows_read, q.rows_used), (1, 0));
        assert_eq!(count(&q.rejected, "same-as-self"), 1);
        assert!(d.quality.merges.is_empty());
        assert!(d.organisations.contains_key(&id("360G-NBR-GROUP")));
    }
}
