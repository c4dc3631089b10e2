//! `fundflow graph`: the money and participation graph as DOT, GraphML, GEXF or JSON, on
//! standard output or, with `-o`, written atomically to a file.

use super::{DatasetArgs, MeasureArgs};
use clap::{Args, ValueEnum};
use fundflow::graph::{self, MoneyGraph};
use fundflow::load::load;
use fundflow::measures::Context;
use fundflow::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Graphviz DOT (`dot -Tsvg graph.dot > graph.svg`).
    Dot,
    /// GraphML, for yEd and Gephi.
    Graphml,
    /// GEXF 1.3, for Gephi (with colours).
    Gexf,
    /// JSON: {as_of, window, nodes, edges}.
    Json,
}

impl Format {
    /// The format a file name's extension asks for.
    fn from_extension(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "dot" | "gv" => Some(Format::Dot),
            "graphml" => Some(Format::Graphml),
            "gexf" => Some(Format::Gexf),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Dot => "DOT",
            Format::Graphml => "GraphML",
            Format::Gexf => "GEXF",
            Format::Json => "JSON",
        }
    }
}

/// `graph` arguments.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  fundflow graph --format dot | dot -Tsvg > graph.svg   # the built-in example, drawn by Graphviz\n  fundflow graph my-area/ -o graph.gexf                  # for Gephi (format from the extension)\n  fundflow graph my-area/ --format graphml --fy 2023 -o graph.graphml"
)]
pub struct GraphArgs {
    /// Dataset to read.
    #[command(flatten)]
    pub data: DatasetArgs,
    /// Output format [default: from the -o extension (.dot/.gv, .graphml, .gexf, .json), else dot].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to measure and with which parameters.
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// Disclosure control for publishing, as `analyse --public`: attendance-row counts
    /// below 8 are left out, others rounded to the nearest 5.
    #[arg(long)]
    pub public: bool,
}

pub fn run(args: &GraphArgs) -> Result<(), Error> {
    let source = args.data.source();
    let window = args.measure.window()?;
    let params = args.measure.parameters(&source)?;
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_extension))
        .unwrap_or(Format::Dot);
    // Never over an input, checked before any work.
    if let Some(path) = &args.output {
        fundflow::output::check_file_destination(
            path,
            &args.data.inputs(args.measure.config.as_deref()),
        )?;
    }

    let data = load(&source, &args.data.options())?;
    let ctx = Context::new(&data, args.measure.as_of, window);
    let mut g = graph::build(&ctx, &params);
    g.public = args.public;
    let text = match format {
        Format::Dot => graph::to_dot(&g),
        Format::Graphml => graph::to_graphml(&g),
        Format::Gexf => graph::to_gexf(&g),
        Format::Json => graph::to_json(&g),
    };

    match &args.output {
        Some(path) => fundflow::output::write_file_atomically(path, text.as_bytes())?,
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| Error::Output {
                path: "standard output".into(),
                source: e,
            })?,
    }
    if !args.data.quiet {
        eprint!(
            "{}",
            fundflow::present::terminal_lines(&summary(&g, format, args.output.as_deref()))
        );
    }
    Ok(())
}

/// The human summary for standard error.
fn summary(g: &MoneyGraph, format: Format, output: Option<&Path>) -> String {
    let to = output.map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
    let intermediaries = g.intermediaries().len();
    format!(
        "fundflow: {} graph to {to}: {} nodes, {} edges (as of {}).\n\
         fundflow: grants: {} in all awards, {} intermediar{}; {} awarded by funders that \
         received none; {} new money (each intermediary's giving beyond what it received).\n",
        format.name(),
        g.node_count(),
        g.edge_count(),
        g.as_of,
        g.all_awards(),
        intermediaries,
        if intermediaries == 1 { "y" } else { "ies" },
        g.money_from_original_funders(),
        g.new_money(),
    )
}
