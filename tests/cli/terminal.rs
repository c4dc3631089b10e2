//! Terminal conventions: --version, --help, completions, the man page, NO_COLOR.

use super::support::{arg, fundflow, run};

#[test]
fn version_names_the_commit() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("fundflow 0."), "{out}");
    assert!(out.contains("(commit "), "{out}");
}

#[test]
fn every_subcommand_has_help_with_examples() {
    for sub in [
        "validate",
        "analyse",
        "graph",
        "compare",
        "synth",
        "explain",
        "completions",
        "man",
    ] {
        let (code, out, err) = run(&[sub, "--help"]);
        assert_eq!(code, 0, "{sub}: {err}");
        assert!(
            out.contains("Examples:"),
            "{sub} --help has no examples:\n{out}"
        );
    }
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains("analyse") && out.contains("as-of"), "{shell}");
    }
    // The bash script is valid bash.
    let (_, script, _) = run(&["completions", "bash"]);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("fundflow.bash");
    std::fs::write(&path, script).expect("write");
    let status = std::process::Command::new("bash")
        .args(["-n", arg(&path)])
        .status();
    if let Ok(status) = status {
        assert!(status.success(), "bash -n rejected the completion script");
    }
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn man_pages() {
    let (code, page, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        page.contains(".TH fundflow 1"),
        "{}",
        &page[..page.len().min(300)]
    );
    assert!(page.contains("analyse"));
    let dir = tempfile::tempdir().expect("tmp");
    let (code, _, err) = run(&["man", "-o", arg(dir.path())]);
    assert_eq!(code, 0, "{err}");
    for page in ["fundflow.1", "fundflow-analyse.1", "fundflow-compare.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).expect(page);
        assert!(text.starts_with(".ie"), "{page}");
    }
}

#[test]
fn no_color_means_no_escape_codes() {
    for args in [vec!["--help"], vec!["analyse", "--help"], vec!["nonsense"]] {
        let out = fundflow()
            .args(&args)
            .env("NO_COLOR", "1")
            .env("CLICOLOR_FORCE", "1")
            .output()
            .expect("runs");
        let all = [out.stdout, out.stderr].concat();
        assert!(!all.contains(&0x1b), "{args:?} printed an escape code");
    }
}

#[test]
fn no_progress_spinner_when_stderr_is_not_a_terminal() {
    // The test harness pipes stderr: the summary is there, the spinner never is.
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let run = fundflow()
        .args(["analyse", "--charts", "none", "-o", arg(&out)])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&run.stderr);
    // The config used comes first, then the summary.
    assert!(
        err.starts_with("Config: built-in defaults\nfundflow: 326 grants"),
        "{err}"
    );
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
}
