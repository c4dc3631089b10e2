//! `--public` (issue 15, "Severe 5"): no share or rate derived from a suppressed count of
//! people or attendance rows is published exactly, anywhere in OUT; invalid-row examples of
//! attendance.csv and payments.csv quote no value.

use super::support::{arg, dataset, run, GRANTS};
use serde_json::Value;
use std::path::Path;

/// The marker `--public` puts beside a suppressed figure.
const MARKER: &str = "fewer than 8";

/// A count as published: below 8 suppressed, else rounded to the nearest 5 (halves up).
fn rounded(n: u64) -> Option<u64> {
    (n >= 8).then(|| (n + 2) / 5 * 5)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every number in every CSV under `dir` (cells that parse as a float).
fn csv_numbers(dir: &Path) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for p in files_under(dir) {
        if p.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(&p)
            .expect("csv");
        for rec in r.records() {
            for cell in rec.expect("record").iter() {
                if let Ok(x) = cell.parse::<f64>() {
                    out.push((p.display().to_string(), x));
                }
            }
        }
    }
    out
}

/// 6 VCSE-side rows, 5 attended (5 ÷ 6 = 0.8333…), and 12 statutory rows, all attended, at
/// six meetings of one partnership whose fundholder is the statutory member.
fn five_of_six() -> tempfile::TempDir {
    let mut meetings = String::from(
        "Meeting ID,Partnership ID,Date,Duration Hours,Host,Chair,Decision,Type,Start Time\n",
    );
    let mut attendance = String::from("Meeting ID,Person ID,Org ID,Status,Hours\n");
    for m in 1..=6 {
        meetings.push_str(&format!(
            "M{m},P1,2023-0{m}-10,2,GB-LAE-NBR,GB-LAE-NBR,yes,board,10:00\n"
        ));
        attendance.push_str(&format!("M{m},S1,GB-LAE-NBR,attended,\n"));
        attendance.push_str(&format!("M{m},S2,GB-LAE-NBR,attended,\n"));
        let status = if m == 6 { "absent" } else { "attended" };
        attendance.push_str(&format!("M{m},V1,GB-CHC-1100001,{status},\n"));
    }
    dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        (
            "partnerships.csv",
            b"Partnership ID,Name,Fundholder,Programme\nP1,Test Partnership,GB-LAE-NBR,\n",
        ),
        ("meetings.csv", meetings.as_bytes()),
        ("attendance.csv", attendance.as_bytes()),
        (
            "organisations.csv",
            b"Identifier,Name,Sector\nGB-LAE-NBR,Northbridge Council,statutory\nGB-CHC-1100001,Good Cause,vcse\n",
        ),
    ])
}

#[test]
fn public_suppresses_the_rate_of_five_attended_of_six_rows() {
    let data = five_of_six();
    let work = tempfile::tempdir().expect("tempdir");
    let (exact_out, public_out) = (work.path().join("exact"), work.path().join("public"));
    let d = arg(data.path());
    assert_eq!(run(&["analyse", d, "-q", "-o", arg(&exact_out)]).0, 0);
    let (code, _, err) = run(&["analyse", d, "-q", "--public", "-o", arg(&public_out)]);
    assert_eq!(code, 0, "{err}");

    // Without --public: 5 ÷ 6 and 12 ÷ 12; seat share 12 ÷ 17 (the fundholder's 12 of 17
    // attended rows).
    let exact = read_json(&exact_out.join("findings.json"));
    let p = &exact["partnerships"][0];
    assert_eq!(p["attendance_rate"]["vcse"].as_f64(), Some(5.0 / 6.0));
    assert_eq!(p["attendance_rate"]["statutory"].as_f64(), Some(1.0));
    assert_eq!(p["seat_share"].as_f64(), Some(12.0 / 17.0));

    // --public: 5 and 6 are below 8 → the rate is null with its marker; 12 of 12 →
    // rounded 10 ÷ 10 = 1.0; seat share from rounded counts 10 ÷ 15 (12 → 10, 17 → 15).
    let public = read_json(&public_out.join("findings.json"));
    let p = &public["partnerships"][0];
    assert_eq!(p["attendance_rate"]["vcse"], Value::Null);
    assert_eq!(p["attendance_rate"]["vcse_suppressed"], MARKER);
    assert_eq!(p["attendance_rate"]["statutory"].as_f64(), Some(1.0));
    assert_eq!(p["seat_share"].as_f64(), Some(10.0 / 15.0));

    // The table says the same, with the marker as a column.
    let table = std::fs::read_to_string(public_out.join("tables/partnerships.csv")).expect("csv");
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let row = lines.next().expect("row");
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[col("attendance_rate_vcse")], "");
    assert_eq!(cells[col("attendance_rate_vcse_suppressed")], MARKER);

    // Nowhere in OUT (findings, tables, chart data, the report) is 5 ÷ 6 or 12 ÷ 17.
    for (file, x) in csv_numbers(&public_out) {
        for exact in [5.0 / 6.0, 12.0 / 17.0] {
            assert!((x - exact).abs() > 1e-6, "{file}: {x}");
        }
    }
    let report = std::fs::read_to_string(public_out.join("report.html")).expect("report");
    // (12 ÷ 17 is 71%, which the report rightly shows for the money: £2,500.50 of £3,500.50.)
    assert!(
        !report.contains("83%"),
        "5 of 6 as a percent in report.html"
    );
}

/// The figures derived from counts of people or attendance rows, by hand: (where the objects
/// are, `*` for every item of a list; the figure; its denominator beside it, when
/// findings.json has it).
const DERIVED: &[(&str, &str, Option<&str>)] = &[
    (
        "/partnerships/*",
        "/attendance_rate/statutory",
        Some("/attendance_rows/statutory"),
    ),
    (
        "/partnerships/*",
        "/attendance_rate/vcse",
        Some("/attendance_rows/vcse"),
    ),
    ("/partnerships/*", "/seat_share", None),
    ("/partnerships/*", "/out_of_hours_share/statutory", None),
    ("/partnerships/*", "/out_of_hours_share/vcse", None),
    (
        "/partnerships/*/attendance_by_quarter/*",
        "/attendance_rate/statutory",
        Some("/attendance_rows/statutory"),
    ),
    (
        "/partnerships/*/attendance_by_quarter/*",
        "/attendance_rate/vcse",
        Some("/attendance_rows/vcse"),
    ),
    ("/partnerships/*/balance/*", "/voice/value", None),
    (
        "/equity/usual_suspects",
        "/top5_seat_share",
        Some("/vcse_attended_rows"),
    ),
    (
        "/equity/covered_attendance/overall",
        "/covered_attendance_rate",
        Some("/covered_rows"),
    ),
    (
        "/equity/covered_attendance/overall",
        "/uncovered_attendance_rate",
        Some("/uncovered_rows"),
    ),
    (
        "/equity/covered_attendance/by_partnership/*",
        "/covered_attendance_rate",
        Some("/covered_rows"),
    ),
    (
        "/equity/covered_attendance/by_partnership/*",
        "/uncovered_attendance_rate",
        Some("/uncovered_rows"),
    ),
    (
        "/equity/groups/*",
        "/seat_share",
        Some("/vcse_attended_rows"),
    ),
    ("/equity/burden/*", "/burden_top_decile_share", None),
    ("/trends/*/partnerships/*", "/seat_share", None),
    (
        "/trends/*/partnerships/*",
        "/attendance_rate/statutory",
        None,
    ),
    ("/trends/*/partnerships/*", "/attendance_rate/vcse", None),
];

/// The pointers `pattern` names in `v` (`*` expands to every index of a list).
fn expand(v: &Value, pattern: &str) -> Vec<String> {
    let mut found = vec![String::new()];
    for part in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for base in found {
            if part == "*" {
                let n = v
                    .pointer(&base)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                next.extend((0..n).map(|i| format!("{base}/{i}")));
            } else if v.pointer(&format!("{base}/{part}")).is_some() {
                next.push(format!("{base}/{part}"));
            }
        }
        found = next;
    }
    found
}

/// True when `x` is a ÷ b for multiples of 5 with 10 ≤ b ≤ `max` (a rate of rounded counts).
fn rate_of_rounded_counts(x: f64, max: u64) -> bool {
    (2..=max / 5 + 1).any(|k| {
        let b = (5 * k) as f64;
        let a = x * b;
        ((a / 5.0).round() * 5.0 - a).abs() < 1e-9
    })
}

#[test]
fn public_example_publishes_no_exact_figure_derived_from_a_suppressed_count() {
    let work = tempfile::tempdir().expect("tempdir");
    let (exact_out, public_out) = (work.path().join("exact"), work.path().join("public"));
    assert_eq!(run(&["analyse", "-q", "-o", arg(&exact_out)]).0, 0);
    assert_eq!(
        run(&["analyse", "-q", "--public", "-o", arg(&public_out)]).0,
        0
    );
    let exact = read_json(&exact_out.join("findings.json"));
    let public = read_json(&public_out.join("findings.json"));
    // No denominator in the example reaches 3000 rows (2226 attendance rows in all).
    const MAX_ROWS: u64 = 3000;

    let mut suppressed = Vec::new();
    let mut published = 0;
    for (at, field, den) in DERIVED {
        for item in expand(&exact, at) {
            let pointer = format!("{item}{field}");
            let Some(x) = exact.pointer(&pointer).and_then(Value::as_f64) else {
                continue;
            };
            let shown = public.pointer(&pointer).unwrap_or(&Value::Null);
            let (parent, key) = pointer.rsplit_once('/').expect("a field");
            let marker = public.pointer(&format!("{parent}/{key}_suppressed"));
            if let Some(den) = den {
                // The counts are known: num = rate × den (exact for whole counts).
                let n = exact
                    .pointer(&format!("{item}{den}"))
                    .and_then(Value::as_u64)
                    .expect("denominator");
                let a = (x * n as f64).round() as u64;
                match (rounded(a), rounded(n)) {
                    (Some(ra), Some(rn)) => {
                        let want = ra as f64 / rn as f64;
                        let got = shown.as_f64().expect(&pointer);
                        assert!((got - want).abs() < 1e-12, "{pointer}: {got} ≠ {ra}/{rn}");
                    }
                    _ => {
                        assert_eq!(shown, &Value::Null, "{pointer}: {a} of {n} published");
                        assert_eq!(marker, Some(&Value::from(MARKER)), "{pointer}");
                    }
                }
            }
            match shown.as_f64() {
                // Published: a rate of rounded counts (or, for the burden's share of hours,
                // left exact: its people are at least 10).
                Some(v) => {
                    published += 1;
                    if !field.contains("burden") {
                        assert!(
                            rate_of_rounded_counts(v, MAX_ROWS),
                            "{pointer}: {v} is not a rate of rounded counts"
                        );
                    }
                }
                None => {
                    assert_eq!(marker, Some(&Value::from(MARKER)), "{pointer}: no marker");
                    suppressed.push((pointer, x));
                }
            }
        }
    }
    // The example has rates on fewer than 8 rows (the issue counted 12 published exactly).
    assert!(
        suppressed.len() >= 12,
        "{} suppressed: {suppressed:?}",
        suppressed.len()
    );
    assert!(published > 20, "{published} published");

    // No exact value of a suppressed figure in any CSV under OUT (tables and chart data),
    // unless the same number is also a figure published in its own right.
    let mut public_numbers = Vec::new();
    fn numbers(v: &Value, out: &mut Vec<f64>) {
        match v {
            Value::Number(n) => out.extend(n.as_f64()),
            Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
            Value::Object(m) => m.values().for_each(|x| numbers(x, out)),
            _ => {}
        }
    }
    numbers(&public, &mut public_numbers);
    let cells = csv_numbers(&public_out);
    for (pointer, x) in &suppressed {
        if public_numbers.iter().any(|p| (p - x).abs() < 1e-9) {
            continue;
        }
        for (file, c) in &cells {
            assert!((c - x).abs() > 1e-9, "{pointer} = {x} published in {file}");
        }
    }

    // The flags that quote such a rate quote the published one, or none.
    for flag in public["flags"].as_array().expect("flags") {
        let figure = if flag["code"] == "USUAL-SUSPECTS" {
            public["equity"]["usual_suspects"]["top5_seat_share"].as_f64()
        } else if flag["code"] == "PARTICIPATION-GAP" {
            let p = public["partnerships"]
                .as_array()
                .expect("partnerships")
                .iter()
                .find(|p| p["id"] == flag["partnership"])
                .expect("its partnership");
            let rate = |side: &str| p["attendance_rate"][side].as_f64();
            rate("statutory").zip(rate("vcse")).map(|(s, v)| s - v)
        } else {
            continue;
        };
        match figure {
            Some(v) => assert_eq!(flag["value"].as_f64(), Some(v), "{flag}"),
            None => assert_eq!(flag["value_suppressed"], MARKER, "{flag}"),
        }
    }
}

#[test]
fn public_quotes_no_value_from_invalid_attendance_or_payment_rows() {
    let example = super::support::root().join("data/example");
    let data = tempfile::tempdir().expect("tempdir");
    for f in std::fs::read_dir(&example).expect("example").flatten() {
        if f.path().extension().and_then(|e| e.to_str()) == Some("csv") {
            std::fs::copy(f.path(), data.path().join(f.file_name())).expect("copy");
        }
    }
    // A Person ID in the Status column, and one in a payment's Amount.
    let mut attendance = std::fs::read_to_string(data.path().join("attendance.csv")).expect("a");
    attendance.push_str("P1-2022-04,PER-SECRET-1,GB-NHS-QNB,PER-SECRET-2,\n");
    std::fs::write(data.path().join("attendance.csv"), attendance).expect("write");
    let mut payments = std::fs::read_to_string(data.path().join("payments.csv")).expect("p");
    payments
        .push_str("PAY-99999,GB-NHS-QNB,PER-0019,,P1-2022-04,,,PER-SECRET-3,expenses,2022-04-12\n");
    std::fs::write(data.path().join("payments.csv"), payments).expect("write");

    let out = tempfile::tempdir().expect("tempdir");
    let run_with = |public: bool| {
        let o = out.path().join(if public { "public" } else { "exact" });
        let mut args = vec!["analyse", arg(data.path()), "-q", "--skip-invalid", "-o"];
        args.push(arg(&o));
        if public {
            args.push("--public");
        }
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        std::fs::read_to_string(o.join("findings.json")).expect("findings")
    };
    // Without --public the example quotes the value (the row is the user's own).
    assert!(run_with(false).contains("PER-SECRET-2"));
    let public = run_with(true);
    for secret in ["PER-SECRET-1", "PER-SECRET-2", "PER-SECRET-3"] {
        assert!(!public.contains(secret), "{secret} quoted under --public");
    }
    // File, line, column and reason stay.
    let f: Value = serde_json::from_str(&public).expect("json");
    let files = f["data_quality"]["files"].as_array().expect("files");
    let examples: Vec<&str> = files
        .iter()
        .filter(|x| {
            let name = x["file"].as_str().unwrap_or("");
            name.ends_with("attendance.csv") || name.ends_with("payments.csv")
        })
        .flat_map(|x| {
            x["rejected"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
        })
        .flat_map(|r| r["examples"].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(examples.len(), 2, "{examples:?}");
    assert!(
        examples
            .iter()
            .any(|e| e.contains("attendance.csv:2228:Status: ")),
        "{examples:?}"
    );
}

/// Whether a figure at `path` (a JSON pointer into findings.json, or `TABLE/COLUMN`) is a
/// count of people or attendance rows: the oracle for the walk below, written from the
/// outputs' side (names as published), independently of the `PeopleCount` annotations in
/// the code that decide what is redacted.
fn is_people_count(path: &str, sector_or_id: &str) -> bool {
    let key = path.rsplit(['/', '.']).next().unwrap_or("");
    if path.starts_with("/parameters") {
        return false; // thresholds such as participation_gap_min_rows count nothing
    }
    let rows = key == "rows" || key.ends_with("_rows") || key == "attended" || key == "people";
    // attendance_rows.statutory, attended_rows_vcse, …: a side of a count of rows.
    let side_of_rows = path.contains("_rows") && (key == "statutory" || key == "vcse");
    // Grants to people and people funded: the individual sector's line and a funder's
    // `individuals:` line.
    let individuals = (sector_or_id == "individual" || sector_or_id.starts_with("individuals:"))
        && matches!(key, "grants" | "recipients" | "active_grants");
    rows || side_of_rows || individuals
}

/// Checks one published count: null or a multiple of 5 ≥ 10.
fn disclosed(v: &Value) -> bool {
    v.is_null() || v.as_u64().is_some_and(|n| n >= 10 && n % 5 == 0)
}

/// Walks every figure of `v` (findings.json), collecting counts of people that are not
/// disclosed; `context` is the nearest `sector` or `id` above.
fn walk(v: &Value, path: &str, context: &str, bad: &mut Vec<String>, seen: &mut usize) {
    match v {
        Value::Object(m) => {
            let here = m
                .get("sector")
                .or_else(|| m.get("id"))
                .and_then(Value::as_str)
                .unwrap_or(context);
            for (k, x) in m {
                let p = format!("{path}/{k}");
                if (x.is_number() || x.is_null()) && is_people_count(&p, here) {
                    *seen += 1;
                    // null: suppressed (with its marker) or not computable (without payments.csv).
                    if !disclosed(x) {
                        bad.push(format!("{p} = {x}"));
                    }
                } else {
                    walk(x, &p, here, bad, seen);
                }
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                walk(x, &format!("{path}/{i}"), context, bad, seen);
            }
        }
        _ => {}
    }
}

/// Every count of people in every table CSV under `dir` that is not disclosed.
fn table_counts(dir: &Path, bad: &mut Vec<String>, seen: &mut usize) {
    for p in files_under(dir) {
        if p.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let name = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_owned();
        let mut r = csv::Reader::from_path(&p).expect("csv");
        let headers: Vec<String> = r
            .headers()
            .expect("headers")
            .iter()
            .map(str::to_owned)
            .collect();
        for rec in r.records() {
            let rec = rec.expect("record");
            let context = headers
                .iter()
                .position(|h| h == "sector" || h == "id")
                .and_then(|i| rec.get(i))
                .unwrap_or("")
                .to_owned();
            for (h, cell) in headers.iter().zip(rec.iter()) {
                if !is_people_count(&format!("{name}/{h}"), &context) {
                    continue;
                }
                *seen += 1;
                let v = if cell.is_empty() {
                    Value::Null
                } else {
                    cell.parse::<u64>().map_or(Value::from(cell), Value::from)
                };
                if !disclosed(&v) {
                    bad.push(format!("{}: {h} = {cell}", p.display()));
                }
            }
        }
    }
}

/// Three grants to people from one funder: a count of people below 8.
fn three_people() -> tempfile::TempDir {
    dataset(&[(
        "grants.csv",
        b"Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name,Recipient Ind:Identifier\n\
G1,1000,2023-04-01,GB-LAE-NBR,Northbridge Council,GB-CHC-1100001,Good Cause,\n\
G2,200,2023-05-01,GB-CHC-1190001,Community Foundation,,,IND-1\n\
G3,200,2023-05-02,GB-CHC-1190001,Community Foundation,,,IND-2\n\
G4,200,2023-05-03,GB-CHC-1190001,Community Foundation,,,IND-3\n",
    )])
}

#[test]
fn every_count_of_people_is_disclosed_whatever_its_name() {
    // Issue 17: the counts are found from the outputs' side (every key or column that names
    // rows, attendance or people, and the grants and recipients that are people), in
    // findings.json and every table, on the example, on five attended of six rows and on
    // three grants to people; each must be null with its marker or a multiple of 5 ≥ 10.
    let five = five_of_six();
    let three = three_people();
    let mut total = 0;
    for data in [None, Some(five.path()), Some(three.path())] {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("out");
        let mut args = vec!["analyse", "-q", "--public", "-o", arg(&out)];
        if let Some(d) = data {
            args.insert(1, arg(d));
        }
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        let (mut bad, mut seen) = (Vec::new(), 0);
        walk(
            &read_json(&out.join("findings.json")),
            "",
            "",
            &mut bad,
            &mut seen,
        );
        table_counts(&out.join("tables"), &mut bad, &mut seen);
        table_counts(&out.join("charts"), &mut bad, &mut seen);
        assert!(bad.is_empty(), "{data:?}: not disclosed: {bad:#?}");
        total += seen;
        if data == Some(three.path()) {
            // The three people: suppressed in the sector line and the funder's line.
            let f = read_json(&out.join("findings.json"));
            let ind = f["totals"]["by_sector"]
                .as_array()
                .and_then(|s| s.iter().find(|x| x["sector"] == "individual"))
                .cloned()
                .unwrap_or_default();
            assert_eq!(ind["recipients"], Value::Null, "{ind}");
            assert_eq!(ind["recipients_suppressed"], MARKER);
            assert_eq!(ind["grants_suppressed"], MARKER);
            // A threshold is not a count: published as set.
            assert_eq!(f["parameters"]["participation_gap_min_rows"], 10);
        }
    }
    // The walk found counts to check (not a test that cannot fail).
    assert!(total > 100, "only {total} counts found");
}
