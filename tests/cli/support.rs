//! Helpers shared by the integration tests.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/data/360giving/NAME`.
pub fn shared(name: &str) -> PathBuf {
    root().join("../shared/data/360giving").join(name)
}

/// The `fundflow` binary, run from the repository root with backtraces on, so a panic
/// would show up as "panicked" in stderr.
pub fn fundflow() -> Command {
    let mut c = Command::cargo_bin("fundflow").expect("binary built");
    c.current_dir(root()).env("RUST_BACKTRACE", "1");
    c
}

/// Runs `fundflow ARGS`; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = fundflow().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `fundflow validate --json ARGS`, parsed; panics with stderr when it fails.
pub fn validate_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["validate", "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "validate failed: {err}");
    serde_json::from_str(&out).expect("validate --json prints JSON")
}

/// Writes files into a fresh temporary folder.
pub fn dataset(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write fixture");
    }
    dir
}

/// A path as a &str for arguments.
pub fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A minimal valid grants file (two grants, £1,000.00 and £2,500.50).
pub const GRANTS: &str = "Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n\
G1,1000,2023-04-01,GB-LAE-NBR,Northbridge Council,GB-CHC-1100001,Good Cause\n\
G2,2500.50,2023-05-01,GB-LAE-NBR,Northbridge Council,360G-nbr-group,Local Group\n";

/// (sector, rule) of organisation `id` in a `validate --json` report, if listed.
pub fn sector_of(report: &serde_json::Value, id: &str) -> Option<(String, String)> {
    report["sectors"]["organisations"]
        .as_array()?
        .iter()
        .find(|o| o["id"] == id)
        .map(|o| {
            let s = |k: &str| o[k].as_str().unwrap_or("").to_owned();
            (s("sector"), s("rule"))
        })
}
