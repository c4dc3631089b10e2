//! Snapshots (insta) of `findings.json` for the built-in example and for Trafford's real
//! published file: any change to a figure, a flag message or the schema shows up as a diff
//! that has to be reviewed and accepted (`INSTA_UPDATE=always cargo test --release`, then
//! read the `.snap` diff in `git diff` before committing).
//!
//! The snapshots were reviewed by hand when accepted: the headline figures in them are the
//! ones asserted independently elsewhere (check.py for the example, Python over the CSV for
//! Trafford; see `analyse.rs` and `real_files.rs`), and the snapshot pins everything else.

use super::support::{arg, run};

/// `fundflow analyse ARGS -o TMP`; the findings.json text.
fn findings_text(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let mut all = vec!["analyse", "-q", "-o", arg(&out)];
    all.extend_from_slice(args);
    let (code, _, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    std::fs::read_to_string(out.join("findings.json")).expect("findings.json")
}

#[test]
fn example_findings() {
    insta::assert_snapshot!("example_findings", findings_text(&[]));
}

#[test]
fn trafford_findings() {
    // Relative to the repository root (the binary's working directory), so that file names
    // in data_quality are the same on every machine.
    let trafford = "../shared/data/360giving/trafford_council_vsg.csv";
    insta::assert_snapshot!("trafford_findings", findings_text(&[trafford]));
}
