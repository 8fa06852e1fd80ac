//! Output: pure renderers that return text, and the one place that writes to stdout.

pub mod dashboard;
pub mod history;
pub mod json;
pub mod metrics_page;
pub mod pipe;
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

/// The width tables get: the terminal's own width when stdout is one (asked of the terminal,
/// as real terminals rarely export `COLUMNS`), else `$COLUMNS`, else [`DEFAULT_WIDTH`] on a
/// terminal; when stdout is not a terminal only `$COLUMNS` bounds tables (else they do not wrap).
pub fn terminal_width() -> Option<u16> {
    let stdout = io::stdout();
    let tty = stdout.is_terminal();
    let asked = tty
        .then(|| terminal_size::terminal_size_of(&stdout))
        .flatten()
        .map(|(w, _)| w.0);
    decide_width(tty, asked, std::env::var("COLUMNS").ok().as_deref())
}

/// The width assumed for a terminal that does not say (the classic 80 columns).
pub const DEFAULT_WIDTH: u16 = 80;

/// Narrower than this, tables are laid out as if the terminal had this many columns.
pub const MIN_WIDTH: u16 = 40;

/// The width decision from its inputs: the terminal's answer, then `COLUMNS`, then the default
/// (on a terminal only).
pub fn decide_width(tty: bool, asked: Option<u16>, columns: Option<&str>) -> Option<u16> {
    let columns = columns
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&c| c > 0);
    let width = asked
        .filter(|&w| w > 0)
        .or(columns)
        .or(tty.then_some(DEFAULT_WIDTH))?;
    Some(width.max(MIN_WIDTH))
}

/// `text` without its ANSI escape sequences (CSI `ESC [ … final` and two-byte `ESC x`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameters and intermediates, up to the final byte (@ to ~).
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                // An OSC string ends at BEL or ST (ESC \).
                while let Some(c) = chars.next() {
                    if c == '\x07' || (c == '\x1b' && chars.next().is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The columns `text` takes on a terminal: escape codes take none, every other character one
/// (the box-drawing, block and `…` characters our screens use are all one column wide).
pub fn display_width(text: &str) -> usize {
    strip_ansi(text).chars().count()
}

/// `text` (plain, no escape codes) cut to `width` columns, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `text` (plain) wrapped at spaces into lines of at most `width` columns, at most `max_lines`
/// of them (the last cut with `…` when more would be needed). Continuation lines are indented
/// by two spaces.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if current.is_empty() {
            current = if lines.is_empty() {
                word.to_string()
            } else {
                format!("  {word}")
            };
        } else {
            current.push(' ');
            current.push_str(word);
        }
    }
    lines.push(current);
    if lines.len() > max_lines {
        let rest: Vec<String> = lines
            .split_off(max_lines.max(1) - 1)
            .iter()
            .map(|l| l.trim_start().to_string())
            .collect();
        let joined = rest.join(" ");
        lines.push(if lines.is_empty() {
            joined
        } else {
            format!("  {joined}")
        });
    }
    lines.into_iter().map(|l| truncate(&l, width)).collect()
}

/// `text` with every line wider than `width` wrapped at spaces (none: unchanged). For the
/// running text around tables; table lines already keep to the width.
pub fn fit(text: &str, width: Option<u16>) -> String {
    let Some(w) = width.map(usize::from) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        if display_width(body) <= w || body.contains('\x1b') {
            out.push_str(line);
            continue;
        }
        out.push_str(&wrap(body, w, usize::MAX).join("\n"));
        out.push_str(end);
    }
    out
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
    fn width_asks_the_terminal_then_columns_then_defaults() {
        assert_eq!(decide_width(true, Some(132), Some("100")), Some(132));
        assert_eq!(decide_width(true, None, Some("100")), Some(100));
        assert_eq!(decide_width(true, None, None), Some(DEFAULT_WIDTH));
        assert_eq!(
            decide_width(true, Some(0), Some("junk")),
            Some(DEFAULT_WIDTH)
        );
        // Not a terminal: only COLUMNS bounds the tables.
        assert_eq!(decide_width(false, None, Some("80")), Some(80));
        assert_eq!(decide_width(false, None, None), None);
        assert_eq!(decide_width(false, None, Some("0")), None);
        // A tiny terminal still gets a usable layout.
        assert_eq!(decide_width(true, Some(12), None), Some(MIN_WIDTH));
    }

    #[test]
    fn display_width_ignores_escapes_and_counts_glyphs_once() {
        assert_eq!(display_width("\x1b[1mmet\x1b[0m\x1b[39m\x1b[49m"), 3);
        assert_eq!(display_width("│ ▁▅█ … ┆"), 9);
        assert_eq!(strip_ansi("a\x1b]8;;http://x\x1b\\b\x1b[2Kc"), "abc");
        assert_eq!(display_width(&paint("not met", Style::Dim, true)), 7);
    }

    #[test]
    fn wrap_and_truncate_keep_to_the_width() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(
            wrap("Reason: High resource usage: CPU 84.1%", 20, 3),
            vec!["Reason: High", "  resource usage:", "  CPU 84.1%"]
        );
        assert_eq!(
            wrap("one two three four five", 9, 2),
            vec!["one two", "  three …"]
        );
        assert_eq!(wrap("short", 80, 2), vec!["short"]);
        assert_eq!(fit("a b c\nok\n", Some(3)), "a b\n  c\nok\n");
        assert_eq!(fit("a b c", None), "a b c");
    }

    #[test]
    fn paint_is_plain_without_colour() {
        assert_eq!(paint("x", Style::Bad, false), "x");
        assert_eq!(paint("x", Style::Bad, true), "\x1b[31mx\x1b[0m");
    }
}
