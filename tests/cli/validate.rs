//! `fundflow validate` on the example and on hand-made datasets.

use super::support::{arg, dataset, run, sector_of, validate_json, GRANTS};

#[test]
fn example_validates_with_its_independently_counted_totals() {
    // Counted from data/example/*.csv with Python's csv module, not with fundflow:
    // 326 grants totalling £6,549,327.75 from 5 funders; 2,226 attendance rows.
    let v = validate_json(&[]);
    assert_eq!(v["totals"]["grants"], 326);
    assert_eq!(v["totals"]["amount"], 6_549_327.75);
    assert_eq!(v["totals"]["funders"], 5);
    assert_eq!(v["partnerships"]["partnerships"], 3);
    assert_eq!(v["partnerships"]["meetings"], 105);
    assert_eq!(v["partnerships"]["attendance_rows"], 2226);
    assert_eq!(v["partnerships"]["payments"], 582);
    for a in v["analyses"].as_array().expect("analyses") {
        assert_eq!(a["missing"].as_array().map(Vec::len), Some(0), "{a}");
    }
    let (code, text, _) = run(&["validate"]);
    assert_eq!(code, 0);
    assert!(text.contains("326 grants, £6,549,327.75 in all"), "{text}");
}

#[test]
fn no_person_identifier_reaches_any_output() {
    let people: Vec<String> =
        std::fs::read_to_string(super::support::root().join("data/example/attendance.csv"))
            .expect("example attendance")
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(1).map(str::to_owned))
            .collect();
    assert!(people.len() > 100);
    let (_, json, _) = run(&["validate", "--json"]);
    let (_, text, _) = run(&["validate"]);
    for p in &people {
        assert!(
            !json.contains(p.as_str()) && !text.contains(p.as_str()),
            "{p} leaked"
        );
    }
}

#[test]
fn validate_is_deterministic() {
    assert_eq!(run(&["validate", "--json"]), run(&["validate", "--json"]));
}

#[test]
fn strict_mode_lists_the_first_50_invalid_rows_then_counts_the_rest() {
    let mut csv = String::from("Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n");
    for i in 0..60 {
        csv.push_str(&format!("G{i},-{i},2023-04-01,GB-LAE-X,X,GB-CHC-1,Y\n"));
    }
    let d = dataset(&[("grants.csv", csv.as_bytes())]);
    let (code, out, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    // 60 rows on lines 2..=61, all negative amounts (G0's "-0" too: the sign is refused).
    assert_eq!(err.matches("amount is negative").count(), 50);
    assert!(err.contains("grants.csv:51:Amount Awarded: \"-49\""));
    assert!(!err.contains("grants.csv:52:"));
    assert!(
        err.contains("… and 10 more invalid rows (60 in all)"),
        "{err}"
    );
}

#[test]
fn skip_invalid_counts_rejections_by_reason_and_warnings() {
    // Line 2: valid. Line 3: negative amount. Line 4: US date. Line 5: duplicate of G1.
    // Line 6: valid but its planned end (2023-01-01) precedes its start (2023-06-01): used,
    // with a warning. Line 7: zero amount: used, with a warning.
    let csv = "Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name,Planned Dates:Start Date,Planned Dates:End Date\n\
G1,100,2023-04-01,GB-LAE-X,X,GB-CHC-1,Y,,\n\
G2,-5,2023-04-01,GB-LAE-X,X,GB-CHC-1,Y,,\n\
G3,5,04/13/2023,GB-LAE-X,X,GB-CHC-1,Y,,\n\
G1,7,2023-04-01,GB-LAE-X,X,GB-CHC-1,Y,,\n\
G4,8,2023-04-01,GB-LAE-X,X,GB-CHC-2,Z,2023-06-01,2023-01-01\n\
G5,0,2023-04-01,GB-LAE-X,X,GB-CHC-2,Z,,\n";
    let d = dataset(&[("grants.csv", csv.as_bytes())]);
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "strict by default");
    assert!(err.contains("3 invalid rows found"), "{err}");
    let v = validate_json(&["--skip-invalid", arg(d.path())]);
    let g = &v["files"][0];
    assert_eq!(g["rows_read"], 6);
    assert_eq!(g["rows_used"], 3);
    assert_eq!(g["rejected"]["amount-negative"]["count"], 1);
    assert_eq!(g["rejected"]["date-invalid"]["count"], 1);
    assert_eq!(g["rejected"]["duplicate-identifier"]["count"], 1);
    assert_eq!(g["warnings"]["planned-end-before-start"]["count"], 1);
    assert_eq!(g["warnings"]["amount-zero"]["count"], 1);
    let ex = g["warnings"]["planned-end-before-start"]["examples"][0]
        .as_str()
        .expect("example");
    assert!(
        ex.contains("grants.csv:6:Planned Dates:End Date: \"2023-01-01\""),
        "{ex}"
    );
    // G1 £100 + G4 £8 + G5 £0 used.
    assert_eq!(v["totals"]["amount"], 108.0);
}

#[test]
fn optional_files_enable_analyses_and_the_rest_are_named_as_missing() {
    let d = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let v = validate_json(&[arg(d.path())]);
    let analyses = v["analyses"].as_array().expect("list");
    let missing: Vec<&str> = analyses
        .iter()
        .flat_map(|a| a["missing"].as_array().into_iter().flatten())
        .filter_map(|m| m.as_str())
        .collect();
    assert!(missing.contains(&"payments.csv") && missing.contains(&"meetings.csv"));
    assert!(analyses[0]["missing"].as_array().is_some_and(Vec::is_empty));
    // Sectors: GB-LAE → statutory by prefix; GB-CHC → vcse, charity evidence; 360G- → unknown.
    assert_eq!(
        sector_of(&v, "GB-LAE-NBR"),
        Some(("statutory".into(), "id-prefix".into()))
    );
    assert_eq!(
        sector_of(&v, "GB-CHC-1100001"),
        Some(("vcse".into(), "charity-evidence".into()))
    );
    assert_eq!(
        sector_of(&v, "360G-NBR-GROUP"),
        Some(("unknown".into(), "no-rule".into()))
    );
}

#[test]
fn organisations_csv_overrides_inference_and_ids_match_case_insensitively() {
    let orgs = "Identifier,Name,Sector\n360g-NBR-group ,Local Group,vcse\n";
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("organisations.csv", orgs.as_bytes()),
    ]);
    let v = validate_json(&[arg(d.path())]);
    // One organisation under the normalised id, decided by the file.
    assert_eq!(
        sector_of(&v, "360G-NBR-GROUP"),
        Some(("vcse".into(), "organisations-csv".into()))
    );
}

#[test]
fn organisations_csv_type_is_read_as_an_org_type() {
    // No Sector given: the Type "community group" decides (METHOD.md reading), where the
    // identifier alone (360G-) would leave the group unknown.
    let orgs = "Identifier,Name,Sector,Type
360G-NBR-GROUP,Local Group,,Community Group
";
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("organisations.csv", orgs.as_bytes()),
    ]);
    let v = validate_json(&[arg(d.path())]);
    assert_eq!(
        sector_of(&v, "360G-NBR-GROUP"),
        Some(("vcse".into(), "org-type".into()))
    );
}

#[test]
fn header_only_payments_means_nobody_was_paid_and_no_file_means_unknown() {
    let parts = "Partnership ID,Name,Fundholder,Programme\nP1,Test,GB-LAE-NBR,\n";
    let meetings = "Meeting ID,Partnership ID,Date,Duration Hours\nM1,P1,2023-05-01,2\n";
    let payments = "Payment ID,Payer,Payee Person ID,Payee Org ID,Amount,Type,Date\n";
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("partnerships.csv", parts.as_bytes()),
        ("meetings.csv", meetings.as_bytes()),
        ("payments.csv", payments.as_bytes()),
    ]);
    assert_eq!(
        validate_json(&[arg(d.path())])["partnerships"]["payments"],
        0
    );
    std::fs::remove_file(d.path().join("payments.csv")).expect("rm");
    assert!(validate_json(&[arg(d.path())])["partnerships"]["payments"].is_null());
}

#[test]
fn a_single_grants_file_and_the_grants_option_both_work() {
    let d = dataset(&[("my grants.csv", GRANTS.as_bytes()), ("other.csv", b"x")]);
    let file = d.path().join("my grants.csv");
    assert_eq!(validate_json(&[arg(&file)])["totals"]["grants"], 2);
    assert_eq!(
        validate_json(&["--grants", arg(&file), arg(d.path())])["totals"]["grants"],
        2
    );
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2);
    assert!(err.contains("no grants file"), "{err}");
    let (code, _, err) = run(&["validate", "no/such/folder"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no/such/folder: cannot open: no such file or folder"),
        "{err}"
    );
}

#[test]
fn host_known_only_from_meetings_is_a_note_not_an_error() {
    let parts = "Partnership ID,Name,Fundholder\nP1,Test,GB-LAE-NBR\n";
    let meetings =
        "Meeting ID,Partnership ID,Date,Duration Hours,Host\nM1,P1,2023-05-01,2,GB-NHS-ZZZ\n";
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("partnerships.csv", parts.as_bytes()),
        ("meetings.csv", meetings.as_bytes()),
    ]);
    let v = validate_json(&[arg(d.path())]);
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("GB-NHS-ZZZ hosts or chairs meetings but appears in no other file"),
        "{notes}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(&["validate", "--no-such-flag"]);
    assert_eq!(code, 2, "usage errors exit 2: {err}");
    let (code, _, err) = run(&["synth"]);
    assert_eq!(code, 2, "synth without --scale is a usage error: {err}");
    assert!(err.contains("--scale"), "{err}");
}

/// Every flag code, as `explain` lists them.
fn out_codes() -> Vec<&'static str> {
    vec![
        "CONCENTRATION",
        "FUNDER-DOMINANCE",
        "DEPENDENCY",
        "FUNDING-CLIFF",
        "RETENTION",
        "DEFAULT-HOST",
        "DEFAULT-CHAIR",
        "UNPAID-PARTICIPATION",
        "PARTICIPATION-GAP",
        "SHORT-TERM-FUNDING",
        "USUAL-SUSPECTS",
        "UNDER-FUNDED-GROUP",
    ]
}

#[test]
fn explain_lists_and_explains_flags() {
    let (code, out, _) = run(&["explain"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().filter(|l| l.starts_with("  ")).count(), 12);
    let (code, out, _) = run(&["explain", "default-host"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("DEFAULT-HOST:") && out.contains("fair share"),
        "{out}"
    );
    // Every code: definition, formula, thresholds, source, caveats and questions (issue 18).
    for code in out_codes() {
        let (c, text, _) = run(&["explain", code]);
        assert_eq!(c, 0, "{code}");
        for heading in [
            "What it means",
            "Formula",
            "Thresholds",
            "Source",
            "Caveats",
            "Questions to ask",
        ] {
            assert!(text.contains(heading), "{code}: no {heading}:\n{text}");
        }
        let questions = text.split("Questions to ask").nth(1).unwrap_or("");
        assert!(
            questions
                .lines()
                .filter(|l| l.trim_end().ends_with('?'))
                .count()
                >= 2,
            "{code}: {text}"
        );
    }
    let (code, _, err) = run(&["explain", "NOPE"]);
    assert_eq!(code, 2);
    assert!(err.contains("no flag called \"NOPE\""), "{err}");
}
