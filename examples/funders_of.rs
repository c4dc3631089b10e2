//! Build the money graph and walk a recipient's funders, and their funders in turn, to see
//! where its money ultimately comes from (regranting makes chains).
//!
//! ```text
//! cargo run --release --example funders_of                         # Riverside Carers Centre
//! cargo run --release --example funders_of -- GB-CHC-1104417       # another organisation
//! cargo run --release --example funders_of -- GB-CHC-1 my-area/     # in your own data
//! ```

use fundflow::config::Parameters;
use fundflow::graph::{self, MoneyGraph};
use fundflow::load::{load, DatasetSource, LoadOptions};
use fundflow::measures::{Context, Window};
use fundflow::model::OrgId;
use std::collections::BTreeSet;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let who = args.next().unwrap_or_else(|| "GB-CHC-1112650".to_owned());
    let source = args
        .next()
        .map_or(DatasetSource::Example, |p| DatasetSource::Path(p.into()));
    let data = match load(&source, &LoadOptions::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let Some(org) = OrgId::parse(&who) else {
        eprintln!("give an organisation identifier, e.g. GB-CHC-1112650");
        return ExitCode::from(2);
    };
    let ctx = Context::new(&data, None, Window::default());
    let g = graph::build(&ctx, &Parameters::default());
    if g.node(org.as_str()).is_none() {
        eprintln!("{org}: not in this dataset");
        return ExitCode::from(2);
    }
    println!("{} ({org}) is funded by:", data.name_of(&org));
    let mut seen = BTreeSet::from([org.to_string()]);
    walk(&g, &org, 1, &mut seen);
    ExitCode::SUCCESS
}

/// Prints `org`'s funders, then theirs, indented; each organisation once (graphs can have
/// cycles: a council funds a foundation that funds the council's partner...).
fn walk(g: &MoneyGraph, org: &OrgId, depth: usize, seen: &mut BTreeSet<String>) {
    for f in g.funders_of(org) {
        println!(
            "{:indent$}{} ({}): £{:.2} in {} grant{}, £{:.2} a year running",
            "",
            f.label,
            f.id,
            f.amount.pounds(),
            f.grants,
            if f.grants == 1 { "" } else { "s" },
            f.active_annual,
            indent = depth * 2
        );
        if seen.insert(f.id.clone()) {
            if let Some(next) = OrgId::parse(&f.id) {
                walk(g, &next, depth + 1, seen);
            }
        }
    }
}
