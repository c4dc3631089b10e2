//! `fundflow validate`.

use super::ValidateArgs;
use fundflow::load::load;
use fundflow::validate::ValidationReport;
use fundflow::Error;
use std::io::Write;

pub fn run(args: &ValidateArgs) -> Result<(), Error> {
    let progress = super::progress::Progress::new(args.data.quiet);
    progress.stage("loading");
    let data = load(&args.data.source(), &args.data.options())?;
    progress.stage("checking");
    let report = ValidationReport::new(&data);
    progress.finish();
    let out = if args.json {
        let mut s = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::Internal(format!("cannot serialise the report: {e}")))?;
        s.push('\n');
        s
    } else if args.data.quiet {
        String::new()
    } else {
        report.render_text()
    };
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|e| Error::Output {
            path: "standard output".into(),
            source: e,
        })
}
