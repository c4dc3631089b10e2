//! `fundflow validate`, and `--organisations-template FILE`.

use super::ValidateArgs;
use fundflow::load::load;
use fundflow::model::Dataset;
use fundflow::validate::{organisations_template, ValidationReport};
use fundflow::Error;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(args: &ValidateArgs) -> Result<(), Error> {
    let progress = super::progress::Progress::new(args.data.quiet);
    progress.stage("loading");
    let data = load(&args.data.source(), &args.data.options())?;
    progress.stage("checking");
    let report = ValidationReport::new(&data);
    progress.finish();
    if let Some(path) = &args.organisations_template {
        let written = write_template(args, &data, path)?;
        if !args.data.quiet {
            eprintln!(
                "fundflow: wrote {written} organisations to {}: correct a Sector (or add Same As, Annual Income, Area, Led By), save it as organisations.csv in the dataset folder, and it overrides inference.",
                path.display()
            );
        }
    }
    let out = if args.json {
        let mut s = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::Internal(format!("cannot serialise the report: {e}")))?;
        s.push('\n');
        s
    } else if args.data.quiet {
        String::new()
    } else {
        // Names come from the data: no ESC or OSC sequence reaches the terminal.
        fundflow::present::terminal_lines(&report.render_text()).into_owned()
    };
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|e| Error::Output {
            path: "standard output".into(),
            source: e,
        })
}

/// Writes the organisations template to `path`, refusing to replace an input of the run
/// (always) or any other existing file (unless `--force`). Returns the rows written.
fn write_template(args: &ValidateArgs, data: &Dataset, path: &Path) -> Result<usize, Error> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "--organisations-template {shown}: is a folder; name a file to write"
        )));
    }
    if path.exists() {
        let inputs = inputs_of_run(args, data);
        let target = fs::canonicalize(path).ok();
        if target.is_some() && inputs.iter().any(|i| fs::canonicalize(i).ok() == target) {
            return Err(Error::Usage(format!(
                "--organisations-template {shown}: is an input of this run; fundflow never overwrites its inputs (write elsewhere, check it, then move it into place)"
            )));
        }
        if !args.force {
            return Err(Error::Usage(format!(
                "--organisations-template {shown}: already exists; choose another name, or add --force to replace it"
            )));
        }
    }
    let template = organisations_template(data)
        .map_err(|e| Error::Internal(format!("cannot write the template: {e}")))?;
    write_new(path, &template.csv, args.force)?;
    Ok(template.rows)
}

/// The files this run read: the dataset's inputs and the config file.
fn inputs_of_run(args: &ValidateArgs, data: &Dataset) -> Vec<PathBuf> {
    let s = &data.sources;
    let mut files: Vec<PathBuf> = [
        &s.grants,
        &s.organisations,
        &s.partnerships,
        &s.meetings,
        &s.attendance,
        &s.payments,
    ]
    .into_iter()
    .flatten()
    .map(PathBuf::from)
    .collect();
    files.extend(args.config.clone());
    if let Some(dir) = &args.data.dataset {
        files.push(dir.join("fundflow.toml"));
    }
    files
}

/// Writes `bytes` to a temporary file beside `path`, then moves it into place: a failed run
/// leaves no half-written file. Without `replace`, the move is a hard link, which fails
/// rather than replace a file that appeared meanwhile.
fn write_new(path: &Path, bytes: &[u8], replace: bool) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::Output {
        path: path.display().to_string(),
        source: e,
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{}: not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if replace {
            return fs::rename(&tmp, path);
        }
        match fs::hard_link(&tmp, path) {
            Ok(()) => fs::remove_file(&tmp),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            // A file system without hard links: check, then rename.
            Err(_) if !path.exists() => fs::rename(&tmp, path),
            Err(e) => Err(e),
        }
    })();
    if let Err(e) = written {
        // Best effort: the temporary file may not even exist.
        let _ = fs::remove_file(&tmp);
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            return Err(Error::Usage(format!(
                "--organisations-template {}: already exists; choose another name, or add --force to replace it",
                path.display()
            )));
        }
        return Err(fail(e));
    }
    Ok(())
}
