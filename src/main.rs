//! The `fundflow` binary: parse arguments, call the library, map errors to exit codes
//! (0 success, 2 bad input or usage, 1 internal error).

mod cli;

use clap::Parser;

/// mimalloc for the binary: the system allocator spent about 14% of a national run in
/// malloc and free (BENCHMARKS.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` (mimalloc.h), which the
/// bindings do not name. A test checks it by its default (1000 ms, unlike its neighbours).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Freed memory goes back to the system at once rather than after a second: with the
    // delay, a national run's peak resident set was about 190 MB larger (the parsed text
    // and the load's scratch are freed just before the measures allocate theirs). A user's
    // own MIMALLOC_PURGE_DELAY is left to mimalloc.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's integer options; it reads and writes no other memory.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    }
    let cli = cli::Cli::parse();
    if let Err(e) = cli::run(cli) {
        eprintln!("fundflow: {e}");
        std::process::exit(e.exit_code());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn purge_delay_is_the_option_set() {
        // main() has not run in this test binary, so the option still has mimalloc's
        // default: 1000 ms for purge_delay (options.c); its neighbours default to 0 or 1.
        // SAFETY: reads one of mimalloc's integer options.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
