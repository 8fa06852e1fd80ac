//! The one diagnostics path to stderr (never stdout): warnings and status notes, silenced by
//! `-q/--quiet`, and for `-v/--verbose` `rizk-scale: info: …` / `rizk-scale: debug: …` lines.
//! Errors that end the program are printed by `main`; a monitor tick's error by its display.
//!
//! One global level set once by [`set_verbosity`] (`-v` = info, `-vv` = debug). A small module
//! instead of `tracing`: the tool prints a handful of lines, and the level is all it needs.
//! Callers pass text that names no secret: URLs go through [`crate::redact`] first.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// How much is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing (the default).
    Off = 0,
    /// `-v`: what was loaded and from where, what was contacted and how long it took.
    Info = 1,
    /// `-vv`: resolved settings in full.
    Debug = 2,
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Off as u8);
static QUIET: AtomicBool = AtomicBool::new(false);

/// `-q/--quiet`: no warnings and no status notes.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// `rizk-scale: warning: …` on stderr, unless `--quiet`.
pub fn warn(message: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        eprintln!("rizk-scale: warning: {message}");
    }
}

/// `rizk-scale: …`: a status note (what is served, the coordination role), unless `--quiet`.
pub fn note(message: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        eprintln!("rizk-scale: {message}");
    }
}

/// Set the level from the number of `-v` flags.
pub fn set_verbosity(count: u8) {
    let level = match count {
        0 => Level::Off,
        1 => Level::Info,
        _ => Level::Debug,
    };
    LEVEL.store(level as u8, Ordering::Relaxed);
}

/// Whether lines at `level` are printed.
pub fn enabled(level: Level) -> bool {
    level != Level::Off && LEVEL.load(Ordering::Relaxed) >= level as u8
}

/// The line printed for `message` at `level`.
fn line(level: Level, message: fmt::Arguments<'_>) -> String {
    let name = match level {
        Level::Off => "off",
        Level::Info => "info",
        Level::Debug => "debug",
    };
    format!("rizk-scale: {name}: {message}")
}

/// Print `message` on stderr at `level` when enabled (use [`diag_info!`](crate::diag_info) and
/// [`diag_debug!`](crate::diag_debug), which do not format when disabled).
pub fn print(level: Level, message: fmt::Arguments<'_>) {
    if enabled(level) {
        eprintln!("{}", line(level, message));
    }
}

/// `rizk-scale: info: …` on stderr with `-v`.
#[macro_export]
macro_rules! diag_info {
    ($($arg:tt)*) => {
        if $crate::diag::enabled($crate::diag::Level::Info) {
            $crate::diag::print($crate::diag::Level::Info, format_args!($($arg)*));
        }
    };
}

/// `rizk-scale: debug: …` on stderr with `-vv`.
#[macro_export]
macro_rules! diag_debug {
    ($($arg:tt)*) => {
        if $crate::diag::enabled($crate::diag::Level::Debug) {
            $crate::diag::print($crate::diag::Level::Debug, format_args!($($arg)*));
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_their_level() {
        assert_eq!(
            line(Level::Info, format_args!("history: {}", "/tmp/h")),
            "rizk-scale: info: history: /tmp/h"
        );
        assert_eq!(
            line(Level::Debug, format_args!("x")),
            "rizk-scale: debug: x"
        );
    }

    #[test]
    fn off_is_never_enabled() {
        assert!(!enabled(Level::Off));
        assert!(Level::Debug > Level::Info && Level::Info > Level::Off);
    }
}
