//! Atomic output folders, shared by `analyse` (findings) and `synth` (a generated dataset).
//!
//! Everything is written into a temporary folder beside `OUT`, which replaces `OUT` only when
//! every file has been written, so a failed run leaves no half-written `OUT` (and a previous
//! `OUT` intact). An existing `OUT` is replaced only when it is empty or holds the marker file
//! of the same kind of output (`findings.json` for `analyse`, `synth.json` for `synth`): a
//! folder of someone's own files is never swept away.

use crate::error::Error;
use std::path::{Path, PathBuf};

/// A temporary folder beside the output folder.
pub(crate) struct Staging {
    /// Where to write; renamed to `out` by [`Staging::commit`].
    pub(crate) dir: PathBuf,
    out: PathBuf,
}

impl Staging {
    /// Stages `out`. `marker` is the file that shows an existing, non-empty `out` is earlier
    /// output of the same kind, so replacing it loses nothing of the user's.
    pub(crate) fn new(out: &Path, marker: &str) -> Result<Staging, Error> {
        if out.exists() {
            if !out.is_dir() {
                return Err(Error::Usage(format!(
                    "{}: exists and is not a folder; choose another -o",
                    out.display()
                )));
            }
            let empty = std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty && !out.join(marker).exists() {
                return Err(Error::Usage(format!(
                    "{}: exists and does not look like fundflow output (no {marker}); refusing to replace it",
                    out.display()
                )));
            }
        }
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        make_dir(&parent)?;
        let dir = parent.join(format!(".{name}.fundflow-tmp-{}", std::process::id()));
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        make_dir(&dir)?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
        })
    }

    /// Moves the staged folder into place, replacing any earlier `out`.
    pub(crate) fn commit(self) -> Result<(), Error> {
        let rename = |from: &Path, to: &Path| {
            std::fs::rename(from, to).map_err(|source| Error::Output {
                path: to.display().to_string(),
                source,
            })
        };
        if self.out.exists() {
            let old = self.dir.with_extension("old");
            rename(&self.out, &old)?;
            if let Err(e) = rename(&self.dir, &self.out) {
                let _ = std::fs::rename(&old, &self.out);
                let _ = std::fs::remove_dir_all(&self.dir);
                return Err(e);
            }
            let _ = std::fs::remove_dir_all(&old);
            Ok(())
        } else {
            rename(&self.dir, &self.out).inspect_err(|_| {
                let _ = std::fs::remove_dir_all(&self.dir);
            })
        }
    }

    /// Removes the staged folder, leaving `out` as it was.
    pub(crate) fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Runs `write` against the staged folder, then commits it, or abandons it if `write`
    /// failed.
    pub(crate) fn write_with<T>(
        self,
        write: impl FnOnce(&Path) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match write(&self.dir) {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => {
                self.abandon();
                Err(e)
            }
        }
    }
}

fn make_dir(path: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(path).map_err(|source| Error::Output {
        path: path.display().to_string(),
        source,
    })
}
