//! Progress on stderr for long work (fetching and simulating long ranges): one line rewritten in
//! place, only when stderr is a terminal and `--quiet` is off, at most every 100 ms.

use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A progress line; does nothing when off.
#[derive(Debug)]
pub struct Progress {
    on: bool,
    last: Cell<Option<Instant>>,
}

impl Progress {
    /// On when stderr is a terminal and not `quiet`.
    pub fn stderr(quiet: bool) -> Progress {
        Progress {
            on: !quiet && std::io::stderr().is_terminal(),
            last: Cell::new(None),
        }
    }

    /// Show `what done/total` (throttled; the last one always shows).
    pub fn update(&self, what: &str, done: usize, total: usize) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        let due = self
            .last
            .get()
            .is_none_or(|t| now.duration_since(t) >= Duration::from_millis(100));
        if !due && done < total {
            return;
        }
        self.last.set(Some(now));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{what} {done}/{total}");
        let _ = err.flush();
    }

    /// Clear the line.
    pub fn finish(&self) {
        if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
