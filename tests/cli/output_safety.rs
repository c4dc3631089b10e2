//! Output safety (issue 15): `OUT` replaced only when fundflow's manifest accounts for
//! everything in it, never over or around an input, checked before any work; no staging
//! litter after a failure, a signal or a race; bounded, distinct chart names.

use super::support::{arg, dataset, fundflow, root, run, GRANTS};
use std::path::{Path, PathBuf};

/// The fundflow binary, for runs spawned side by side.
fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_fundflow"))
}

/// Every entry of `dir` (names, sorted), hidden ones included.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file under `dir` as a sorted relative path, with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("list").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("inside").display().to_string();
                files.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    files.sort();
    files
}

/// Staging or old folders of ours beside `OUT`s in `dir`.
fn litter(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.contains(".fundflow-"))
        .collect()
}

/// The manifest's file list.
fn manifest_files(out: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(out.join(".fundflow-manifest")).expect("manifest");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("fundflow-manifest 1"));
    assert!(lines.next().is_some_and(|l| l.starts_with("command: ")));
    assert_eq!(lines.next(), Some("files:"));
    lines.map(str::to_owned).collect()
}

/// A folder holding exactly what its manifest lists (and the manifest).
fn assert_complete(out: &Path) {
    let listed = manifest_files(out);
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "manifest not sorted");
    let present: Vec<String> = snapshot(out)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p != ".fundflow-manifest")
        .collect();
    assert_eq!(present, listed);
}

#[test]
fn a_dataset_inside_out_is_refused_and_left_intact() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let mydata = out.join("mydata");
    std::fs::create_dir_all(&mydata).expect("mkdir");
    std::fs::write(mydata.join("grants.csv"), GRANTS).expect("write");
    let before = snapshot(&out);
    for o in [out.clone(), mydata.clone(), mydata.join("sub")] {
        let (code, _, err) = run(&["analyse", "-q", arg(&mydata), "-o", arg(&o)]);
        assert_eq!(code, 2, "-o {}: {err}", o.display());
        assert!(err.contains("an input of this run"), "{err}");
        assert_eq!(snapshot(&out), before, "-o {}", o.display());
    }
    assert_eq!(names(tmp.path()), ["out"]);
    // The grants file and the config file count as inputs too.
    let cfg = tmp.path().join("cfg");
    std::fs::create_dir(&cfg).expect("mkdir");
    std::fs::write(cfg.join("fundflow.toml"), "").expect("write");
    let grants = arg(&mydata).to_owned() + "/grants.csv";
    for args in [
        vec!["analyse", "-q", &grants, "-o", arg(&out)],
        vec![
            "analyse",
            "-q",
            "--config",
            "cfg/fundflow.toml",
            "-o",
            "cfg",
        ],
        vec!["compare", "-q", arg(&mydata), arg(&cfg), "-o", arg(&out)],
    ] {
        let (code, _, err) = fundflow()
            .current_dir(tmp.path())
            .args(&args)
            .output()
            .map(|o| {
                (
                    o.status.code().unwrap_or(-1),
                    (),
                    String::from_utf8_lossy(&o.stderr).into_owned(),
                )
            })
            .expect("runs");
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("an input of this run"), "{args:?}: {err}");
    }
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_folder_with_findings_and_a_user_file_is_refused_and_untouched() {
    let data = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let tmp = tempfile::tempdir().expect("tmp");
    // Written by an earlier version (no manifest), or by hand: refused.
    let old = tmp.path().join("old");
    std::fs::create_dir(&old).expect("mkdir");
    std::fs::write(old.join("findings.json"), "{}").expect("write");
    std::fs::write(old.join("thesis.docx"), "my thesis").expect("write");
    let before = snapshot(&old);
    let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&old)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no .fundflow-manifest"), "{err}");
    assert!(err.contains("delete or move it"), "{err}");
    assert_eq!(snapshot(&old), before);
    // fundflow's own output with a user's file and folder added: refused, and both named.
    let out = tmp.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert_complete(&out);
    std::fs::write(out.join("thesis.docx"), "my thesis").expect("write");
    std::fs::create_dir(out.join("data")).expect("mkdir");
    std::fs::write(out.join("data/notes.txt"), "notes").expect("write");
    let before = snapshot(&out);
    let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did not write (data/, thesis.docx)"), "{err}");
    assert_eq!(snapshot(&out), before);
    // Another command's output is not replaced either.
    std::fs::remove_file(out.join("thesis.docx")).expect("rm");
    std::fs::remove_dir_all(out.join("data")).expect("rm");
    let (code, _, err) = run(&["synth", "-q", "--scale", "1000", "-o", arg(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`fundflow analyse`"), "{err}");
    assert_eq!(litter(tmp.path()), Vec::<String>::new());
}

#[test]
fn a_synth_folder_with_a_user_file_is_refused_and_untouched() {
    let tmp = tempfile::tempdir().expect("tmp");
    let old = tmp.path().join("old");
    std::fs::create_dir(&old).expect("mkdir");
    std::fs::write(old.join("synth.json"), "{}").expect("write");
    std::fs::write(old.join("thesis.docx"), "my thesis").expect("write");
    let before = snapshot(&old);
    let (code, _, err) = run(&["synth", "-q", "--scale", "1000", "-o", arg(&old)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no .fundflow-manifest"), "{err}");
    assert_eq!(snapshot(&old), before);
    let data = tmp.path().join("data");
    assert_eq!(
        run(&["synth", "-q", "--scale", "1000", "-o", arg(&data)]).0,
        0
    );
    assert_complete(&data);
    std::fs::write(data.join("thesis.docx"), "my thesis").expect("write");
    let before = snapshot(&data);
    let (code, _, err) = run(&["synth", "-q", "--scale", "1000", "-o", arg(&data)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("thesis.docx"), "{err}");
    assert_eq!(snapshot(&data), before);
}

#[test]
fn a_previous_output_is_replaced_and_leaves_no_litter() {
    let data = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    for _ in 0..2 {
        let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(names(tmp.path()), ["out"]);
        assert_complete(&out);
    }
    let listed = manifest_files(&out);
    assert!(listed.contains(&"findings.json".to_owned()), "{listed:?}");
    assert!(listed.contains(&"report.html".to_owned()), "{listed:?}");
    assert!(
        listed.iter().any(|f| f.starts_with("tables/")),
        "{listed:?}"
    );
    // A file fundflow wrote and the user deleted is no obstacle.
    std::fs::remove_file(out.join("report.html")).expect("rm");
    assert_eq!(
        run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]).0,
        0
    );
    assert!(out.join("report.html").is_file());
    // compare writes a manifest too, and replaces its own folder.
    let changes = tmp.path().join("changes");
    for _ in 0..2 {
        let (code, _, err) = run(&[
            "compare",
            "-q",
            "--base",
            "2022",
            "--to",
            "2024",
            "-o",
            arg(&changes),
        ]);
        assert_eq!(code, 0, "{err}");
        assert_complete(&changes);
    }
    assert_eq!(names(tmp.path()), ["changes", "out"]);
}

#[test]
fn stale_staging_folders_of_dead_runs_are_swept_and_block_nothing() {
    let data = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    assert_eq!(
        run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]).0,
        0
    );
    // 4194304 (2^22) is above Linux's largest pid_max: that process cannot be running.
    let staging = tmp.path().join(".out.fundflow-tmp-4194304-1a2b");
    std::fs::create_dir(&staging).expect("mkdir");
    std::fs::write(staging.join(".fundflow-staging"), "").expect("write");
    let old = tmp.path().join(".out.fundflow-old-4194304-3c4d");
    std::fs::create_dir(&old).expect("mkdir");
    std::fs::write(old.join(".fundflow-manifest"), "").expect("write");
    // Not provably ours (no marker; the names earlier versions used): kept, and no obstacle.
    let foreign = tmp.path().join(".out.fundflow-tmp-4194304-5e6f");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::fs::create_dir(tmp.path().join(".out.fundflow-tmp-77.old")).expect("mkdir");
    std::fs::create_dir(tmp.path().join(".out.old")).expect("mkdir");
    let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert_complete(&out);
    assert_eq!(
        names(tmp.path()),
        [
            ".out.fundflow-tmp-4194304-5e6f",
            ".out.fundflow-tmp-77.old",
            ".out.old",
            "out"
        ]
    );
}

#[test]
fn a_destination_that_cannot_be_replaced_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("a-file"), "mine").expect("write");
    // A dataset that would fail to load: the destination is refused first, so the message is
    // about -o, and nothing is written.
    let missing = tmp.path().join("no-such-dataset");
    let inside = tmp.path().join("inside");
    std::fs::create_dir(&inside).expect("mkdir");
    for (cwd, o, why) in [
        (&inside, ".", "names no folder of its own"),
        (&inside, "..", "names no folder of its own"),
        (&inside, "/", "names no folder of its own"),
        (&inside, "../inside", "the current folder"),
        (&inside, "../a-file", "not a folder"),
        (&inside, "../a-file/sub", "cannot create its parent folder"),
    ] {
        let o2 = fundflow()
            .current_dir(cwd)
            .args(["analyse", arg(&missing), "-o", o])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o2.stderr);
        assert_eq!(o2.status.code(), Some(2), "-o {o}: {err}");
        assert!(err.contains(why), "-o {o}: {err}");
        assert!(!err.contains("no-such-dataset"), "-o {o}: {err}");
    }
    // A symbolic link is not replaced (nor what it points to).
    #[cfg(unix)]
    {
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&inside, &link).expect("symlink");
        let (code, _, err) = run(&["analyse", arg(&missing), "-o", arg(&link)]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("symbolic link"), "{err}");
        std::fs::remove_file(&link).expect("rm");
    }
    assert_eq!(names(tmp.path()), ["a-file", "inside"]);
    assert_eq!(names(&inside), Vec::<String>::new());
    // synth too.
    let o2 = fundflow()
        .current_dir(&inside)
        .args(["synth", "--scale", "1000", "-o", "."])
        .output()
        .expect("runs");
    assert_eq!(o2.status.code(), Some(2));
    assert_eq!(names(&inside), Vec::<String>::new());
}

#[test]
fn graph_never_overwrites_an_input() {
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("fundflow.toml", b""),
        ("notes.txt", b"mine"),
    ]);
    let grants = d.path().join("grants.csv");
    let notes = d.path().join("notes.txt");
    let config = d.path().join("fundflow.toml");
    let before = snapshot(d.path());
    for args in [
        // The grants file, through the dataset folder or named itself.
        vec!["graph", "-q", arg(d.path()), "-o", arg(&grants)],
        vec!["graph", "-q", arg(&grants), "-o", arg(&grants)],
        // Any existing file of the dataset folder, read or not.
        vec!["graph", "-q", arg(d.path()), "-o", arg(&notes)],
        // The config file; the dataset folder itself.
        vec!["graph", "-q", "--config", arg(&config), "-o", arg(&config)],
        vec!["graph", "-q", arg(d.path()), "-o", arg(d.path())],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(snapshot(d.path()), before, "{args:?}");
    }
    // A new file beside the data is fine, and no temporary file is left.
    let dot = d.path().join("graph.dot");
    let (code, _, err) = run(&["graph", "-q", arg(d.path()), "-o", arg(&dot)]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&dot)
        .expect("read")
        .contains("digraph"));
    assert_eq!(
        names(d.path()),
        ["fundflow.toml", "grants.csv", "graph.dot", "notes.txt"]
    );
}

#[test]
fn concurrent_runs_into_one_out_leave_one_complete_folder() {
    let data = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    for round in 0..3 {
        let children: Vec<std::process::Child> = (0..4)
            .map(|_| {
                std::process::Command::new(bin())
                    .args(["analyse", "-q", "--charts", "none"])
                    .arg(data.path())
                    .arg("-o")
                    .arg(&out)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for child in children {
            let o = child.wait_with_output().expect("wait");
            let err = String::from_utf8_lossy(&o.stderr);
            // Each run succeeds, or refuses clearly (it lost every race to the others).
            assert!(
                o.status.code() == Some(0)
                    || (o.status.code() == Some(2) && err.contains("other fundflow runs")),
                "round {round}: {:?} {err}",
                o.status
            );
        }
        assert_eq!(names(tmp.path()), ["out"], "round {round}");
        assert_complete(&out);
    }
}

#[cfg(unix)]
#[test]
fn sigterm_or_sigint_during_a_run_leaves_no_staging_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    assert_eq!(
        run(&["synth", "-q", "--scale", "local", "-o", arg(&data)]).0,
        0
    );
    let out = tmp.path().join("out");
    // 143 = 128 + SIGTERM (15), 130 = 128 + SIGINT (2).
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let mut child = std::process::Command::new(bin())
            .args(["analyse", "-q"])
            .arg(&data)
            .arg("-o")
            .arg(&out)
            .spawn()
            .expect("spawn");
        // Wait for the staging folder to appear (made before loading), then interrupt.
        let started = std::time::Instant::now();
        while litter(tmp.path()).is_empty() && started.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        let killed = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = child.wait().expect("wait");
        // 0 only if the run finished before the signal arrived.
        assert!(
            status.code() == Some(code) || status.code() == Some(0),
            "SIG{signal}: {status:?}"
        );
        assert_eq!(litter(tmp.path()), Vec::<String>::new(), "SIG{signal}");
        if status.code() == Some(code) {
            assert!(!out.exists(), "an interrupted run wrote OUT");
        } else {
            std::fs::remove_dir_all(&out).expect("rm");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_write_beyond_the_file_size_limit_is_an_error_not_a_kill() {
    let data = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    assert_eq!(
        run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]).0,
        0
    );
    let before = snapshot(&out);
    // ulimit -f counts 1024-byte blocks: 4 KiB is less than report.html.
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 4 && exec \"$0\" analyse -q \"$1\" -o \"$2\"")
        .arg(bin())
        .arg(data.path())
        .arg(&out)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{:?} {err}", o.status);
    assert!(err.contains("cannot write"), "{err}");
    assert_eq!(snapshot(&out), before);
    assert_eq!(names(tmp.path()), ["out"]);
}

/// The example with partnership P1 renamed `p1` and P2 renamed `p2` (in partnerships.csv and
/// meetings.csv), in a temporary folder.
fn example_with_partnership_ids(p1: &str, p2: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tmp");
    let example = root().join("data/example");
    for name in [
        "grants.csv",
        "organisations.csv",
        "attendance.csv",
        "payments.csv",
    ] {
        std::fs::copy(example.join(name), d.path().join(name)).expect("copy");
    }
    let rename = |line: &str, field: usize| -> String {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        match cells.get(field).map(String::as_str) {
            Some("P1") => cells[field] = p1.to_owned(),
            Some("P2") => cells[field] = p2.to_owned(),
            _ => {}
        }
        cells.join(",")
    };
    for (name, field) in [("partnerships.csv", 0), ("meetings.csv", 1)] {
        let text = std::fs::read_to_string(example.join(name)).expect("read");
        let out: Vec<String> = text.lines().map(|l| rename(l, field)).collect();
        std::fs::write(d.path().join(name), out.join("\n") + "\n").expect("write");
    }
    d
}

/// The balance-of-power chart stems written under OUT/charts/.
fn balance_charts(out: &Path) -> Vec<String> {
    names(&out.join("charts"))
        .into_iter()
        .filter(|n| n.starts_with("balance_") && n.ends_with(".png"))
        .collect()
}

#[test]
fn colliding_and_long_partnership_ids_get_distinct_bounded_chart_names() {
    let tmp = tempfile::tempdir().expect("tmp");
    let long = "P".repeat(300);
    for (p1, p2) in [("P_1", "P 1"), (long.as_str(), "P2")] {
        let d = example_with_partnership_ids(p1, p2);
        let out: PathBuf = tmp.path().join("out");
        let (code, _, err) = run(&["analyse", "-q", arg(d.path()), "-o", arg(&out)]);
        assert_eq!(code, 0, "{p1:.20}, {p2}: {err}");
        let charts = balance_charts(&out);
        // The example's three partnerships (P3 unchanged), none lost.
        assert_eq!(charts.len(), 3, "{charts:?}");
        for c in &charts {
            // "balance_", 80 bytes of the id, "-", 16 hex digits, ".png": 109.
            assert!(c.len() <= 109, "{c}");
        }
        if p1 == "P_1" {
            // P_1 keeps its name; P 1 gets a hash of its id.
            assert!(charts.contains(&"balance_P_1.png".to_owned()), "{charts:?}");
        }
        assert_complete(&out);
    }
}

#[test]
fn a_240_byte_out_name_works() {
    let data = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("o".repeat(240));
    for _ in 0..2 {
        let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
        assert_eq!(code, 0, "{err}");
    }
    assert_complete(&out);
    assert_eq!(names(tmp.path()), ["o".repeat(240)]);
}
