//! `fundflow compare`: two financial years of one dataset, or two snapshots.

use super::support::{arg, run};

fn json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("compare.json");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn the_example_years_tell_the_readme_story() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("cmp");
    let (code, stdout, err) = run(&["compare", "--base", "2022", "--to", "2024", "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    // data/example/README.md items 14 and 15, checked by check.py.
    for line in [
        "VCSE share of funding rose from 66% to 78%.",
        "Healthy Northbridge Partnership: fundholder's share of meetings hosted fell from 100% to 83%.",
        "Healthy Northbridge Partnership: VCSE attendance rate rose from 42% to 52%.",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }
    let c = json(&out.join("compare.json"));
    assert_eq!(c["schema_version"], 1);
    assert_eq!(
        (c["base"]["label"].as_str(), c["to"]["label"].as_str()),
        (Some("2022-23"), Some("2024-25"))
    );
    assert_eq!(c["base"]["as_of"], "2023-03-31");
    assert_eq!(c["to"]["window"]["from"], "2024-04-01");
    let vcse = c["figures"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["figure"] == "vcse_share"))
        .cloned()
        .unwrap_or_default();
    // 0.657 → 0.781 (check.py): +0.124.
    assert!(
        vcse["change"]
            .as_f64()
            .is_some_and(|d| (d - 0.124).abs() < 0.001),
        "{vcse}"
    );
    for t in ["compare.csv", "compare.parquet", "compare_flags.csv"] {
        assert!(out.join(t).is_file(), "{t}");
    }
}

#[test]
fn compare_writes_a_self_contained_page_and_a_chart_the_same_every_time() {
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let (code, _, err) = run(&[
            "compare",
            "--base",
            "2022",
            "--to",
            "2024",
            "-q",
            "-o",
            arg(out),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    for f in [
        "compare.html",
        "compare_shares.png",
        "compare_shares.svg",
        "compare_shares.csv",
    ] {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(
            x == std::fs::read(b.join(f)).expect("read"),
            "{f} differs between two runs"
        );
    }
    super::charts::assert_real_chart(&a.join("compare_shares.png"));
    let html = std::fs::read_to_string(a.join("compare.html")).expect("compare.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.to_lowercase().contains("<script"), "no JavaScript");
    assert!(html.contains("default-src 'none'; img-src data:"));
    assert!(!html.contains("url("));
    for (i, _) in html.match_indices(" src=\"") {
        assert!(html[i + 6..].starts_with("data:"), "an external source");
    }
    assert!(!html.contains(" href=\""), "no links to follow");
    for s in [
        "<h1>What changed: 2022-23 → 2024-25</h1>",
        "VCSE share of funding rose from 66% to 78%.",
        "<h3>Appeared (",
        "<h3>Cleared (",
        " alt=\"Dot-and-arrow chart of share figures, 2022-23 to 2024-25.",
    ] {
        assert!(html.contains(s), "missing {s:?}");
    }
}

#[test]
fn a_dataset_compared_with_itself_shows_no_change() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("cmp");
    let (code, stdout, err) = run(&["compare", "data/example", "data/example", "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("nothing: every figure is the same on both sides."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Flags: 0 appeared, 0 cleared, 0 changed severity."),
        "{stdout}"
    );
    let c = json(&out.join("compare.json"));
    for f in c["figures"].as_array().expect("figures") {
        assert!(f["change"].is_null() || f["change"] == 0.0, "{f}");
    }
    assert!(c["flags"].as_array().is_some_and(Vec::is_empty));
    assert!(c["only_in_base"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn what_does_not_make_a_comparison_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("cmp");
    for args in [
        vec!["compare", "--base", "2022"],
        vec!["compare", "--base", "2022", "--to", "2022"],
        vec![
            "compare",
            "data/example",
            "data/example",
            "--base",
            "2022",
            "--to",
            "2023",
        ],
        vec!["compare", "data/example"],
    ] {
        let mut all = args.clone();
        all.extend(["-o", arg(&out)]);
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists(), "{args:?} wrote output");
    }
    // A folder that fundflow did not write is never replaced.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).expect("mkdir");
    std::fs::write(mine.join("notes.txt"), "keep me").expect("write");
    let (code, _, err) = run(&[
        "compare",
        "--base",
        "2022",
        "--to",
        "2024",
        "-o",
        arg(&mine),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt"))
            .ok()
            .as_deref(),
        Some("keep me")
    );
}
