//! `fundflow graph` (in progress).

use super::DatasetArgs;
use clap::Args;
use fundflow::Error;

/// `graph` arguments.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Dataset to read.
    #[command(flatten)]
    pub data: DatasetArgs,
}

pub fn run(_args: &GraphArgs) -> Result<(), Error> {
    Err(Error::NotYetImplemented("graph"))
}
