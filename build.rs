//! Records the git commit the binary was built from, for `fundflow --version`.
//! Outside a git checkout (a crates.io download, a tarball) it says "unknown commit".

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}

fn main() {
    let commit =
        git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown commit".into());
    println!("cargo:rustc-env=FUNDFLOW_GIT_COMMIT={commit}");
    // Rebuild when HEAD moves: HEAD itself (a checkout) and the branch it points to (a
    // commit). Only paths that exist are named: a missing one would rerun this every build.
    let mut watched = false;
    let head_ref = git(&["symbolic-ref", "-q", "HEAD"]);
    for name in std::iter::once("HEAD".to_owned()).chain(head_ref) {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            if Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
                watched = true;
            }
        }
    }
    if !watched {
        println!("cargo:rerun-if-changed=build.rs");
    }
}
