//! `fundflow synth`: deterministic, valid, the size asked for, and atomic.

use super::support::{arg, run};
use std::path::Path;

/// Small enough to keep the tests fast, big enough for every file to have rows.
const SCALE: &str = "2000";

const FILES: [&str; 7] = [
    "grants.csv",
    "organisations.csv",
    "partnerships.csv",
    "meetings.csv",
    "attendance.csv",
    "payments.csv",
    "synth.json",
];

fn synth(out: &Path, seed: &str) {
    let (code, _, err) = run(&["synth", "--scale", SCALE, "--seed", seed, "-o", arg(out)]);
    assert_eq!(code, 0, "synth failed: {err}");
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Data rows (lines after the header). No generated field holds a line break.
fn rows(dir: &Path, name: &str) -> usize {
    read(dir, name).iter().filter(|&&b| b == b'\n').count() - 1
}

#[test]
fn same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    synth(&a, "7");
    synth(&b, "7");
    synth(&c, "8");
    for name in FILES {
        assert!(
            read(&a, name) == read(&b, name),
            "{name} differs between runs"
        );
    }
    for name in FILES {
        assert!(read(&a, name) != read(&c, name), "{name} ignores the seed");
    }
}

#[test]
fn output_validates_analyses_and_has_the_rows_asked_for() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let (code, _, err) = run(&["synth", "--scale", SCALE, "-o", arg(&data)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with("synth: 2000 grants, 100 organisations, 4 partnerships"),
        "{err}"
    );

    // N grants, N/20 organisations, N/500 partnerships, N attendance rows, N/5 payments.
    assert_eq!(rows(&data, "grants.csv"), 2000);
    assert_eq!(rows(&data, "organisations.csv"), 100);
    assert_eq!(rows(&data, "partnerships.csv"), 4);
    assert_eq!(rows(&data, "attendance.csv"), 2000);
    assert_eq!(rows(&data, "payments.csv"), 400);
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&data, "synth.json")).expect("synth.json is JSON");
    assert_eq!(manifest["scale"], 2000);
    assert_eq!(
        manifest["rows"]["meetings.csv"],
        rows(&data, "meetings.csv") as u64
    );

    // Strict validation: every row of every file is usable.
    let (code, out, err) = run(&["validate", "--json", arg(&data)]);
    assert_eq!(code, 0, "validate failed: {err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["totals"]["grants"], 2000);
    // Grants reach every sector of recipient, individuals included.
    let by_sector = report["totals"]["by_sector"].as_array().expect("by_sector");
    for s in ["statutory", "vcse", "private", "individual", "unknown"] {
        let grants = by_sector
            .iter()
            .find(|row| row["sector"] == s)
            .and_then(|row| row["grants"].as_u64());
        assert!(
            grants > Some(0),
            "no grants to {s} recipients: {by_sector:?}"
        );
    }

    let out = tmp.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", arg(&data), "-o", arg(&out)]);
    assert_eq!(code, 0, "analyse failed: {err}");
    let findings: serde_json::Value =
        serde_json::from_slice(&read(&out, "findings.json")).expect("findings.json");
    assert_eq!(findings["totals"]["grants"], 2000);
    assert_eq!(findings["partnerships"].as_array().map(Vec::len), Some(4));
    // Community foundations regrant: some organisation both receives and gives.
    let intermediaries = findings["regranting"]["intermediaries"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(intermediaries > 0, "no intermediaries");
    // Multi-funded recipients exist.
    let multi = findings["recipients"].as_array().map_or(0, |r| {
        r.iter().filter(|r| r["funders"].as_u64() > Some(1)).count()
    });
    assert!(multi > 10, "only {multi} multi-funded recipients");
}

#[test]
fn a_failed_run_leaves_no_folder_and_a_foreign_folder_is_not_replaced() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").expect("write");

    // -o names a file: usage error, nothing written.
    let (code, _, err) = run(&["synth", "--scale", "local", "-o", arg(&file)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a folder"), "{err}");
    // -o inside a file: cannot be created.
    let (code, _, err) = run(&["synth", "--scale", "local", "-o", arg(&file.join("sub"))]);
    assert_ne!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(&file).ok().as_deref(),
        Some(&b"not a folder"[..])
    );
    // A folder of someone's own files is refused, and left as it was.
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).expect("mkdir");
    std::fs::write(mine.join("notes.txt"), "keep").expect("write");
    let (code, _, err) = run(&["synth", "--scale", "local", "-o", arg(&mine)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("refusing to replace"), "{err}");
    // No temporary folder left behind.
    let mut left: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["a-file", "mine"]);
    assert_eq!(
        std::fs::read_dir(&mine).map(|d| d.count()).ok(),
        Some(1),
        "mine/ was changed"
    );

    // Earlier synth output is replaced whole.
    let data = tmp.path().join("data");
    synth(&data, "1");
    synth(&data, "2");
    assert!(!data.join("notes.txt").exists());
    assert_eq!(rows(&data, "grants.csv"), 2000);
}

#[test]
fn bad_scales_are_usage_errors() {
    for bad in ["huge", "10", "-3"] {
        let (code, _, err) = run(&["synth", "--scale", bad, "-o", "never-written"]);
        assert_eq!(code, 2, "--scale {bad}: {err}");
    }
    assert!(!Path::new("never-written").exists());
}

/// FNV-1a, 64-bit: a stable fingerprint (std's hashers may change between Rust releases).
fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[test]
fn the_stream_is_pinned() {
    // The same seed must give the same files on every platform and every build: this
    // fingerprint was taken on x86_64 Linux. If a deliberate change to the generator moves
    // it, update it in the same commit and say so; if it moves on another platform, the
    // generator is not portable (see src/synth.rs, "Reproducibility").
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let (code, _, err) = run(&["synth", "--scale", "100", "--seed", "1", "-o", arg(&data)]);
    assert_eq!(code, 0, "{err}");
    let mut h = 0xcbf2_9ce4_8422_2325;
    for name in FILES.iter().filter(|n| **n != "synth.json") {
        h = fnv1a(&read(&data, name), h);
    }
    assert_eq!(format!("{h:016x}"), "b35922c7647c1242");
}
