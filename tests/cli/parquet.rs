//! Parquet input (issue 19): the example as Parquet analyses exactly as the example as CSV.

use super::support::{arg, dataset, root, run, GRANTS};
use polars::prelude::{
    Column, CsvReadOptions, DataFrame, DataType, IntoColumn, NamedFrom, ParquetWriter, SerReader,
    Series,
};
use std::path::Path;

const FILES: [&str; 6] = [
    "grants",
    "organisations",
    "partnerships",
    "meetings",
    "attendance",
    "payments",
];

/// A CSV read with every column as text (an empty cell null).
fn csv_frame(path: &Path) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .expect("the example CSV reads")
}

fn write_parquet(mut df: DataFrame, path: &Path) {
    let f = std::fs::File::create(path).expect("create");
    ParquetWriter::new(f)
        .finish(&mut df)
        .expect("write parquet");
}

/// Column `name` of `df` replaced by `to(text)` for every cell.
fn retyped(df: &DataFrame, name: &str, to: impl Fn(&str) -> Column) -> DataFrame {
    let mut df = df.clone();
    df.with_column(to(name)).expect("replaced");
    df
}

fn texts(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name)
        .expect("column")
        .str()
        .expect("text")
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

/// A text column of amounts as Float64.
fn floats(df: &DataFrame, name: &str) -> Column {
    let v: Vec<Option<f64>> = texts(df, name)
        .iter()
        .map(|t| t.as_deref().map(|t| t.parse::<f64>().expect("an amount")))
        .collect();
    Series::new(name.into(), v).into_column()
}

/// A text column of whole amounts as Int64.
fn ints(df: &DataFrame, name: &str) -> Column {
    let v: Vec<Option<i64>> = texts(df, name)
        .iter()
        .map(|t| {
            t.as_deref()
                .map(|t| t.parse::<i64>().expect("a whole amount"))
        })
        .collect();
    Series::new(name.into(), v).into_column()
}

/// A text column of `YYYY-MM-DD` dates as Date.
fn dates(df: &DataFrame, name: &str) -> Column {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let v: Vec<Option<i32>> = texts(df, name)
        .iter()
        .map(|t| {
            t.as_deref().map(|t| {
                let d = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").expect("a date");
                i32::try_from((d - epoch).num_days()).expect("days fit")
            })
        })
        .collect();
    Series::new(name.into(), v)
        .cast(&DataType::Date)
        .expect("dates")
        .into_column()
}

/// Analyses `dir` into `out` (no charts) and gives findings.json with the folder's path
/// and the files' extension made neutral, and every table file's bytes.
fn analysed(dir: &Path, out: &Path) -> (String, Vec<(String, Vec<u8>)>) {
    let (code, _, err) = run(&[
        "analyse",
        arg(dir),
        "-q",
        "--charts",
        "none",
        "-o",
        arg(out),
    ]);
    assert_eq!(code, 0, "{err}");
    let findings = std::fs::read_to_string(out.join("findings.json"))
        .expect("findings")
        .replace(arg(dir), "DATA")
        .replace(".parquet", ".csv");
    let mut tables: Vec<(String, Vec<u8>)> = std::fs::read_dir(out.join("tables"))
        .expect("tables")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("table"),
            )
        })
        .collect();
    tables.sort();
    (findings, tables)
}

fn assert_same_as_csv(typed: bool) {
    let example = root().join("data/example");
    let csv_dir = tempfile::tempdir().expect("tmp");
    let pq_dir = tempfile::tempdir().expect("tmp");
    for stem in FILES {
        let csv = example.join(format!("{stem}.csv"));
        std::fs::copy(&csv, csv_dir.path().join(format!("{stem}.csv"))).expect("copy");
        let mut df = csv_frame(&csv);
        if typed {
            df = match stem {
                // 2000.50 becomes 2000.5, 230000 stays 230000: the same amounts.
                "grants" => {
                    let d = retyped(&df, "Amount Awarded", |n| floats(&df, n));
                    let d = retyped(&d, "Planned Dates:Duration (months)", |n| ints(&df, n));
                    let d = retyped(&d, "Award Date", |n| dates(&df, n));
                    retyped(&d, "Planned Dates:Start Date", |n| dates(&df, n))
                }
                "payments" => {
                    let d = retyped(&df, "Amount", |n| floats(&df, n));
                    retyped(&d, "Date", |n| dates(&df, n))
                }
                "meetings" => retyped(&df, "Date", |n| dates(&df, n)),
                _ => df,
            };
        }
        write_parquet(df, &pq_dir.path().join(format!("{stem}.parquet")));
    }
    let out = tempfile::tempdir().expect("tmp");
    let (csv_findings, csv_tables) = analysed(csv_dir.path(), &out.path().join("csv"));
    let (pq_findings, pq_tables) = analysed(pq_dir.path(), &out.path().join("pq"));
    assert!(csv_findings == pq_findings, "findings.json differs");
    assert_eq!(csv_tables.len(), pq_tables.len());
    for ((name, a), (_, b)) in csv_tables.iter().zip(&pq_tables) {
        assert!(a == b, "tables/{name} differs");
    }
}

#[test]
fn the_example_as_text_parquet_analyses_as_the_csv() {
    assert_same_as_csv(false);
}

#[test]
fn the_example_as_typed_parquet_analyses_as_the_csv() {
    assert_same_as_csv(true);
}

/// The two-grant file of the support module as Parquet, with `amounts` as its amounts.
fn grants_parquet(amounts: &[&str]) -> Vec<u8> {
    let dir = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let df = csv_frame(&dir.path().join("grants.csv"));
    let df = retyped(&df, "Amount Awarded", |n| {
        Series::new(n.into(), amounts).into_column()
    });
    let path = dir.path().join("grants.parquet");
    write_parquet(df, &path);
    std::fs::read(path).expect("read back")
}

#[test]
fn a_bad_amount_is_reported_with_its_row_and_column() {
    let d = dataset(&[("grants.parquet", &grants_parquet(&["1000", "lots"]))]);
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    // The second record is row 3: the header is row 1.
    assert!(
        err.contains("grants.parquet:3:Amount Awarded: \"lots\""),
        "{err}"
    );
}

#[test]
fn a_single_parquet_grants_file_is_read() {
    let d = dataset(&[("g.parquet", &grants_parquet(&["1000", "2500.50"]))]);
    let (code, out, err) = run(&["validate", "--json", arg(&d.path().join("g.parquet"))]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    // £1,000 + £2,500.50 = £3,500.50.
    assert_eq!(v["totals"]["grants"], 2);
    assert_eq!(v["totals"]["amount"], 3_500.5);
}

#[test]
fn a_corrupt_parquet_file_is_a_clear_error() {
    let mut bytes = grants_parquet(&["1000", "2500.50"]);
    // Keep the magic bytes at both ends, spoil the middle (pages and footer length).
    let n = bytes.len();
    for b in &mut bytes[4..n - 4] {
        *b = 0xA5;
    }
    for (name, bytes) in [
        ("grants.parquet", bytes),
        ("grants.parquet", b"Identifier,Amount\n".to_vec()),
    ] {
        let d = dataset(&[(name, &bytes)]);
        let (code, _, err) = run(&["validate", arg(d.path())]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("not a readable Parquet file"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_folder_with_both_csv_and_parquet_is_ambiguous() {
    let pq = grants_parquet(&["1000", "2500.50"]);
    let partnerships = b"Partnership ID,Name,Fundholder\nP1,One,GB-LAE-NBR\n";
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("partnerships.csv", partnerships),
        ("partnerships.parquet", b"PAR1"),
    ]);
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("partnerships.csv") && err.contains("partnerships.parquet"),
        "{err}"
    );
    let d = dataset(&[("grants.csv", GRANTS.as_bytes()), ("grants.parquet", &pq)]);
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("more than one grants file"), "{err}");
}

#[test]
fn a_binary_column_is_refused_by_name_and_type() {
    let dir = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let df = csv_frame(&dir.path().join("grants.csv"));
    let bytes: Vec<&[u8]> = vec![b"x", b"y"];
    let df = retyped(&df, "Title", |n| {
        Series::new(n.into(), bytes.clone()).into_column()
    });
    write_parquet(df, &dir.path().join("grants.parquet"));
    std::fs::remove_file(dir.path().join("grants.csv")).expect("rm");
    let (code, _, err) = run(&["validate", arg(dir.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("column \"Title\" is of type binary"), "{err}");
}

#[test]
fn synth_parquet_analyses_as_synth_csv() {
    let out = tempfile::tempdir().expect("tmp");
    let csv = out.path().join("csv");
    let pq = out.path().join("pq");
    for (dir, extra) in [(&csv, None), (&pq, Some("--parquet"))] {
        let mut args = vec!["synth", "-q", "--scale", "300", "-o", arg(dir)];
        args.extend(extra);
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{err}");
    }
    assert!(pq.join("grants.parquet").is_file() && !pq.join("grants.csv").exists());
    let (a, ta) = analysed(&csv, &out.path().join("a"));
    let (b, tb) = analysed(&pq, &out.path().join("b"));
    assert!(a.replace(arg(&csv), "DATA") == b.replace(arg(&pq), "DATA"));
    assert!(ta == tb, "tables differ");
}

/// Seven grants, G1..G7, each £1,000 but G5 ("lots"), as CSV text.
fn seven_grants_csv() -> String {
    let mut text = GRANTS.lines().next().expect("a header").to_owned();
    for i in 1..=7 {
        let amount = if i == 5 { "lots" } else { "1000" };
        text.push_str(&format!(
            "\nG{i},{amount},2023-04-01,GB-LAE-NBR,Northbridge Council,GB-CHC-110000{i},Good Cause {i}"
        ));
    }
    text.push('\n');
    text
}

/// `fundflow ARGS` with every file read in parts of at least `part_bytes` (so each row
/// group of a Parquet file is a part of its own, read on rayon's threads).
fn run_in_parts(part_bytes: &str, args: &[&str]) -> (i32, String, String) {
    let out = super::support::fundflow()
        .env("FUNDFLOW_PART_BYTES", part_bytes)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_row_in_a_later_row_group_is_placed_as_in_the_csv() {
    let text = seven_grants_csv();
    let csv = dataset(&[("grants.csv", text.as_bytes())]);
    let pq = tempfile::tempdir().expect("tmp");
    let mut df = csv_frame(&csv.path().join("grants.csv"));
    // Rows in groups of 3: G1-G3, G4-G6, G7; G5 is in the second group.
    let f = std::fs::File::create(pq.path().join("grants.parquet")).expect("create");
    ParquetWriter::new(f)
        .with_row_group_size(Some(3))
        .finish(&mut df)
        .expect("write parquet");
    let same = |dir: &Path, s: &str| s.replace(arg(dir), "DATA").replace(".parquet", ".csv");
    for part_bytes in ["1", "1048576"] {
        // Strict: the load fails, naming G5's place: record 5 is line (and row) 5 + 1 = 6.
        let (code, _, err) = run_in_parts(part_bytes, &["validate", arg(pq.path())]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("grants.parquet:6:Amount Awarded: \"lots\""),
            "{err}"
        );
        let (_, _, csv_err) = run_in_parts(part_bytes, &["validate", arg(csv.path())]);
        assert_eq!(same(pq.path(), &err), same(csv.path(), &csv_err));
        // With --skip-invalid: 7 read, 6 used (6 × £1,000 = £6,000), 1 rejected, as the CSV.
        let json = |dir: &Path| {
            let (code, out, err) = run_in_parts(
                part_bytes,
                &["validate", "--json", "--skip-invalid", arg(dir)],
            );
            assert_eq!(code, 0, "{err}");
            same(dir, &out)
        };
        let pq_json = json(pq.path());
        assert_eq!(pq_json, json(csv.path()));
        let v: serde_json::Value = serde_json::from_str(&pq_json).expect("json");
        assert_eq!(v["totals"]["grants"], 6);
        assert_eq!(v["totals"]["amount"], 6_000.0);
    }
}
