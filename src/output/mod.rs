//! Output: pure renderers that return text, and the one place that writes to stdout.

pub mod dashboard;
pub mod history;
pub mod json;
pub mod metrics_page;
pub mod policy;
pub mod progress;
pub mod replay;
pub mod report_html;
pub mod sparkline;
pub mod table;
pub mod whatif;

use std::io::{self, IsTerminal, Write};

use crate::cli::ColorWhen;

/// Whether to colour: `always`/`never` as said; `auto` colours only a terminal, with
/// `NO_COLOR` unset or empty and `TERM` not `dumb` (as hyperfine and fd do).
pub fn color_enabled(when: ColorWhen) -> bool {
    let no_color = std::env::var("NO_COLOR").ok();
    let term = std::env::var("TERM").ok();
    decide_color(
        when,
        io::stdout().is_terminal(),
        no_color.as_deref(),
        term.as_deref(),
    )
}

/// The colour decision from its inputs.
pub fn decide_color(
    when: ColorWhen,
    tty: bool,
    no_color: Option<&str>,
    term: Option<&str>,
) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => tty && no_color.is_none_or(str::is_empty) && term != Some("dumb"),
    }
}

/// ANSI styles used in tables and summaries.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    Good,
    Bad,
    Warn,
    Dim,
    Bold,
}

/// `text` wrapped in the style's escape codes when `color` is on.
pub fn paint(text: &str, style: Style, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match style {
        Style::Good => "32",
        Style::Bad => "31",
        Style::Warn => "33",
        Style::Dim => "2",
        Style::Bold => "1",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Write rendered output to stdout. A closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_tty_no_color_and_term() {
        assert!(decide_color(ColorWhen::Auto, true, None, Some("xterm")));
        assert!(decide_color(ColorWhen::Auto, true, Some(""), None));
        assert!(!decide_color(ColorWhen::Auto, true, Some("1"), None));
        assert!(!decide_color(ColorWhen::Auto, true, None, Some("dumb")));
        assert!(!decide_color(ColorWhen::Auto, false, None, None));
        assert!(decide_color(ColorWhen::Always, false, Some("1"), None));
        assert!(!decide_color(ColorWhen::Never, true, None, None));
    }

    #[test]
    fn paint_is_plain_without_colour() {
        assert_eq!(paint("x", Style::Bad, false), "x");
        assert_eq!(paint("x", Style::Bad, true), "\x1b[31mx\x1b[0m");
    }
}
