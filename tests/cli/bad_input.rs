//! The bad-input corpus: every case exits 2, names file, line and column, never panics,
//! and writes nothing to stdout.

use super::support::{fundflow, root};

#[test]
fn every_bad_input_case_gives_exit_2_and_a_located_message() {
    let corpus = root().join("tests/fixtures/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&corpus)
        .expect("corpus exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expect").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "corpus has only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let rel = case.strip_prefix(root()).expect("inside the repo");
        let out = fundflow()
            .args(["validate", rel.to_str().expect("utf-8")])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expect = std::fs::read_to_string(case.join("expect")).expect("expect file");
        let mut why = Vec::new();
        if out.status.code() != Some(2) {
            why.push(format!("exit {:?}, not 2", out.status.code()));
        }
        if stderr.contains("panicked") {
            why.push("panicked".into());
        }
        if !out.stdout.is_empty() {
            why.push("wrote to stdout".into());
        }
        for line in expect.lines().filter(|l| !l.trim().is_empty()) {
            if !stderr.contains(line) {
                why.push(format!("stderr lacks {line:?}"));
            }
        }
        if !why.is_empty() {
            failures.push(format!(
                "{}: {}\n  stderr: {}",
                rel.display(),
                why.join("; "),
                stderr.lines().next().unwrap_or("")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn skip_invalid_accounts_for_every_row() {
    // Row-level defects load with --skip-invalid, and rows read = used + rejected.
    for case in [
        "amount-negative",
        "date-us-order",
        "duplicate-identifier",
        "ragged-row",
    ] {
        let dir = format!("tests/fixtures/bad/{case}");
        let v = super::support::validate_json(&["--skip-invalid", &dir]);
        let g = &v["files"][0];
        let rejected: u64 = g["rejected"]
            .as_object()
            .expect("rejected map")
            .values()
            .map(|r| r["count"].as_u64().expect("count"))
            .sum();
        assert_eq!(rejected, 1, "{case}");
        assert_eq!(
            g["rows_read"].as_u64(),
            Some(g["rows_used"].as_u64().expect("used") + rejected),
            "{case}"
        );
    }
}
