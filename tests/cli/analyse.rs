//! `fundflow analyse`: outputs, atomicity, determinism, privacy.

use super::support::{arg, dataset, root, run, GRANTS};
use std::path::Path;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn findings(out: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&out.join("findings.json"))).expect("findings.json is JSON")
}

#[test]
fn the_example_is_analysed_into_json_and_tables() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, stdout, err) = run(&["analyse", "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.is_empty(),
        "data goes to files, the summary to stderr"
    );
    assert!(err.contains("flags ("), "{err}");
    // The terminal leads with the board summary, in the report's order, each with a question.
    assert!(err.contains("What the board should know:"), "{err}");
    let f = findings(&out);
    let items = f["summary"]["findings"].as_array().expect("summary");
    let mut last = 0;
    for (k, item) in items.iter().enumerate() {
        let code = item["code"].as_str().expect("code");
        let at = err
            .find(&format!("  {}. [", k + 1))
            .unwrap_or_else(|| panic!("item {} missing: {err}", k + 1));
        assert!(at > last && err[at..].contains(code), "{err}");
        last = at;
    }
    assert_eq!(err.matches("     Ask: ").count(), items.len(), "{err}");
    assert_eq!(f["schema_version"], 1);
    // as_of = the latest award or meeting date: the last meeting, 2025-03-31.
    assert_eq!(f["as_of"], "2025-03-31");
    // Independently summed with Python over data/example/grants.csv.
    assert_eq!(f["totals"]["grants"], 326);
    assert_eq!(f["totals"]["amount"], 6_549_327.75);
    for t in [
        "funders",
        "recipients",
        "partnerships",
        "balance",
        "flags",
        "sectors",
    ] {
        for ext in ["csv", "parquet"] {
            let p = out.join("tables").join(format!("{t}.{ext}"));
            assert!(p.is_file(), "{} missing", p.display());
        }
    }
    assert!(f["skipped"].as_array().is_some_and(Vec::is_empty));
    // No NaN or infinity anywhere: JSON has no way to say them, and serde would write null.
    let text = read(&out.join("findings.json"));
    assert!(!text.contains("NaN") && !text.contains("Infinity"));
}

#[test]
fn planted_money_patterns_are_flagged_on_the_example() {
    // Figures from data/example/check.py, which recomputes them independently in Python.
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(run(&["analyse", "-q", "-o", arg(&out)]).0, 0);
    let f = findings(&out);
    let flags = f["flags"].as_array().expect("flags");
    let find = |code: &str, subject: &str| {
        flags
            .iter()
            .find(|x| x["code"] == code && x["subject"] == subject)
            .cloned()
    };
    let c = find("CONCENTRATION", "GB-LAE-NBR").expect("council concentration");
    assert_eq!(c["severity"], "high");
    assert!(
        (c["value"].as_f64().unwrap_or(0.0) - 0.761).abs() < 0.0005,
        "{c}"
    );
    // The whole-area flag (group null); per-area ones carry the area in `group`.
    let d = flags
        .iter()
        .find(|x| x["code"] == "FUNDER-DOMINANCE" && x["group"].is_null())
        .expect("council dominance overall");
    assert_eq!(d["subject"], "GB-LAE-NBR");
    assert_eq!(d["severity"], "medium");
    assert!(
        (d["value"].as_f64().unwrap_or(0.0) - 0.588).abs() < 0.0005,
        "{d}"
    );
    let r = find("DEPENDENCY", "GB-CHC-1112650").expect("Riverside Carers Centre dependency");
    assert_eq!(r["severity"], "high");
    assert!(
        (r["value"].as_f64().unwrap_or(0.0) - 0.889).abs() < 0.0005,
        "{r}"
    );
    let cliff = flags
        .iter()
        .find(|x| {
            x["code"] == "FUNDING-CLIFF"
                && x["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("Café Connect"))
        })
        .expect("Café Connect cliff");
    assert_eq!(cliff["severity"], "high");
    assert_eq!(cliff["value"], 1.0);
    // Dependants: VCSE-side organisations whose largest active funder it is, at dependency
    // ≥ 0.5 — recomputed with check.py's recipient_position: foundation 15, council 6,
    // lottery 3, ICB 3, hospital trust 0.
    let dependants: Vec<(String, u64)> = f["funders"]
        .as_array()
        .expect("funders")
        .iter()
        .map(|x| {
            (
                x["id"].as_str().unwrap_or("").to_owned(),
                x["dependants"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        dependants,
        [
            ("GB-CHC-1190001".to_owned(), 15),
            ("GB-GOR-PC999".to_owned(), 3),
            ("GB-LAE-NBR".to_owned(), 6),
            ("GB-NHS-QNB".to_owned(), 3),
            ("GB-NHS-RNB".to_owned(), 0)
        ]
    );
}

#[test]
fn planted_equity_patterns_are_flagged_on_the_example() {
    // Figures from data/example/README.md, computed independently by check.py.
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(run(&["analyse", "-q", "-o", arg(&out)]).0, 0);
    let f = findings(&out);
    let near =
        |v: &serde_json::Value, want: f64| v.as_f64().is_some_and(|x| (x - want).abs() < 0.0005);
    let flags = f["flags"].as_array().expect("flags");
    let of = |code: &str| -> Vec<&serde_json::Value> {
        flags.iter().filter(|x| x["code"] == code).collect()
    };

    // SHORT-TERM-FUNDING: the council 0.986 and the community foundation 0.928; the
    // lottery, mostly long-term, is not flagged.
    let short = of("SHORT-TERM-FUNDING");
    let subjects: Vec<&str> = short.iter().filter_map(|x| x["subject"].as_str()).collect();
    assert_eq!(subjects, ["GB-CHC-1190001", "GB-LAE-NBR"]);
    // Over VCSE organisations, sectors vcse and unknown (SPEC.md Definitions).
    assert!(near(&short[1]["value"], 0.986), "{}", short[1]);
    assert!(near(&short[0]["value"], 0.928), "{}", short[0]);
    assert!(short.iter().all(|x| x["severity"] == "medium"));
    let funder = |id: &str| {
        f["funders"]
            .as_array()
            .and_then(|fs| fs.iter().find(|x| x["id"] == id))
            .cloned()
            .unwrap_or_default()
    };
    let council = funder("GB-LAE-NBR");
    assert_eq!(council["vcse_grants"], 103);
    assert_eq!(council["median_months"], 12.0);
    // unrestricted_share: the lottery's recorded in the Unrestricted column (0.319), the
    // council's from "core costs" in descriptions (0.022).
    let lottery = funder("GB-GOR-PC999");
    assert!(near(&lottery["unrestricted_share"], 0.319), "{lottery}");
    assert_eq!(lottery["unrestricted_basis"], "recorded");
    assert!(near(&council["unrestricted_share"], 0.022), "{council}");
    assert_eq!(council["unrestricted_basis"], "keywords");

    // USUAL-SUSPECTS: 19 organisations with seats; the top five hold 0.544 of 1,109 rows;
    // four sit at all three tables.
    let us = &f["equity"]["usual_suspects"];
    assert_eq!(us["vcse_seat_orgs"], 19);
    assert_eq!(us["vcse_attended_rows"], 1109);
    assert!(near(&us["top5_seat_share"], 0.544), "{us}");
    assert_eq!(
        us["top5"],
        serde_json::json!([
            "GB-CHC-1115273",
            "GB-CHC-1108832",
            "GB-CHC-1160348",
            "GB-CHC-1190001",
            "GB-CHC-1104417"
        ])
    );
    assert_eq!(us["multi_table_orgs"].as_array().map(Vec::len), Some(4));
    let u = of("USUAL-SUSPECTS");
    assert_eq!(u.len(), 1);
    assert_eq!(u[0]["severity"], "medium");
    assert!(u[0]["subject"].is_null());

    // UNDER-FUNDED-GROUP: black-and-minoritised, 6 of 43 VCSE organisations (sectors vcse
    // and unknown), ratio 0.4095 (medium); women-led 1.0175 and the small tags are not
    // flagged (check.py: 0.410, 1.017, lived-experience 1.597, disabled-led 0.524).
    let groups = f["equity"]["groups"].as_array().expect("groups");
    let group = |tag: &str| {
        groups
            .iter()
            .find(|g| g["tag"] == tag)
            .cloned()
            .unwrap_or_default()
    };
    let bm = group("black-and-minoritised");
    assert_eq!(
        (
            bm["organisations"].as_u64(),
            bm["vcse_organisations"].as_u64()
        ),
        (Some(6), Some(43))
    );
    assert!(near(&bm["representation_ratio"], 0.4095), "{bm}");
    assert!(near(&group("women-led")["representation_ratio"], 1.0175));
    assert!(near(
        &group("lived-experience")["representation_ratio"],
        1.597
    ));
    assert!(near(
        &group("disabled-led")["representation_ratio"],
        0.523_503
    ));
    let g = of("UNDER-FUNDED-GROUP");
    assert_eq!(g.len(), 1);
    assert_eq!(g[0]["group"], "black-and-minoritised");
    assert_eq!(g[0]["severity"], "medium");

    // Does paying people change who turns up? P3: covered 0.762 (143 rows) against 0.462
    // uncovered (286 rows).
    let p3 = f["equity"]["covered_attendance"]["by_partnership"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["partnership"] == "P3"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (p3["covered_rows"].as_u64(), p3["uncovered_rows"].as_u64()),
        (Some(143), Some(286))
    );
    assert!(near(&p3["covered_attendance_rate"], 0.762), "{p3}");
    assert!(near(&p3["uncovered_attendance_rate"], 0.462), "{p3}");

    // Burden, P1: 10 community members, 153.5 unpaid hours, the top one carries 0.365;
    // P2 has 3, so no share.
    let burden = f["equity"]["burden"].as_array().expect("burden");
    assert_eq!(burden[0]["partnership"], "P1");
    assert_eq!(burden[0]["people"], 10);
    assert_eq!(burden[0]["unpaid_hours"], 153.5);
    assert!(near(&burden[0]["burden_top_decile_share"], 0.365));
    assert_eq!(burden[1]["people"], 3);
    assert!(burden[1]["burden_top_decile_share"].is_null());
    for t in ["seat_holders", "covered_attendance", "groups", "burden"] {
        assert!(out.join("tables").join(format!("{t}.csv")).is_file(), "{t}");
    }
}

#[test]
fn the_example_trends_tell_the_readme_story() {
    // data/example/README.md items 11, 14, 15 (check.py, by financial year).
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(run(&["analyse", "-q", "-o", arg(&out)]).0, 0);
    let f = findings(&out);
    let years = f["trends"].as_array().expect("trends");
    let labels: Vec<&str> = years.iter().filter_map(|y| y["label"].as_str()).collect();
    assert_eq!(labels, ["2022-23", "2023-24", "2024-25"]);
    let close =
        |v: &serde_json::Value, want: f64| v.as_f64().is_some_and(|x| (x - want).abs() < 0.0005);
    // VCSE-side share of money: 0.657 → 0.758 → 0.781.
    for (y, want) in years.iter().zip([0.657, 0.758, 0.781]) {
        assert!(
            close(&y["vcse_share"], want),
            "{}: {}",
            y["label"],
            y["vcse_share"]
        );
        assert_eq!(y["complete"], true);
    }
    let p = |year: usize, id: &str| {
        years[year]["partnerships"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["id"] == id))
            .cloned()
            .unwrap_or_default()
    };
    // P1: the ICB hosts 12/12, 12/12, then 10/12; VCSE attendance 0.415, 0.425, 0.515.
    for (y, (host, rate)) in [(1.0, 0.415), (1.0, 0.425), (10.0 / 12.0, 0.515)]
        .iter()
        .enumerate()
    {
        assert!(close(&p(y, "P1")["host_share"], *host), "{}", p(y, "P1"));
        assert!(
            close(&p(y, "P1")["attendance_rate"]["vcse"], *rate),
            "{}",
            p(y, "P1")
        );
    }
    // P3: paid in 2023-24 only: unpaid share 1, 0, 1; VCSE attendance 0.455, 0.762, 0.469.
    for (y, (unpaid, rate)) in [(1.0, 0.455), (0.0, 0.762), (1.0, 0.469)]
        .iter()
        .enumerate()
    {
        assert!(
            close(&p(y, "P3")["vcse_unpaid_share"], *unpaid),
            "{}",
            p(y, "P3")
        );
        assert!(
            close(&p(y, "P3")["attendance_rate"]["vcse"], *rate),
            "{}",
            p(y, "P3")
        );
    }
    for t in ["trends", "trends_partnerships"] {
        assert!(
            out.join("tables").join(format!("{t}.parquet")).is_file(),
            "{t}"
        );
    }
}

#[test]
fn two_runs_are_byte_identical() {
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert_eq!(run(&["analyse", "-q", "-o", arg(&a)]).0, 0);
    assert_eq!(run(&["analyse", "-q", "-o", arg(&b)]).0, 0);
    assert_eq!(
        read(&a.join("findings.json")),
        read(&b.join("findings.json"))
    );
    for entry in std::fs::read_dir(a.join("tables"))
        .expect("tables")
        .flatten()
    {
        let name = entry.file_name();
        let x = std::fs::read(entry.path()).expect("read");
        let y = std::fs::read(b.join("tables").join(&name)).expect("read");
        assert!(x == y, "{name:?} differs between runs");
    }
}

#[test]
fn no_person_identifier_appears_in_any_output_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(run(&["analyse", "-q", "-o", arg(&out)]).0, 0);
    let people: Vec<String> = read(&root().join("data/example/attendance.csv"))
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_owned))
        .collect();
    let mut files = vec![out.join("findings.json")];
    files.extend(
        std::fs::read_dir(out.join("tables"))
            .expect("tables")
            .flatten()
            .map(|e| e.path()),
    );
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        for p in &people {
            assert!(!text.contains(p.as_str()), "{p} in {}", f.display());
        }
    }
}

#[test]
fn a_failed_run_leaves_no_output_and_keeps_the_previous_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let bad = dataset(&[("grants.csv", b"Identifier,Amount Awarded\nG1,5\n")]);
    let (code, _, err) = run(&["analyse", arg(bad.path()), "-o", arg(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(!out.exists(), "a failed run must not create OUT");
    // A good run, then a failed one: the good output stays, and no temporary folder is left.
    let good = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    assert_eq!(
        run(&["analyse", "-q", arg(good.path()), "-o", arg(&out)]).0,
        0
    );
    let before = read(&out.join("findings.json"));
    assert_eq!(run(&["analyse", arg(bad.path()), "-o", arg(&out)]).0, 2);
    assert_eq!(read(&out.join("findings.json")), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    // A folder that is not fundflow output is never replaced.
    let precious = dataset(&[("notes.txt", b"keep me")]);
    let (code, _, err) = run(&["analyse", "-q", "-o", arg(precious.path())]);
    assert_eq!(code, 2);
    assert!(err.contains("does not look like fundflow output"), "{err}");
    assert!(precious.path().join("notes.txt").is_file());
}

#[test]
fn grants_only_dataset_skips_partnership_analyses_and_says_so() {
    let d = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["analyse", arg(d.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("skipped: partnership money and retention (needs partnerships.csv)"),
        "{err}"
    );
    let f = findings(&out);
    let skipped: Vec<&str> = f["skipped"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["analysis"].as_str())
        .collect();
    assert!(skipped.len() >= 4, "{skipped:?}");
    assert!(f["partnerships"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn window_and_config_options() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    // --fy 2023 = 2023-04-01..2024-03-31; as_of defaults to its end.
    assert_eq!(
        run(&["analyse", "-q", "--fy", "2023", "-o", arg(&out)]).0,
        0
    );
    let f = findings(&out);
    assert_eq!(f["window"]["from"], "2023-04-01");
    assert_eq!(f["as_of"], "2024-03-31");
    // The documented example config holds exactly the defaults.
    let cfg = root().join("fundflow.example.toml");
    assert_eq!(
        run(&["analyse", "-q", "--config", arg(&cfg), "-o", arg(&out)]).0,
        0
    );
    let mut with_cfg = findings(&out)["parameters"].clone();
    // Recorded by name: the file's path never reaches an output.
    assert_eq!(with_cfg["config_file"], "fundflow.example.toml");
    assert_eq!(run(&["analyse", "-q", "-o", arg(&out)]).0, 0);
    with_cfg["config_file"] = "built-in defaults".into();
    assert_eq!(findings(&out)["parameters"], with_cfg);
    // A typo in a config key is an error, not silently ignored.
    let bad = dataset(&[("fundflow.toml", b"hourly_rte = 10\n")]);
    let (code, _, err) = run(&[
        "analyse",
        "--config",
        arg(&bad.path().join("fundflow.toml")),
        "-o",
        arg(&out),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("hourly_rte"), "{err}");
    let (code, _, _) = run(&[
        "analyse",
        "--from",
        "2024-01-01",
        "--to",
        "2023-01-01",
        "-o",
        arg(&out),
    ]);
    assert_eq!(code, 2);
}

#[test]
fn public_output_has_no_small_counts_and_no_person_identifiers() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(run(&["analyse", "-q", "--public", "-o", arg(&out)]).0, 0);
    let f = findings(&out);
    assert_eq!(f["disclosure"]["public"], true);
    // Every people or attendance-row count anywhere is null (suppressed) or a multiple of 5
    // that is at least 10 (8 or 9 round to 10).
    fn check(v: &serde_json::Value, under_count: bool, seen: &mut usize) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    // Keys that name counts of rows or people (the published names).
                    let named =
                        k == "rows" || k.ends_with("_rows") || k == "attended" || k == "people";
                    let c = under_count || named;
                    check(x, c, seen);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| check(x, under_count, seen)),
            serde_json::Value::Number(n) if under_count => {
                let c = n.as_u64().expect("counts are whole");
                assert!(c >= 10 && c % 5 == 0, "count {c} published");
                *seen += 1;
            }
            _ => {}
        }
    }
    let mut seen = 0;
    check(&f, false, &mut seen);
    assert!(seen > 0, "the example has attendance counts to check");
    // The same rule reached the tables: the edges table's attendance rows.
    let edges = read(&out.join("tables/edges.csv"));
    let header: Vec<&str> = edges.lines().next().expect("header").split(',').collect();
    let rows_col = header
        .iter()
        .position(|h| *h == "rows")
        .expect("rows column");
    for line in edges.lines().skip(1) {
        if let Some(x) = line.split(',').nth(rows_col).filter(|x| !x.is_empty()) {
            let c: u64 = x.parse().expect("a count");
            assert!(c >= 10 && c % 5 == 0, "edges.csv publishes {c}");
        }
    }
    // Money is not suppressed.
    assert_eq!(f["totals"]["amount"], 6_549_327.75);
}

#[test]
fn the_area_cliff_matches_check_py() {
    // check.py, independently: 118 VCSE-side grants running at 2025-03-31 worth
    // £1,634,650.11 a year, £1,446,641.87 of it ending by 2026-03-31: 0.88499.
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(
        run(&["analyse", "-q", "--charts", "none", "-o", arg(&out)]).0,
        0
    );
    let f = findings(&out);
    let c = &f["cliff"];
    assert_eq!(c["active_grants"], 118);
    let near =
        |v: &serde_json::Value, want: f64| v.as_f64().is_some_and(|x| (x - want).abs() < 0.01);
    assert!(near(&c["active_annual"], 1_634_650.11), "{c}");
    assert!(near(&c["ending_12m_annual"], 1_446_641.87), "{c}");
    // The report's key figure uses the same horizon.
    let html = read(&out.join("report.html"));
    assert!(
        html.contains("ends within 12 months of 2025-03-31: 88% of the £1.6m a year running"),
        "key figure missing"
    );
    // ...and so does the cliff chart's title (£1,446,641.87 → £1.4m; 2025-03-31 + 365 days).
    assert!(
        html.contains("£1.4m a year of VCSE-side funding ends within 12 months, by 31 March 2026"),
        "cliff chart title missing"
    );
}
