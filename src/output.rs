//! Atomic output folders and files, and the rules that keep them from ever deleting a user's
//! data. Used by the report (`analyse`), `compare`, `synth` and `graph -o`; it imports
//! nothing from them.
//!
//! **A folder is filled beside `OUT`, then swapped in.** [`Staging::new`] checks the
//! destination *before any work is done* and creates a fresh, uniquely named folder
//! `.NAME.fundflow-tmp-PID-NONCE` beside `OUT`; the caller fills it; `Staging::commit`
//! writes the manifest and puts the folder in place of `OUT` (on Linux with one atomic
//! `renameat2(RENAME_EXCHANGE)`, so `OUT` is never missing, even for a moment); the previous
//! `OUT` is then deleted. A failed run removes its staging folder (on drop) and keeps the
//! previous `OUT`.
//!
//! **What is refused** (exit 2, before any work, nothing written):
//! - `OUT` that names no folder of its own (`.`, `..`, `/`), holds the current folder, is a
//!   file or a symbolic link;
//! - `OUT` that equals, contains or is inside an input of the run (the dataset, the grants
//!   file, the config file), compared as canonical paths (for an `OUT` that does not exist
//!   yet, its nearest existing ancestor is canonicalised);
//! - a non-empty `OUT` without a `MANIFEST` (a user's folder, or one written by a version
//!   before manifests), one written by another command, or one holding anything its
//!   manifest does not list (a `thesis.docx`, a `data/` folder).
//!
//! **The manifest** `OUT/.fundflow-manifest` is plain text: a format line, the command that
//! wrote the folder, and every file written, as `/`-separated paths relative to `OUT`,
//! sorted. It holds no time or process id, so the same input still gives byte-identical
//! output.
//!
//! **Interruption and races.** Every run has its own staging name (process id and a
//! time-based nonce), so concurrent runs into one `OUT` never share a temporary folder:
//! each one swaps in a complete folder and deletes what it swapped out, and the last one to
//! finish wins. With [`clean_up_on_signals`] (called by the binary) SIGINT, SIGTERM and
//! SIGHUP remove the live staging folders before exiting with 128 + the signal number (130,
//! 143, 129), and SIGXFSZ is ignored so a write beyond the file-size limit is an ordinary
//! I/O error. A staging folder left by a run that was killed outright (SIGKILL, power loss)
//! is swept by a later run into the same place, only when it is provably ours: our naming
//! pattern, our marker or manifest inside, and its process no longer running.
//!
//! **Limits.** Staging names keep at most `NAME_BYTES` bytes of `OUT`'s name, so they stay
//! within the usual 255-byte file-name limit for any legal `OUT`.

use crate::error::Error;
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The manifest fundflow writes in every folder it creates.
pub(crate) const MANIFEST: &str = ".fundflow-manifest";
/// The first line of a manifest (its format version).
const MANIFEST_FORMAT: &str = "fundflow-manifest 1";
/// The marker inside a staging folder while it is being filled.
const STAGING_MARKER: &str = ".fundflow-staging";
/// At most this many bytes of `OUT`'s name go into a staging name: with the dot, the
/// `.fundflow-tmp-` tag, a process id and a nonce the name stays under 110 bytes.
pub(crate) const NAME_BYTES: usize = 64;
/// How many unlisted entries a refusal names before "and N more".
const SHOWN: usize = 5;

/// Folders and files to remove if the process is interrupted: live staging folders, the
/// previous `OUT` being deleted, a graph's temporary file. The signal handler holds this
/// lock while it cleans up, and [`Staging::commit`] while it swaps, so an interruption
/// never falls between the two halves of a swap.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Makes names unique within one process (two stagings in the same nanosecond).
static COUNTER: AtomicU64 = AtomicU64::new(0);

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn unregister(path: &Path) {
    live().retain(|p| p != path);
}

/// Removes a folder or file, again while other threads may still be writing into it (they
/// cannot recreate it: folders inside a staging folder are made one level at a time).
fn remove_all(path: &Path) {
    for _ in 0..100 {
        let gone = match std::fs::symlink_metadata(path) {
            Err(_) => return,
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
            Ok(_) => std::fs::remove_file(path),
        };
        if gone.is_ok() {
            return;
        }
    }
}

/// Installs the process's signal handling (call once, from a binary): on SIGINT, SIGTERM or
/// SIGHUP every live staging folder or temporary file is removed and the process exits
/// with 128 + the signal number; SIGXFSZ (a write beyond `ulimit -f`) is caught and
/// ignored, so the write fails with an ordinary error and the run ends cleanly with `OUT`
/// intact.
#[cfg(unix)]
pub fn clean_up_on_signals() -> Result<(), Error> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};
    let failed = |e: std::io::Error| Error::Internal(format!("installing signal handlers: {e}"));
    // A registered handler replaces the default action (terminate): the write that went over
    // the limit returns EFBIG instead.
    signal_hook::flag::register(
        SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    )
    .map_err(failed)?;
    let mut signals =
        signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]).map_err(failed)?;
    std::thread::Builder::new()
        .name("fundflow-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let paths = live();
                for p in paths.iter() {
                    remove_all(p);
                }
                std::process::exit(128 + signal);
            }
        })
        .map_err(failed)?;
    Ok(())
}

/// Signals are not handled outside Unix.
#[cfg(not(unix))]
pub fn clean_up_on_signals() -> Result<(), Error> {
    Ok(())
}

/// Writes a file, naming it in any error.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|source| Error::Output {
        path: path.display().to_string(),
        source,
    })
}

/// Creates one folder inside an existing one (an existing folder is fine), naming it in any
/// error. Deliberately not recursive: a folder inside a staging folder that an interruption
/// has removed fails instead of bringing the staging folder back.
pub(crate) fn make_dir(path: &Path) -> Result<(), Error> {
    match std::fs::create_dir(path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
        r => r.map_err(|source| Error::Output {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// Fills a fresh staging folder with `fill`, then puts it in place of `out` ([`Staging`]);
/// on any error nothing is left behind and a previous `out` is kept.
pub(crate) fn write_folder(
    out: &Path,
    command: &'static str,
    inputs: &[PathBuf],
    fill: impl FnOnce(&Path) -> Result<(), Error>,
) -> Result<(), Error> {
    let staged = Staging::new(out, command, inputs)?;
    fill(staged.dir())?;
    staged.commit()
}

/// A staging folder beside `OUT`, created once the destination has been checked. Dropped
/// without `commit`, it is removed.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    command: &'static str,
    committed: bool,
}

impl Staging {
    /// Checks that `out` may be written by `command` (see the module documentation: not an
    /// input of the run, not `.`/`..`/`/`, empty or a folder this command wrote before),
    /// sweeps stale staging folders of ours beside it, and creates the staging folder.
    pub fn new(out: &Path, command: &'static str, inputs: &[PathBuf]) -> Result<Staging, Error> {
        check_destination(out, inputs)?;
        replaceable(out, command)?;
        let parent = parent_of(out);
        std::fs::create_dir_all(&parent).map_err(|e| {
            Error::Usage(format!(
                "{}: cannot create its parent folder {}: {e}; choose another -o",
                out.display(),
                parent.display()
            ))
        })?;
        let prefix = staging_prefix(out);
        sweep_stale(&parent, &prefix);
        // Created and registered under the lock: a signal cannot fall in between.
        let mut guard = live();
        let (dir, _) = create_unique(&parent, &format!("{prefix}tmp-"), |p| {
            std::fs::create_dir(p)
        })
        .map_err(|e| {
            Error::Usage(format!(
                "{}: cannot write in {}: {e}; choose another -o",
                out.display(),
                parent.display()
            ))
        })?;
        guard.push(dir.clone());
        drop(guard);
        let staging = Staging {
            dir,
            out: out.to_path_buf(),
            command,
            committed: false,
        };
        write_file(
            &staging.dir.join(STAGING_MARKER),
            format!(
                "fundflow staging folder of process {}\n",
                std::process::id()
            )
            .as_bytes(),
        )?;
        Ok(staging)
    }

    /// The folder to fill.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the manifest and puts the staging folder in place of `OUT`; the previous `OUT`
    /// (checked again: it must still be replaceable) is deleted.
    pub(crate) fn commit(mut self) -> Result<(), Error> {
        std::fs::remove_file(self.dir.join(STAGING_MARKER)).map_err(|source| Error::Output {
            path: self.dir.join(STAGING_MARKER).display().to_string(),
            source,
        })?;
        let files = list_files(&self.dir)?;
        write_file(
            &self.dir.join(MANIFEST),
            manifest_text(self.command, &files).as_bytes(),
        )?;
        let old = swap_in(&self.dir, &self.out, self.command, EXCHANGE)?;
        self.committed = true;
        if let Some(old) = old {
            remove_all(&old);
            unregister(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove_all(&self.dir);
        }
        unregister(&self.dir);
    }
}

/// Puts `staged` in place of `out`. Returns where the previous `out` went (to be deleted),
/// if there was one. Retries when a concurrent run changes `out` under it.
/// Whether to try `renameat2(RENAME_EXCHANGE)` (Linux); elsewhere two renames.
const EXCHANGE: bool = cfg!(any(target_os = "linux", target_os = "android"));

fn swap_in(
    staged: &Path,
    out: &Path,
    command: &'static str,
    exchange: bool,
) -> Result<Option<PathBuf>, Error> {
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = exchange;
    let fail = |source: std::io::Error| Error::Output {
        path: out.display().to_string(),
        source,
    };
    for _ in 0..20 {
        // Held while `out` is changed, so a signal cleans up before or after, never between.
        let mut guard = live();
        // A missing or empty `out`: a plain rename (which replaces an empty folder).
        match std::fs::rename(staged, out) {
            Ok(()) => return Ok(None),
            Err(e) if out_is_occupied(&e) => {}
            Err(e) => return Err(fail(e)),
        }
        replaceable(out, command)?;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if exchange {
            use rustix::fs::{renameat_with, RenameFlags, CWD};
            use rustix::io::Errno;
            match renameat_with(CWD, staged, CWD, out, RenameFlags::EXCHANGE) {
                // `staged` now holds the previous `out` (and is still registered).
                Ok(()) => return Ok(Some(staged.to_path_buf())),
                // `out` went away meanwhile (another run): try again.
                Err(Errno::NOENT) => continue,
                // A file system without RENAME_EXCHANGE: two renames below.
                Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => {}
                Err(e) => return Err(fail(e.into())),
            }
        }
        let parent = parent_of(out);
        let prefix = staging_prefix(out);
        let moved = create_unique(&parent, &format!("{prefix}old-"), |p| {
            std::fs::rename(out, p)
        });
        match moved {
            Ok((old, _)) => {
                guard.push(old.clone());
                match std::fs::rename(staged, out) {
                    Ok(()) => return Ok(Some(old)),
                    // Another run put its folder in place meanwhile: the one we moved away
                    // is deleted, and ours goes in next time round.
                    Err(e) if out_is_occupied(&e) => {
                        drop(guard);
                        remove_all(&old);
                        unregister(&old);
                    }
                    Err(e) => {
                        let _ = std::fs::rename(&old, out);
                        guard.retain(|p| *p != old);
                        return Err(fail(e));
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(e)),
        }
    }
    Err(Error::Usage(format!(
        "{}: other fundflow runs kept replacing it; nothing was written by this one, try again",
        out.display()
    )))
}

/// Whether a rename failed because `out` is a non-empty folder.
fn out_is_occupied(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty
    ) || e.raw_os_error() == Some(39) // ENOTEMPTY on Linux, for an older std
}

/// Creates `parent/PREFIX{pid}-{nonce}` with `make` (a folder, a file, or a rename into it),
/// trying new nonces while the name is taken.
fn create_unique(
    parent: &Path,
    prefix: &str,
    make: impl Fn(&Path) -> std::io::Result<()>,
) -> std::io::Result<(PathBuf, String)> {
    let mut last = None;
    for _ in 0..16 {
        let name = format!("{prefix}{}-{}", std::process::id(), nonce());
        let path = parent.join(&name);
        if std::fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        match make(&path) {
            Ok(()) => return Ok((path, name)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// A time-based nonce, unique within the process.
fn nonce() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:x}", nanos ^ n.rotate_left(48))
}

/// `out`'s parent folder (`.` for a bare name).
fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.fundflow-`, with NAME cut to at most [`NAME_BYTES`] bytes (at a character
/// boundary): every staging and old folder of `out` starts so.
fn staging_prefix(out: &Path) -> String {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    format!(".{}.fundflow-", bounded(&name, NAME_BYTES))
}

/// `s` cut to at most `max` bytes, at a character boundary.
pub(crate) fn bounded(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Removes staging and old folders beside `out` left by runs that no longer exist: the
/// name must be ours (`PREFIX{tmp,old}-PID-NONCE`), the folder must hold our staging marker
/// or manifest, and process PID must not be running. Errors are ignored: a folder that
/// cannot be swept blocks nothing (every run has its own names).
fn sweep_stale(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| stale_pid(n, prefix)) else {
            continue;
        };
        let path = entry.path();
        let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir())
            && (path.join(STAGING_MARKER).is_file() || path.join(MANIFEST).is_file());
        if ours && pid != std::process::id() && !process_running(pid) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The process id in a staging or old folder's name, when the name follows our pattern.
fn stale_pid(name: &str, prefix: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?;
    let rest = rest
        .strip_prefix("tmp-")
        .or_else(|| rest.strip_prefix("old-"))?;
    let (pid, nonce) = rest.split_once('-')?;
    let hex = !nonce.is_empty() && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    (hex && digits).then(|| pid.parse().ok()).flatten()
}

/// Whether process `pid` is running. Where that cannot be told (no `/proc`), it is assumed
/// to be, so nothing is swept.
fn process_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Refuses an `out` that names no folder of its own, holds the current folder, or overlaps
/// an input of the run.
fn check_destination(out: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    if out.file_name().is_none() {
        return Err(Error::Usage(format!(
            "-o {}: names no folder of its own (., .. or the root); fundflow replaces the whole folder, so give a new one, e.g. -o fundflow-out",
            out.display()
        )));
    }
    let target = canonical_lenient(out);
    if let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize()) {
        if cwd.starts_with(&target) {
            return Err(Error::Usage(format!(
                "-o {}: is (or holds) the current folder; fundflow replaces the whole folder, so give a new one, e.g. -o fundflow-out",
                out.display()
            )));
        }
    }
    overlapping_input(out, &target, inputs)
}

/// Refuses when `target` (the canonical `out`) equals, holds or is inside an input.
fn overlapping_input(out: &Path, target: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    for input in inputs {
        let Ok(canonical) = input.canonicalize() else {
            // The loader reports a missing input; it cannot be inside `out`.
            continue;
        };
        let how = if canonical == target {
            "is"
        } else if canonical.starts_with(target) {
            "holds"
        } else if target.starts_with(&canonical) {
            "is inside"
        } else {
            continue;
        };
        return Err(Error::Usage(format!(
            "-o {}: {how} {}, an input of this run; refusing to write there (it would replace the input): choose another -o",
            out.display(),
            input.display()
        )));
    }
    Ok(())
}

/// `path` made absolute with symbolic links resolved, even when it does not exist yet: its
/// nearest existing ancestor is canonicalised and the rest appended (`.` dropped, `..`
/// taking one step up).
pub(crate) fn canonical_lenient(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest: Vec<OsString> = Vec::new();
    let mut base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            // `..` or the root that cannot be canonicalised: lexically, below.
            _ => break PathBuf::new(),
        }
    };
    if base.as_os_str().is_empty() {
        return lexical(&absolute);
    }
    for name in rest.iter().rev() {
        base.push(name);
    }
    lexical(&base)
}

/// `.` and `..` resolved without looking at the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Refuses an existing `out` that `command` may not replace: a file, a symbolic link, or a
/// non-empty folder without our manifest, written by another command, or holding anything
/// its manifest does not list.
pub(crate) fn replaceable(out: &Path, command: &str) -> Result<(), Error> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        // Nothing there yet (under a file, creating it fails later with a clear message).
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(())
        }
        Err(source) => {
            return Err(Error::Output {
                path: out.display().to_string(),
                source,
            })
        }
    };
    let refuse = |why: String| Err(Error::Usage(format!("{}: {why}", out.display())));
    if meta.file_type().is_symlink() {
        return refuse("is a symbolic link; fundflow replaces only a real folder, so give the folder itself or another -o".into());
    }
    if !meta.is_dir() {
        return refuse("exists and is not a folder; choose another -o".into());
    }
    let listing = |e: std::io::Error| Error::Output {
        path: out.display().to_string(),
        source: e,
    };
    if std::fs::read_dir(out).map_err(listing)?.next().is_none() {
        return Ok(());
    }
    let text = match std::fs::read_to_string(out.join(MANIFEST)) {
        Ok(t) => t,
        Err(_) => {
            return refuse(format!(
                "exists and does not look like fundflow output (no {MANIFEST}); refusing to replace it. If an earlier version of fundflow wrote it, delete or move it yourself; otherwise choose another -o"
            ))
        }
    };
    let Some(manifest) = Manifest::parse(&text) else {
        return refuse(format!(
            "its {MANIFEST} is not one fundflow wrote; refusing to replace it: choose another -o"
        ));
    };
    if manifest.command != command {
        return refuse(format!(
            "holds the output of `fundflow {}`, not `fundflow {command}`; refusing to replace it: choose another -o, or delete it first",
            manifest.command
        ));
    }
    let foreign = foreign_entries(out, &manifest.files).map_err(listing)?;
    if !foreign.is_empty() {
        let mut shown: Vec<&str> = foreign.iter().take(SHOWN).map(String::as_str).collect();
        let more = foreign.len().saturating_sub(SHOWN);
        let extra = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        shown.sort_unstable();
        return refuse(format!(
            "holds {} fundflow did not write ({}{extra}); refusing to replace it: move them out, or choose another -o",
            if foreign.len() == 1 { "something" } else { "things" },
            shown.join(", ")
        ));
    }
    Ok(())
}

/// A parsed manifest.
#[derive(Debug, PartialEq, Eq)]
struct Manifest {
    command: String,
    files: BTreeSet<String>,
}

impl Manifest {
    /// `None` unless `text` is a manifest in our format.
    fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != MANIFEST_FORMAT {
            return None;
        }
        let command = lines.next()?.strip_prefix("command: ")?.to_owned();
        if lines.next()? != "files:" {
            return None;
        }
        let files = lines.filter(|l| !l.is_empty()).map(str::to_owned).collect();
        Some(Manifest { command, files })
    }
}

/// The manifest of a folder written by `command` holding `files` (sorted, `/`-separated).
fn manifest_text(command: &str, files: &[String]) -> String {
    let mut s = format!("{MANIFEST_FORMAT}\ncommand: {command}\nfiles:\n");
    for f in files {
        s.push_str(f);
        s.push('\n');
    }
    s
}

/// Every regular file under `dir` as a sorted `/`-separated relative path, leaving out the
/// manifest and the staging marker.
fn list_files(dir: &Path) -> Result<Vec<String>, Error> {
    let mut files = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&path).map_err(|source| Error::Output {
            path: path.display().to_string(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Output {
                path: path.display().to_string(),
                source,
            })?;
            let name = entry
                .file_name()
                .into_string()
                .map_err(|n| Error::Internal(format!("an output file name is not UTF-8: {n:?}")))?;
            if name.contains('\n') {
                return Err(Error::Internal(format!(
                    "an output file name holds a line break: {name:?}"
                )));
            }
            let relative = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if rel.is_empty() && (name == MANIFEST || name == STAGING_MARKER) {
                continue;
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((entry.path(), relative));
            } else {
                files.push(relative);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// What under `dir` the manifest's `files` do not account for: an unlisted file or link, or a
/// folder holding no listed file (named with a trailing `/` and not looked into). Sorted.
fn foreign_entries(dir: &Path, files: &BTreeSet<String>) -> std::io::Result<Vec<String>> {
    let mut folders: BTreeSet<&str> = BTreeSet::new();
    for f in files {
        let mut at = f.as_str();
        while let Some((parent, _)) = at.rsplit_once('/') {
            folders.insert(parent);
            at = parent;
        }
    }
    let mut foreign = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = stack.pop() {
        for entry in std::fs::read_dir(&path)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if rel.is_empty() && name == MANIFEST {
                continue;
            }
            let relative = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if folders.contains(relative.as_str()) {
                    stack.push((entry.path(), relative));
                } else {
                    foreign.push(format!("{relative}/"));
                }
            } else if !(kind.is_file() && files.contains(&relative)) {
                foreign.push(relative);
            }
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// Refuses a file destination (`graph -o FILE`) that is a folder, names no file, is one of
/// `inputs`, or is an existing file inside an input folder (the dataset's own files, read
/// or not, are the user's): checked before any work.
pub fn check_file_destination(path: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    if path.file_name().is_none() || path.is_dir() {
        return Err(Error::Usage(format!(
            "-o {}: is a folder; give a file name, e.g. -o graph.dot",
            path.display()
        )));
    }
    let target = canonical_lenient(path);
    for input in inputs {
        let Ok(canonical) = input.canonicalize() else {
            continue;
        };
        let why = if canonical == target {
            "is an input of this run"
        } else if canonical.is_dir() && target.starts_with(&canonical) && path.exists() {
            "is a file of the dataset this run reads"
        } else {
            continue;
        };
        return Err(Error::Usage(format!(
            "-o {}: {why}; refusing to overwrite it: choose another -o",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path` (uniquely named, removed if the run is
/// interrupted), then renames it over `path`, so a failed or interrupted run never leaves a
/// half-written file.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::Output {
        path: path.display().to_string(),
        source: e,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{}.fundflow-tmp-", bounded(&name, NAME_BYTES));
    let mut guard = live();
    let (tmp, _) = create_unique(&parent_of(path), &prefix, |p| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(p)
            .map(drop)
    })
    .map_err(fail)?;
    guard.push(tmp.clone());
    drop(guard);
    let written = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        remove_all(&tmp);
    }
    unregister(&tmp);
    written.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[&str]) -> tempfile::TempDir {
        let d = tempfile::tempdir().expect("tmp");
        for f in files {
            let p = d.path().join(f);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            if f.ends_with('/') {
                std::fs::create_dir_all(&p).expect("mkdir");
            } else {
                std::fs::write(&p, "x").expect("write");
            }
        }
        d
    }

    fn with_manifest(d: &Path, command: &str, files: &[&str]) {
        let files: Vec<String> = files.iter().map(|s| (*s).to_owned()).collect();
        std::fs::write(d.join(MANIFEST), manifest_text(command, &files)).expect("write");
    }

    #[test]
    fn manifest_round_trips() {
        let text = manifest_text("analyse", &["findings.json".into(), "tables/a.csv".into()]);
        assert_eq!(
            text,
            "fundflow-manifest 1\ncommand: analyse\nfiles:\nfindings.json\ntables/a.csv\n"
        );
        let m = Manifest::parse(&text).expect("parses");
        assert_eq!(m.command, "analyse");
        assert_eq!(m.files.len(), 2);
        assert_eq!(Manifest::parse("findings.json\n"), None);
    }

    #[test]
    fn a_folder_holding_only_listed_files_is_replaceable() {
        let d = folder(&["findings.json", "tables/a.csv", "charts/b.png"]);
        with_manifest(
            d.path(),
            "analyse",
            &[
                "charts/b.png",
                "findings.json",
                "tables/a.csv",
                "tables/gone.csv",
            ],
        );
        assert!(replaceable(d.path(), "analyse").is_ok());
        // Another command's folder is not.
        let e = replaceable(d.path(), "synth").expect_err("refused");
        assert!(e.to_string().contains("`fundflow analyse`"), "{e}");
    }

    #[test]
    fn anything_unlisted_is_refused_and_named() {
        let d = folder(&[
            "findings.json",
            "thesis.docx",
            "data/grants.csv",
            "tables/a.csv",
            "tables/mine.csv",
            "empty/",
        ]);
        with_manifest(d.path(), "analyse", &["findings.json", "tables/a.csv"]);
        let e = replaceable(d.path(), "analyse").expect_err("refused");
        assert_eq!(e.exit_code(), 2);
        let text = e.to_string();
        // The unlisted folder is named once, not looked into.
        for what in ["data/", "empty/", "tables/mine.csv", "thesis.docx"] {
            assert!(text.contains(what), "{what}: {text}");
        }
        assert!(!text.contains("data/grants.csv"), "{text}");
        assert_eq!(
            foreign_entries(
                d.path(),
                &Manifest::parse(&std::fs::read_to_string(d.path().join(MANIFEST)).expect("read"))
                    .expect("parse")
                    .files
            )
            .expect("walk"),
            ["data/", "empty/", "tables/mine.csv", "thesis.docx"]
        );
    }

    #[test]
    fn no_manifest_means_no_replacing_but_empty_is_fine() {
        let d = folder(&["findings.json"]);
        let e = replaceable(d.path(), "analyse").expect_err("refused");
        assert!(e.to_string().contains("no .fundflow-manifest"), "{e}");
        let empty = folder(&[]);
        assert!(replaceable(empty.path(), "analyse").is_ok());
        assert!(replaceable(&empty.path().join("new"), "analyse").is_ok());
    }

    #[test]
    fn staging_names_are_bounded_and_ours() {
        // A 240-byte name: the prefix keeps 64 bytes of it; with ".", ".fundflow-", "tmp-",
        // a 10-digit pid, "-" and a 16-digit nonce: 1 + 64 + 10 + 4 + 10 + 1 + 16 = 106.
        let long = "a".repeat(240);
        let prefix = staging_prefix(Path::new(&long));
        assert_eq!(prefix.len(), 1 + 64 + 10);
        let name = format!("{prefix}tmp-4294967295-{}", "f".repeat(16));
        assert!(name.len() <= 106, "{}", name.len());
        assert_eq!(stale_pid(&name, &prefix), Some(4_294_967_295));
        assert_eq!(stale_pid(&format!("{prefix}old-12-ab"), &prefix), Some(12));
        // Not ours: another name, the pre-manifest pattern, no nonce.
        assert_eq!(stale_pid(&format!("{prefix}tmp-12"), &prefix), None);
        assert_eq!(stale_pid(".x.fundflow-tmp-12-ab", &prefix), None);
        // Cut at a character boundary: "é" is two bytes.
        assert_eq!(bounded("aé", 2), "a");
        assert_eq!(bounded("aé", 3), "aé");
    }

    #[test]
    fn only_dead_marked_staging_folders_are_swept() {
        let d = tempfile::tempdir().expect("tmp");
        let prefix = staging_prefix(Path::new("out"));
        // 4194304 (2^22) is above Linux's largest pid_max: never a running process.
        let dead = d.path().join(format!("{prefix}tmp-4194304-1a"));
        let dead_old = d.path().join(format!("{prefix}old-4194304-1b"));
        let unmarked = d.path().join(format!("{prefix}tmp-4194304-1c"));
        let alive = d
            .path()
            .join(format!("{prefix}tmp-{}-1d", std::process::id()));
        for p in [&dead, &dead_old, &unmarked, &alive] {
            std::fs::create_dir(p).expect("mkdir");
        }
        std::fs::write(dead.join(STAGING_MARKER), "").expect("write");
        std::fs::write(dead_old.join(MANIFEST), "").expect("write");
        std::fs::write(alive.join(STAGING_MARKER), "").expect("write");
        sweep_stale(d.path(), &prefix);
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists() && !dead_old.exists());
        }
        assert!(unmarked.exists() && alive.exists());
    }

    #[test]
    fn both_ways_of_swapping_replace_out_and_return_the_old_folder() {
        for exchange in [true, false] {
            let d = tempfile::tempdir().expect("tmp");
            let out = d.path().join("out");
            std::fs::create_dir(&out).expect("mkdir");
            std::fs::write(out.join("findings.json"), "old").expect("write");
            with_manifest(&out, "analyse", &["findings.json"]);
            let staged = d.path().join(".out.fundflow-tmp-1-a");
            std::fs::create_dir(&staged).expect("mkdir");
            std::fs::write(staged.join("findings.json"), "new").expect("write");
            with_manifest(&staged, "analyse", &["findings.json"]);
            let old = swap_in(&staged, &out, "analyse", exchange)
                .expect("swapped")
                .expect("an old folder");
            let read = |p: &Path| std::fs::read_to_string(p.join("findings.json")).expect("read");
            assert_eq!(read(&out), "new", "exchange {exchange}");
            assert_eq!(read(&old), "old", "exchange {exchange}");
            // Into a missing OUT: one rename, nothing to delete.
            let fresh = d.path().join("fresh");
            assert_eq!(
                swap_in(&old, &fresh, "analyse", exchange).expect("renamed"),
                None
            );
            assert_eq!(read(&fresh), "old");
            // A foreign OUT is refused at the swap too, and kept.
            std::fs::write(out.join("thesis.docx"), "mine").expect("write");
            assert!(swap_in(&fresh, &out, "analyse", exchange).is_err());
            assert!(out.join("thesis.docx").is_file() && fresh.is_dir());
        }
    }

    #[test]
    fn overlaps_with_inputs_are_refused() {
        let d = folder(&["out/mydata/grants.csv", "data/grants.csv"]);
        let out = d.path().join("out");
        let mydata = out.join("mydata");
        let data = d.path().join("data");
        let check =
            |o: &Path, inputs: &[PathBuf]| overlapping_input(o, &canonical_lenient(o), inputs);
        assert!(
            check(&out, std::slice::from_ref(&mydata)).is_err(),
            "OUT holds the input"
        );
        assert!(
            check(&mydata, std::slice::from_ref(&mydata)).is_err(),
            "OUT is the input"
        );
        assert!(
            check(&data.join("new/deeper"), std::slice::from_ref(&data)).is_err(),
            "OUT inside"
        );
        assert!(check(&data.join("grants.csv"), &[data.join("grants.csv")]).is_err());
        assert!(check(&d.path().join("elsewhere"), &[data.clone(), mydata]).is_ok());
        // `..` in a path that does not exist yet is resolved.
        assert!(check(&out.join("x/../../data"), &[data]).is_err());
    }
}
