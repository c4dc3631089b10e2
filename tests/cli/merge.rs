//! One organisation, one row: organisations.csv `Same As`, the duplicate-name warning, and
//! the organisations template (`validate --organisations-template`).
//!
//! The fixture tests/fixtures/same-as/ has a food bank under three identifiers:
//! GB-CHC-1000001 (its charity number), 360G-NBR-FOODBANK (Same As GB-CHC-1000001) and
//! 360G-NBR-FB2 (Same As 360G-NBR-FOODBANK: a chain). Its grants (all in 2023):
//!
//! | grant | funder | recipient | £ | programme |
//! |---|---|---|---|---|
//! | G1 | NBR council | GB-CHC-1000001 | 3,000 | Food Programme |
//! | G2 | NBR council | 360G-NBR-FOODBANK | 2,000 | Food Programme |
//! | G3 | NBR council | GB-CHC-1000002 (youth club) | 1,000 | |
//! | G4 | NBR council | 360G-NBR-ART | 1,000 | |
//! | G5 | GB-CHC-5000001 (trust) | 360G-NBR-FB2 | 500 | |
//! | G6 | GB-CHC-5000001 (trust) | GB-CHC-1000002 | 500 | |
//! | G7 | 360G-NBR-FOODBANK | GB-CHC-1000001 | 200 | (a grant to itself once merged) |
//! | G8 | GB-CHC-1000001 | 360G-NBR-ART | 300 | Food Programme |

use super::support::{arg, dataset, root, run, validate_json};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    root().join("tests/fixtures/same-as")
}

/// `fundflow analyse DIR` (no charts), findings.json parsed.
fn analyse(dir: &Path) -> Value {
    analyse_with_report(dir).0
}

/// `fundflow analyse DIR` (no charts): findings.json parsed, and report.html.
fn analyse_with_report(dir: &Path) -> (Value, String) {
    let out = tempfile::tempdir().expect("tempdir");
    let o = out.path().join("out");
    let (code, _, err) = run(&["analyse", arg(dir), "-o", arg(&o), "--charts", "none", "-q"]);
    assert_eq!(code, 0, "analyse failed: {err}");
    let text = std::fs::read_to_string(o.join("findings.json")).expect("findings.json");
    let html = std::fs::read_to_string(o.join("report.html")).expect("report.html");
    (serde_json::from_str(&text).expect("JSON"), html)
}

fn row<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("{id} not listed in {list}"))
}

fn close(v: &Value, expected: f64) {
    let got = v.as_f64().unwrap_or(f64::NAN);
    assert!((got - expected).abs() < 1e-9, "{got} ≠ {expected}");
}

/// The fixture's files, with organisations.csv replaced (or left out when `None`).
fn fixture_with(organisations: Option<&str>) -> tempfile::TempDir {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for name in [
        "grants.csv",
        "partnerships.csv",
        "meetings.csv",
        "attendance.csv",
        "payments.csv",
    ] {
        files.push((
            name.to_owned(),
            std::fs::read(fixture().join(name)).expect("fixture file"),
        ));
    }
    if let Some(o) = organisations {
        files.push(("organisations.csv".into(), o.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    dataset(&refs)
}

#[test]
fn a_merged_organisation_is_one_row_in_every_figure() {
    let (f, html) = analyse_with_report(&fixture());
    // The report says so in its data-quality section.
    assert!(
        html.contains("<li>360G-NBR-FB2, 360G-NBR-FOODBANK into GB-CHC-1000001 (Food Bank Limited): 10 rows rewritten.</li>"),
        "merge not in the report"
    );
    // Totals: all 8 grants, £8,500, still (3,000 + 2,000 + 1,000 + 1,000 + 500 + 500 + 200
    // + 300). Recipients: the food bank, the youth club, the art group = 3 (5 identifiers
    // before merging). Funders: council, trust, food bank = 3.
    let t = &f["totals"];
    assert_eq!(t["grants"], 8);
    close(&t["amount"], 8500.0);
    assert_eq!(t["recipients"], 3);
    assert_eq!(t["funders"], 3);

    // The council's recipients after merging: food bank 3,000 + 2,000 = 5,000, youth club
    // 1,000, art group 1,000; total 7,000.
    // HHI = (100·5/7)² + 2·(100·1/7)² = (250,000 + 20,000) / 49 = 5,510.204…
    // Gini: |differences| over ordered pairs = 2·(4,000 + 4,000 + 0) = 16,000;
    // G = 16,000 / (2 · 3² · 7,000/3) = 16,000 / 42,000 = 0.380952…
    let nbr = row(&f["funders"], "GB-LAE-NBR");
    close(&nbr["total"], 7000.0);
    assert_eq!(nbr["recipients"], 3);
    close(&nbr["hhi"], 270_000.0 / 49.0);
    close(&nbr["gini"], 16_000.0 / 42_000.0);
    close(&nbr["top5_share"], 1.0);
    // The trust: food bank (via 360G-NBR-FB2, a chain) 500 and youth club 500:
    // HHI = 50² + 50² = 5,000, Gini 0.
    let trust = row(&f["funders"], "GB-CHC-5000001");
    assert_eq!(trust["recipients"], 2);
    close(&trust["hhi"], 5000.0);
    close(&trust["gini"], 0.0);

    // The food bank keeps the target's identifier; its name is the latest grant naming
    // GB-CHC-1000001 itself (G8, 2023-11-01, as funder: "Food Bank Limited"), as it has no
    // row of its own. Money received: 3,000 (G1) + 2,000 (G2) from the council, 500 (G5)
    // from the trust, and 200 (G7) from itself: the recipients table counts a grant to
    // itself like any other (SPEC.md's "neither received nor given on" is the regranting
    // rule, checked in the graph test below), so 5,700 from 3 funders, the council's share
    // 5,000 / 5,700.
    let fb = row(&f["recipients"], "GB-CHC-1000001");
    assert_eq!(fb["name"], "Food Bank Limited");
    assert_eq!(fb["sector"], "vcse");
    close(&fb["total"], 5700.0);
    assert_eq!(fb["funders"], 3, "{fb}");
    assert_eq!(fb["top_funder"], "GB-LAE-NBR");
    close(&fb["top_funder_share"], 5000.0 / 5700.0);

    // The partnership: fundholder rewritten; it hosted M1, M2 (as 360G-NBR-FOODBANK) and M3
    // → host_share 3/4; chaired M1, M2 → chair_share 2/4. Seats: 7 attended rows, of which
    // the food bank's person attended M1 and M2 → 2/7. Programme money: G1 + G2 = 5,000 to
    // it; G8 300 passed on → retained 1 − 300/5,000 = 0.94.
    let p = row(&f["partnerships"], "P1");
    assert_eq!(p["fundholder"], "GB-CHC-1000001");
    close(&p["host_share"], 0.75);
    close(&p["chair_share"], 0.5);
    close(&p["seat_share"], 2.0 / 7.0);
    close(&p["programme_received"], 5000.0);
    close(&p["programme_passed_on"], 300.0);
    close(&p["retained_share"], 0.94);
    // Members: food bank, council, art group = 3.
    assert_eq!(p["members"], 3);

    // Merges are listed in data quality: rows rewritten = grants G2, G5, G7 (3) +
    // partnership P1 (1) + meetings M1, M2 (2) + attendance M1 and M3 rows of PER-A (2) +
    // payments PAY1 (payer) and PAY2 (payee org) (2) = 10.
    let merges = &f["data_quality"]["merges"];
    assert_eq!(merges.as_array().map(Vec::len), Some(1), "{merges}");
    let m = &merges[0];
    assert_eq!(m["into"], "GB-CHC-1000001");
    assert_eq!(m["name"], "Food Bank Limited");
    assert_eq!(m["from"][0]["id"], "360G-NBR-FB2");
    assert_eq!(m["from"][0]["name"], "Food Bank (old)");
    assert_eq!(m["from"][1]["id"], "360G-NBR-FOODBANK");
    assert_eq!(m["rows_rewritten"], 10);
    let by_file: Vec<u64> = m["by_file"]
        .as_object()
        .map(|o| o.values().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    // attendance 2, grants 3, meetings 2, partnerships 1, payments 2 (files sorted by path).
    assert_eq!(by_file, [2, 3, 2, 1, 2]);

    // Outside data quality the merged identifiers appear nowhere.
    let mut rest = f.clone();
    rest["data_quality"] = Value::Null;
    let text = rest.to_string();
    assert!(
        !text.contains("360G-NBR-FOODBANK") && !text.contains("360G-NBR-FB2"),
        "{text}"
    );
}

#[test]
fn without_same_as_the_food_bank_is_three_organisations() {
    // The same files without organisations.csv: the council's recipients are 3,000, 2,000,
    // 1,000, 1,000 → HHI = (90,000 + 40,000 + 10,000 + 10,000) / 49 = 3,061.22…; the
    // fundholder 360G-NBR-FOODBANK hosted M1 and M2 only → 2/4.
    let d = fixture_with(None);
    let f = analyse(d.path());
    assert_eq!(f["totals"]["recipients"], 5);
    close(&row(&f["funders"], "GB-LAE-NBR")["hhi"], 150_000.0 / 49.0);
    close(&row(&f["partnerships"], "P1")["host_share"], 0.5);
    assert_eq!(f["data_quality"]["merges"], serde_json::json!([]));
}

#[test]
fn a_grant_to_itself_after_merging_is_neither_received_nor_given_on() {
    // G7 (£200) goes from 360G-NBR-FOODBANK to GB-CHC-1000001: one organisation once
    // merged. SPEC.md: such a grant still counts in the totals (8,500 above), but the food
    // bank is an intermediary only through what it received from others (5,500) and gave
    // to others (G8, 300): the graph's pass-through is 300 / 5,500.
    let (code, out, err) = run(&["graph", arg(&fixture()), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("360G-NBR-FOODBANK"), "{out}");
    let g: Value = serde_json::from_str(&out).expect("graph JSON");
    let text = g.to_string();
    assert!(text.contains("GB-CHC-1000001"));
    let (_, _, summary) = run(&["graph", arg(&fixture()), "--format", "json"]);
    // All awards £8,500; one intermediary (the food bank).
    assert!(
        summary.contains("£8,500.00 in all awards, 1 intermediary"),
        "{summary}"
    );
}

#[test]
fn validate_lists_merges_and_warns_of_one_name_under_several_identifiers() {
    let v = validate_json(&[arg(&fixture())]);
    assert_eq!(v["merges"][0]["rows_rewritten"], 10);
    // Merged: no duplicate left ("Food Bank (old)" normalises to "food bank old" anyway).
    assert_eq!(v["duplicate_names"], serde_json::json!([]));
    let (_, text, _) = run(&["validate", arg(&fixture())]);
    assert!(
        text.contains("360G-NBR-FB2, 360G-NBR-FOODBANK into GB-CHC-1000001 Food Bank Limited: 10 row(s) rewritten"),
        "{text}"
    );

    // Without organisations.csv: "The Food Bank Ltd"/"Food Bank Limited" (GB-CHC-1000001)
    // and "Food Bank" (360G-NBR-FOODBANK) are both "food bank". Money: GB-CHC-1000001
    // received G1 3,000 + G7 200 = 3,200 and gave G8 300; 360G-NBR-FOODBANK received G2
    // 2,000 and gave G7 200.
    let d = fixture_with(None);
    let v = validate_json(&[arg(d.path())]);
    let dups = v["duplicate_names"].as_array().expect("list");
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0]["normalised"], "food bank");
    let orgs = &dups[0]["organisations"];
    assert_eq!(orgs[0]["id"], "360G-NBR-FOODBANK");
    close(&orgs[0]["received"], 2000.0);
    close(&orgs[0]["given"], 200.0);
    assert_eq!(orgs[1]["id"], "GB-CHC-1000001");
    close(&orgs[1]["received"], 3200.0);
    close(&orgs[1]["given"], 300.0);
    let (_, text, _) = run(&["validate", arg(d.path())]);
    assert!(
        text.contains("one name under several identifiers (1)")
            && text.contains("    360G-NBR-FOODBANK Food Bank: received £2,000.00, gave £200.00"),
        "{text}"
    );
}

#[test]
fn alw_lists_its_school_under_two_identifiers() {
    // ALW's file names Arts Educational Schools London as
    // 360G-ALWF-ORG:Arts_Educational_Schools_London (one grant, 360G-ALWF-2, £3,544,200)
    // and GB-CHC-311087 (11 grants, 2011-2020: 38,536 + 40,020.97 + 41,133.77 + 42,148.51
    // + 43,287.75 + 1,000 + 44,337.13 + 44,987.14 + 45,563 + 30,747 + 15,665
    // = £387,426.27). Royal Birmingham Conservatoire likewise: 360G-ALWF-ORG:… £46,477 and
    // GB-EDU-133788 (27,750 + 18,500 = £46,250).
    let v = validate_json(&[arg(&super::support::shared(
        "andrew_lloyd_webber_foundation.json",
    ))]);
    let dups = v["duplicate_names"].as_array().expect("list");
    let names: Vec<&str> = dups
        .iter()
        .filter_map(|d| d["normalised"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "arts educational schools london",
            "royal birmingham conservatoire"
        ]
    );
    let school = &dups[0]["organisations"];
    assert_eq!(
        school[0]["id"],
        "360G-ALWF-ORG:ARTS_EDUCATIONAL_SCHOOLS_LONDON"
    );
    close(&school[0]["received"], 3_544_200.0);
    assert_eq!(school[1]["id"], "GB-CHC-311087");
    close(&school[1]["received"], 387_426.27);
    let rbc = &dups[1]["organisations"];
    close(&rbc[0]["received"], 46_477.0);
    assert_eq!(rbc[1]["id"], "GB-EDU-133788");
    close(&rbc[1]["received"], 46_250.0);
}

/// Runs `validate DIR --organisations-template FILE`, returning the file's text.
fn template(dir: &Path, file: &Path) -> String {
    let (code, _, err) = run(&[
        "validate",
        arg(dir),
        "--organisations-template",
        arg(file),
        "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(file).expect("template written");
    // A byte-order mark, so a spreadsheet reads the names as UTF-8.
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    String::from_utf8(bytes[3..].to_vec()).expect("UTF-8")
}

/// findings.json without what necessarily differs once an organisations.csv is read:
/// data quality (a file more, sectors decided by rule 1) and the analyses it allows.
fn figures(mut f: Value) -> Value {
    f["data_quality"] = Value::Null;
    f["skipped"] = Value::Null;
    f
}

#[test]
fn the_template_lists_every_organisation_sorted_with_sector_rule_and_money() {
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("orgs.csv");
    let text = template(&fixture(), &file);
    // Sorted by identifier; the merged identifiers keep a row pointing at their target;
    // the youth club's row comes back with its Sector from rule 1 (organisations-csv: its
    // row names it, with no Sector, so it is inferred: GB-CHC → vcse, charity-evidence). Money
    // received: art group G4 1,000 + G8 300; food bank 5,700 (G1, G2, G5 and G7 to itself,
    // as the recipients table counts it); youth club 1,500; council and trust nothing.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Identifier,Name,Sector,Sector Rule,Received,Same As,Type,Annual Income,Area,Led By"
    );
    assert_eq!(
        lines[1],
        "360G-NBR-ART,Art Group,unknown,no-rule,1300.00,,,,,"
    );
    assert_eq!(
        lines[2],
        "360G-NBR-FB2,Food Bank (old),,same-as,,GB-CHC-1000001,,,,"
    );
    assert_eq!(
        lines[3],
        "360G-NBR-FOODBANK,Food Bank,,same-as,,GB-CHC-1000001,,,,"
    );
    assert_eq!(
        lines[4],
        "GB-CHC-1000001,Food Bank Limited,vcse,charity-evidence,5700.00,,,,,"
    );
    assert_eq!(lines.len(), 8, "{text}");
    // Writing it twice gives the same bytes.
    let again = out.path().join("again.csv");
    assert_eq!(template(&fixture(), &again), text);
}

#[test]
fn the_template_read_back_changes_no_figure_and_an_edited_sector_changes_that_sector() {
    // ALW: 475 grants, sectors inferred. Template → organisations.csv beside the grants.
    let grants = std::fs::read(super::support::shared(
        "andrew_lloyd_webber_foundation.json",
    ))
    .expect("ALW");
    let plain = dataset(&[("grants.json", &grants)]);
    let before = analyse(plain.path());
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("organisations.csv");
    let text = template(plain.path(), &file);
    // Individuals are never listed; the funder is (with nothing received).
    assert!(text.contains("\nGB-CHC-1015648,"), "funder listed");

    let back = dataset(&[
        ("grants.json", &grants),
        ("organisations.csv", text.as_bytes()),
    ]);
    let after = analyse(back.path());
    assert_eq!(figures(after.clone()), figures(before.clone()));
    // Every organisation is now decided by rule 1, and nothing was rejected.
    let q = &after["data_quality"]["files"];
    let orgs = q
        .as_array()
        .and_then(|l| {
            l.iter().find(|f| {
                f["file"]
                    .as_str()
                    .is_some_and(|n| n.ends_with("organisations.csv"))
            })
        })
        .expect("organisations.csv accounted for");
    assert_eq!(orgs["rows_read"], orgs["rows_used"]);

    // Edit one sector: the school's charity identifier, to private (whatever inference
    // said: not private, as the private total below shows).
    let edited: String = text
        .lines()
        .map(|l| {
            if l.starts_with("GB-CHC-311087,") {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[2] = "private";
                cells.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(edited, text.trim_end());
    let changed = dataset(&[
        ("grants.json", &grants),
        ("organisations.csv", edited.as_bytes()),
    ]);
    let f = analyse(changed.path());
    assert_ne!(
        row(&before["recipients"], "GB-CHC-311087")["sector"],
        "private"
    );
    assert_eq!(row(&f["recipients"], "GB-CHC-311087")["sector"], "private");
    // Its money moved to private in the totals: £387,426.27 (to the cent: 1e-6).
    let by = |f: &Value, s: &str| {
        f["totals"]["by_sector"]
            .as_array()
            .and_then(|l| l.iter().find(|t| t["sector"] == s))
            .and_then(|t| t["amount"].as_f64())
            .unwrap_or(0.0)
    };
    let moved = by(&f, "private") - by(&before, "private");
    assert!((moved - 387_426.27).abs() < 1e-6, "{moved}");

    // Merge the school with Same As in the template: one recipient fewer, and its total
    // 3,544,200 + 387,426.27 = £3,931,626.27.
    let merged: String = text
        .lines()
        .map(|l| {
            if l.starts_with("360G-ALWF-ORG:ARTS_EDUCATIONAL_SCHOOLS_LONDON,") {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[5] = "GB-CHC-311087";
                cells.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let d = dataset(&[
        ("grants.json", &grants),
        ("organisations.csv", merged.as_bytes()),
    ]);
    let f = analyse(d.path());
    assert_eq!(
        f["totals"]["recipients"].as_u64(),
        before["totals"]["recipients"].as_u64().map(|n| n - 1)
    );
    close(
        &row(&f["recipients"], "GB-CHC-311087")["total"],
        3_931_626.27,
    );
}

#[test]
fn the_template_round_trips_with_its_merges() {
    // The fixture's template (with its Same As rows) replaces its organisations.csv: every
    // figure is the same, and the same merge is listed.
    let before = analyse(&fixture());
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("orgs.csv");
    let text = template(&fixture(), &file);
    let d = fixture_with(Some(&text));
    let after = analyse(d.path());
    assert_eq!(figures(after.clone()), figures(before.clone()));
    assert_eq!(
        after["data_quality"]["merges"][0]["rows_rewritten"],
        before["data_quality"]["merges"][0]["rows_rewritten"]
    );
}

#[test]
fn the_template_never_replaces_an_input_and_replaces_another_file_only_with_force() {
    let d = fixture_with(Some("Identifier,Name\nGB-CHC-1000002,Youth Club\n"));
    let input = d.path().join("organisations.csv");
    let original = std::fs::read(&input).expect("input");
    // An input of the run: refused, with --force too; the file is untouched.
    for force in [false, true] {
        let mut args = vec![
            "validate",
            arg(d.path()),
            "--organisations-template",
            arg(&input),
        ];
        if force {
            args.push("--force");
        }
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is an input of this run"), "{err}");
        assert_eq!(std::fs::read(&input).expect("input"), original);
    }
    // The grants file too.
    let (code, _, err) = run(&[
        "validate",
        arg(d.path()),
        "--organisations-template",
        arg(&d.path().join("grants.csv")),
        "--force",
    ]);
    assert_eq!(code, 2, "{err}");
    // Another existing file: refused without --force, replaced with it.
    let out = tempfile::tempdir().expect("tempdir");
    let other = out.path().join("mine.csv");
    std::fs::write(&other, "keep me").expect("write");
    let (code, _, err) = run(&[
        "validate",
        arg(d.path()),
        "--organisations-template",
        arg(&other),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&other).expect("kept"), "keep me");
    let (code, _, err) = run(&[
        "validate",
        arg(d.path()),
        "--organisations-template",
        arg(&other),
        "--force",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&other)
        .expect("replaced")
        .contains("GB-CHC-1000002,Youth Club,vcse,charity-evidence,1500.00,"));
    // --force alone is a usage error; no temporary file is left behind.
    let (code, _, _) = run(&["validate", arg(d.path()), "--force"]);
    assert_eq!(code, 2);
    let left: Vec<_> = std::fs::read_dir(out.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn a_bad_same_as_names_file_line_and_column_and_stops_the_run() {
    // Line 2 points at itself; line 3 at an identifier no file names; lines 4 and 5 form a
    // cycle. Strict: exit 2, every one listed, nothing written.
    let orgs = "Identifier,Name,Same As\n\
        360G-NBR-ART,Art Group,360g-nbr-art\n\
        GB-CHC-1000002,Youth Club,GB-CHC-9999999\n\
        360G-NBR-FOODBANK,Food Bank,360G-NBR-FB2\n\
        360G-NBR-FB2,Food Bank (old),360G-NBR-FOODBANK\n";
    let d = fixture_with(Some(orgs));
    // OUT beside the dataset: inside it would be refused before the data is read.
    let o = tempfile::tempdir().expect("tempdir");
    let out = o.path().join("out");
    let (code, stdout, err) = run(&["analyse", arg(d.path()), "-o", arg(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(stdout.is_empty());
    assert!(!out.exists());
    for expected in [
        "organisations.csv:2:Same As: \"360g-nbr-art\": Same As names the row's own Identifier",
        "organisations.csv:3:Same As: \"GB-CHC-9999999\": Same As names GB-CHC-9999999, which no grant",
        "organisations.csv:4:Same As: \"360G-NBR-FB2\": Same As forms a cycle (360G-NBR-FB2 → 360G-NBR-FOODBANK → 360G-NBR-FB2)",
        "organisations.csv:5:Same As: \"360G-NBR-FOODBANK\": Same As forms a cycle",
        "4 invalid rows found",
    ] {
        assert!(err.contains(expected), "{expected} not in {err}");
    }
    // --skip-invalid leaves the four rows out, counted by reason; nothing is merged.
    let v = validate_json(&[arg(d.path()), "--skip-invalid"]);
    let q = v["files"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["role"] == "organisations"))
        .expect("organisations.csv");
    assert_eq!(q["rows_read"], 4);
    assert_eq!(q["rows_used"], 0);
    assert_eq!(q["rejected"]["same-as-self"]["count"], 1);
    assert_eq!(q["rejected"]["same-as-unknown"]["count"], 1);
    assert_eq!(q["rejected"]["same-as-cycle"]["count"], 2);
    assert_eq!(v["merges"], serde_json::json!([]));
}

#[test]
fn same_as_is_read_through_the_organisations_mapping() {
    // A file in its own layout: `same_as = "merged_into"` in [organisations].
    let orgs = "id,label,merged_into\n360G-NBR-FOODBANK,Food Bank,GB-CHC-1000001\n";
    let d = fixture_with(Some(orgs));
    std::fs::write(
        d.path().join("fundflow.toml"),
        "[organisations]\nidentifier = \"id\"\nname = \"label\"\nsame_as = \"merged_into\"\n",
    )
    .expect("config");
    let v = validate_json(&[arg(d.path())]);
    // G2, G7 (grants), P1, M1, M2, two attendance rows, PAY1 = 8 rows; 360G-NBR-FB2 stays
    // apart (no row merges it).
    assert_eq!(v["merges"][0]["into"], "GB-CHC-1000001");
    assert_eq!(v["merges"][0]["rows_rewritten"], 8);
}
