//! Stage timings for profiling (issue 6): with `FUNDFLOW_TIMINGS=1` in the environment,
//! each [`span`] prints its wall-clock time to standard error when it ends. Off by default,
//! and never part of any output file, so outputs stay byte-identical whatever it says.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FUNDFLOW_TIMINGS").is_some_and(|v| v != "0"))
}

/// A named stage; prints `timing: NAME  S s` on drop when timings are on.
#[must_use = "a span measures until it is dropped"]
pub struct Span {
    name: &'static str,
    start: Option<Instant>,
}

/// Starts timing a stage.
pub fn span(name: &'static str) -> Span {
    Span {
        name,
        start: enabled().then(Instant::now),
    }
}

/// Runs `f` inside a span named `name`.
pub fn timed<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    let _s = span(name);
    f()
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some(start) = self.start {
            eprintln!(
                "timing: {:<28} {:>8.3} s",
                self.name,
                start.elapsed().as_secs_f64()
            );
        }
    }
}
