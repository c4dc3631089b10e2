//! The `fundflow` binary: parse arguments, call the library, map errors to exit codes
//! (0 success, 2 bad input or usage, 1 internal error).

mod cli;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    if let Err(e) = cli::run(cli) {
        eprintln!("fundflow: {e}");
        std::process::exit(e.exit_code());
    }
}
