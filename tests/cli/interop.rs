//! Files as other tools export them: a GrantNav CSV export, read as it comes.

use super::support::{arg, dataset, root, run, sector_of, validate_json, GRANTS};

#[test]
fn a_grantnav_export_is_read_as_it_comes() {
    let file = root().join("tests/fixtures/grantnav/grants.csv");
    let v = validate_json(&[arg(&file)]);
    // 4 grants: £1,500 + £2,500 + £800 + £300 = £5,100; one of them to a person.
    assert_eq!(v["totals"]["grants"], 4);
    assert_eq!(v["totals"]["amount"], 5_100.0);
    // The canonical org-id GrantNav adds is not used (SPEC.md's rule 5 reads the
    // organisation's own identifier): a 360G- recipient with no other evidence is unknown...
    assert_eq!(
        sector_of(&v, "360G-TRF-CHOIR"),
        Some(("unknown".into(), "no-rule".into()))
    );
    // ...its "Recipient Org: Org Type (additional data)" column is the org type...
    assert_eq!(
        sector_of(&v, "360G-TRF-CAFE"),
        Some(("vcse".into(), "org-type".into()))
    );
    // ...and a company is a company.
    assert_eq!(
        sector_of(&v, "GB-COH-12345678"),
        Some(("private".into(), "company".into()))
    );
    // "Beneficiary Location:0:Name" gives the area; "Recipient Individual Id" the person.
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "analyse",
        arg(&file),
        "-q",
        "--charts",
        "none",
        "-o",
        arg(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let f: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("findings.json")).expect("findings"),
    )
    .expect("json");
    assert_eq!(f["concentration"]["by_area"][0]["area"], "Trafford");
    let individuals = f["totals"]["by_sector"]
        .as_array()
        .and_then(|s| s.iter().find(|x| x["sector"] == "individual"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(individuals["amount"], 300.0);
    // No person identifier in any output.
    let text = std::fs::read_to_string(out.join("findings.json")).expect("findings");
    assert!(!text.to_lowercase().contains("360g-ind-1"));
}

/// `tests/fixtures/charity-register`: six grants to four charities, an organisations.csv in
/// the Charity Commission register's own columns (nine rows: four mentioned, one linked
/// charity, four named by no grant) and a fundflow.toml mapping them.
fn register() -> std::path::PathBuf {
    root().join("tests/fixtures/charity-register")
}

/// The register fixture copied to a temporary folder with another fundflow.toml.
fn register_with_config(toml: &str) -> tempfile::TempDir {
    let src = register();
    let read = |name: &str| std::fs::read(src.join(name)).expect("fixture");
    let grants = read("grants.csv");
    let orgs = read("organisations.csv");
    dataset(&[
        ("grants.csv", &grants),
        ("organisations.csv", &orgs),
        ("fundflow.toml", toml.as_bytes()),
    ])
}

fn findings_of(dataset: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let mut args = vec![
        "analyse",
        arg(dataset),
        "-q",
        "--charts",
        "none",
        "-o",
        arg(&out),
    ];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).expect("findings"))
        .expect("json")
}

fn recipient<'a>(f: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    f["recipients"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["id"] == id))
        .unwrap_or_else(|| panic!("{id} not among the recipients"))
}

#[test]
fn a_charity_register_is_read_through_the_mapping_and_unmentioned_rows_are_counted() {
    let v = validate_json(&[arg(&register())]);
    let orgs = v["files"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["role"] == "organisations"))
        .cloned()
        .unwrap_or_default();
    // 9 rows read = 4 kept (1100001-1100004, the ones the grants name) + 1 linked charity
    // (1100001's trust fund) + 4 named by nothing (1100005-1100008).
    assert_eq!(orgs["rows_read"], 9);
    assert_eq!(orgs["rows_used"], 4);
    assert_eq!(orgs["rejected"]["not-mentioned"]["count"], 4);
    assert_eq!(orgs["rejected"]["linked-charity"]["count"], 1);
    // Warnings only on kept rows: 1100003's income "n/a", 1100004 removed from the
    // register (kept). 1100007's income "unknown" is never looked at: it is left out first.
    assert_eq!(orgs["warnings"]["income-invalid"]["count"], 1);
    assert_eq!(orgs["warnings"]["removed-charity"]["count"], 1);
    // " 1100002 " (spaces) matches the grants' GB-CHC-1100002; default_sector gives vcse.
    assert_eq!(
        sector_of(&v, "GB-CHC-1100002"),
        Some(("vcse".into(), "organisations-csv".into()))
    );
    // Not mentioned: not an organisation of the dataset. 4 charities + 2 funders = 6.
    assert_eq!(sector_of(&v, "GB-CHC-1100005"), None);
    assert_eq!(
        v["sectors"]["organisations"].as_array().map(Vec::len),
        Some(6)
    );
    // The text report says it in words.
    let (code, out, err) = run(&["validate", arg(&register())]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("9 rows read, 4 used, 0 rejected, 5 left out by the [organisations] mapping, 2 with warnings"),
        "{out}"
    );
    assert!(out.contains("left out not-mentioned: 4 row(s)"), "{out}");
}

#[test]
fn the_registers_income_reaches_dependency() {
    let f = findings_of(&register(), &[]);
    // as_of = the latest award, 2024-09-30; every grant runs 12 months from its award
    // (365 days, no 29 February), so its annual value is its amount.
    // 1100001: £30,000 (council) + £10,000 (trust) running; income £50,000 (register
    // "50000.00") → dependency = 30,000 ÷ 50,000 = 0.6, basis income.
    let r = recipient(&f, "GB-CHC-1100001");
    assert_eq!(r["annual_income"], 50_000.0);
    assert_eq!(r["dependency"], 0.6);
    assert_eq!(r["dependency_basis"], "income");
    // 1100004 (removed, kept): £2,000 ÷ "£12,500" = 0.16, basis income.
    let r = recipient(&f, "GB-CHC-1100004");
    assert_eq!(r["dependency"], 0.16);
    assert_eq!(r["dependency_basis"], "income");
    // 1100002 has no income in the register: £12,000 ÷ (£12,000 + £4,000) = 0.75, recorded.
    let r = recipient(&f, "GB-CHC-1100002");
    assert_eq!(r["annual_income"], serde_json::Value::Null);
    assert_eq!(r["dependency"], 0.75);
    assert_eq!(r["dependency_basis"], "recorded");
    // The DEPENDENCY flag on 1100001 is medium (0.6 ≥ 0.5, < 0.75) on the income basis.
    let flag = f["flags"]
        .as_array()
        .and_then(|fl| {
            fl.iter()
                .find(|x| x["code"] == "DEPENDENCY" && x["subject"] == "GB-CHC-1100001")
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(flag["severity"], "medium");
    // The mapping is not a parameter: findings.json's parameters are the defaults'.
    assert!(f["parameters"].get("organisations").is_none());
    // The data-quality section of findings.json counts the rows left out.
    let orgs = f["data_quality"]["files"]
        .as_array()
        .and_then(|q| {
            q.iter().find(|x| {
                x["file"]
                    .as_str()
                    .is_some_and(|s| s.ends_with("organisations.csv"))
            })
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(orgs["rejected"]["not-mentioned"]["count"], 4);
}

#[test]
fn graph_and_compare_read_the_register_through_the_same_mapping() {
    // Without the mapping the register has no Identifier column and nothing would load.
    let (code, out, err) = run(&["graph", arg(&register()), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("RIVERSIDE FOOD BANK"), "the register's name");
    assert!(
        !out.contains("GB-CHC-1100005"),
        "not mentioned, so not a node"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let (code, _, err) = run(&[
        "compare",
        "-q",
        arg(&register()),
        arg(&register()),
        "-o",
        arg(&dir.path().join("cmp")),
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_mapped_column_missing_from_the_file_is_an_error_naming_key_and_column() {
    let d = register_with_config(
        "[organisations]\nidentifier = \"registered_charity_number\"\nidentifier_prefix = \"GB-CHC-\"\nincome = \"annual_income\"\n",
    );
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("organisations.csv:1:annual_income: column \"annual_income\" is missing from the header ([organisations] income = \"annual_income\""),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unknown_key_in_the_organisations_table_is_an_error() {
    let d = register_with_config("[organisations]\nidentifier = \"registered_charity_number\"\nincome_column = \"latest_income\"\n");
    let out = d.path().join("out");
    for args in [
        vec!["validate", arg(d.path())],
        vec!["analyse", arg(d.path()), "-o", arg(&out)],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("fundflow.toml")
                && err.contains("income_column")
                && err.contains("line 3"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn options_for_removed_linked_and_unmentioned_rows() {
    // skip_removed: 1100004 leaves the register's rows (no income), yet stays a recipient:
    // £2,000 from one funder ÷ £2,000 running = 1.0, basis recorded.
    let base = "[organisations]\nidentifier = \"registered_charity_number\"\nidentifier_prefix = \"GB-CHC-\"\nincome = \"latest_income\"\nlinked = \"linked_charity_number\"\nremoved = \"date_of_removal\"\n";
    let d = register_with_config(&format!("{base}skip_removed = true\n"));
    let f = findings_of(d.path(), &[]);
    let r = recipient(&f, "GB-CHC-1100004");
    assert_eq!(r["dependency"], 1.0);
    assert_eq!(r["dependency_basis"], "recorded");
    // only_mentioned = false keeps all 8 main charities (9 rows − 1 linked); 1100007's
    // income "unknown" is now read, and warned about beside 1100003's "n/a".
    let d = register_with_config(&format!("{base}only_mentioned = false\n"));
    let v = validate_json(&[arg(d.path())]);
    let orgs = v["files"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["role"] == "organisations"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(orgs["rows_used"], 8);
    assert_eq!(orgs["warnings"]["income-invalid"]["count"], 2);
    // 1100006 was removed in 2010 and 1100004 in 2024: two warnings.
    assert_eq!(orgs["warnings"]["removed-charity"]["count"], 2);
    assert_eq!(
        sector_of(&v, "GB-CHC-1100005"),
        Some(("vcse".into(), "charity-evidence".into()))
    );
    // Without `linked`, the trust fund repeats 1100001's number: a duplicate, exit 2.
    let d = register_with_config(
        "[organisations]\nidentifier = \"registered_charity_number\"\nidentifier_prefix = \"GB-CHC-\"\n",
    );
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("organisations.csv:3:registered_charity_number: \"1100001\": duplicate organisation Identifier (first on line 2)"),
        "{err}"
    );
    // A mapping with no organisations.csv to apply it to is worth a note.
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        (
            "fundflow.toml",
            b"[organisations]\nincome = \"latest_income\"\n",
        ),
    ]);
    let v = validate_json(&[arg(d.path())]);
    assert!(
        v["notes"].as_array().is_some_and(|n| n.iter().any(|x| x
            .as_str()
            .is_some_and(|s| s.contains("no organisations.csv")))),
        "{}",
        v["notes"]
    );
}

#[test]
fn a_flat_fundflow_toml_still_works_and_keeps_every_organisations_row() {
    // No [organisations] table: SPEC's columns, every row kept (even one no file names),
    // and the thresholds still apply.
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        (
            "organisations.csv",
            b"Identifier,Name,Annual Income\nGB-CHC-1100001,Good Cause,4000\nGB-CHC-9999999,Elsewhere,10\n",
        ),
        ("fundflow.toml", b"hourly_rate = 10.0\ndependency = { medium = 0.2, high = 0.3 }\n"),
    ]);
    let v = validate_json(&[arg(d.path())]);
    assert!(sector_of(&v, "GB-CHC-9999999").is_some());
    let f = findings_of(d.path(), &[]);
    assert_eq!(f["parameters"]["hourly_rate"], 10.0);
    // GB-CHC-1100001: £1,000 awarded 2023-04-01, running to 2024-03-31 (366 days, so
    // years = 366 ÷ 365.25): annual value 1,000 × 365.25 ÷ 366 = £997.95; ÷ income £4,000
    // = 0.24949 → a medium DEPENDENCY flag under the configured 0.2, not the default 0.5.
    let r = recipient(&f, "GB-CHC-1100001");
    let dependency = r["dependency"].as_f64().unwrap_or(f64::NAN);
    assert!((dependency - 0.249_49).abs() < 1e-5, "{dependency}");
    assert_eq!(r["dependency_basis"], "income");
    assert!(f["flags"].as_array().is_some_and(|fl| fl
        .iter()
        .any(|x| x["code"] == "DEPENDENCY" && x["severity"] == "medium")));
}
