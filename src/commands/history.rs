//! `rizk-scale history show|export|import|clear`: look at, copy out, bring in or empty the history.
//!
//! Every write goes through the [`FileStore`](crate::history::file::FileStore): exclusive lock,
//! temp file, fsync, rename.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cli::{
    ExportFormat, HistoryClearCmd, HistoryCmd, HistoryExportCmd, HistoryImportCmd, HistoryShowCmd,
    ImportFormat,
};
use crate::exit::Exit;
use crate::history::csv::{RowError, to_csv};
use crate::history::import::{ImportKind, detect, merge, parse_import};
use crate::history::to_lines;
use crate::output::history::{SamplesView, ShowOptions, show};
use crate::output::{self, json};
use crate::sample::Sample;
use crate::settings::App;

/// `history …`.
pub fn run(app: &App, cmd: &HistoryCmd) -> Result<Exit> {
    match cmd {
        HistoryCmd::Show(c) => run_show(app, c),
        HistoryCmd::Export(c) => run_export(app, c),
        HistoryCmd::Import(c) => run_import(app, c),
        HistoryCmd::Clear(c) => run_clear(app, c),
    }
}

/// The history's samples, warning about lines that did not parse.
fn load(app: &App) -> Result<Vec<Sample>> {
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    app.warn_flagged(&loaded.flagged);
    Ok(loaded.samples)
}

fn run_show(app: &App, cmd: &HistoryShowCmd) -> Result<Exit> {
    let samples = load(app)?;
    let text = if cmd.json {
        let last = &samples[samples.len() - cmd.last.min(samples.len())..];
        json::pretty(&SamplesView::new(last))?
    } else {
        let path = app.history.location();
        show(
            &samples,
            ShowOptions {
                path: &path,
                capacity: app.history.capacity(),
                last: cmd.last,
                color: app.color,
                width: app.width,
            },
        )
    };
    output::emit(&text)?;
    Ok(Exit::Success)
}

fn run_export(app: &App, cmd: &HistoryExportCmd) -> Result<Exit> {
    let samples = load(app)?;
    let text = match cmd.format {
        ExportFormat::Csv => {
            let with_extra = samples.iter().filter(|s| !s.extra.is_empty()).count();
            if with_extra > 0 {
                app.warn(&format!(
                    "{} extra fields that CSV does not carry: they are left out (--format jsonl or json keeps them)",
                    match with_extra {
                        1 => "1 sample has".to_string(),
                        n => format!("{n} samples have"),
                    }
                ));
            }
            to_csv(&samples)
        }
        ExportFormat::Json => json::pretty(&SamplesView::new(&samples))?,
        ExportFormat::Jsonl => to_lines(&samples)?,
    };
    match &cmd.output {
        None => output::emit(&text)?,
        Some(path) => write_export(app, path, &text)?,
    }
    Ok(Exit::Success)
}

/// Write an export file: created 0600 like the history it copies, and never the history itself
/// (a CSV written over it would destroy it outside the lock).
fn write_export(app: &App, path: &Path, text: &str) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let shown = path.display();
    let history = app
        .history
        .as_file()
        .and_then(|f| f.path().canonicalize().ok());
    if history.is_some() && path.canonicalize().ok() == history {
        bail!("export file '{shown}' is the history itself: choose another file");
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing export '{shown}'"))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing export '{shown}'"))
}

fn run_import(app: &App, cmd: &HistoryImportCmd) -> Result<Exit> {
    let from_stdin = cmd.file.as_os_str() == "-";
    let shown = if from_stdin {
        "<stdin>".to_string()
    } else {
        cmd.file.display().to_string()
    };
    let content = if from_stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading samples to import from stdin")?;
        bytes
    } else {
        std::fs::read(&cmd.file).with_context(|| format!("reading import file '{shown}'"))?
    };
    let kind = match cmd.format {
        ImportFormat::Auto => detect(&content),
        ImportFormat::Csv => ImportKind::Csv,
        ImportFormat::Jsonl => ImportKind::Jsonl,
    };
    let (incoming, warnings) =
        parse_import(&content, kind).map_err(|errors| bad_rows(Path::new(&shown), &errors))?;
    for w in &warnings {
        app.warn(&format!("'{shown}:{}': {}", w.line, w.error));
    }
    let read = incoming.len();
    let mut outcome = None;
    let report = app.history.rewrite(|samples| {
        let merged = merge(samples, incoming);
        outcome = Some((merged, samples.len()));
    })?;
    app.warn_rejected(&report.rejected, report.rejected_path.as_deref());
    let (merged, before_trim) = outcome.unwrap_or_default();
    let dropped = before_trim.saturating_sub(report.samples);
    let mut message = format!(
        "Imported {} of {read} samples from '{shown}' ({} already in the history); '{}' now holds {} samples",
        merged.added,
        merged.duplicates,
        app.history.location(),
        report.samples
    );
    if dropped > 0 {
        message.push_str(&format!(
            " (the oldest {dropped} dropped: capacity {})",
            app.history.capacity()
        ));
    }
    message.push('\n');
    output::emit(&message)?;
    Ok(Exit::Success)
}

/// One error line for a file with bad rows: the first `file:line` and how many more there are.
fn bad_rows(file: &Path, errors: &[RowError]) -> anyhow::Error {
    let Some(first) = errors.first() else {
        return anyhow::anyhow!("importing '{}': unreadable", file.display());
    };
    let more = match errors.len() - 1 {
        0 => String::new(),
        1 => " (and 1 more bad row)".to_string(),
        n => format!(" (and {n} more bad rows)"),
    };
    anyhow::anyhow!(
        "importing '{}:{}': {}{more}; nothing was imported",
        file.display(),
        first.line,
        first.error
    )
}

fn run_clear(app: &App, cmd: &HistoryClearCmd) -> Result<Exit> {
    let path = app.history.location();
    if !cmd.yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "refusing to clear history '{path}' without confirmation: stdin is not a terminal (pass --yes)"
            );
        }
        let count = app.history.load()?.samples.len();
        let question = format!("Delete all {count} samples from '{path}'? [y/N] ");
        let stdin = std::io::stdin();
        if !confirm(&mut stdin.lock(), &mut std::io::stderr(), &question)? {
            output::emit("Nothing deleted.\n")?;
            return Ok(Exit::Success);
        }
    }
    if !app.history.exists() {
        output::emit(&format!(
            "History '{path}' does not exist: nothing to delete.\n"
        ))?;
        return Ok(Exit::Success);
    }
    let mut removed = 0;
    app.history.rewrite(|samples| {
        removed = samples.len();
        samples.clear();
    })?;
    output::emit(&format!("Deleted {removed} samples from '{path}'.\n"))?;
    Ok(Exit::Success)
}

/// Ask `question` on `prompt` and read one answer: only `y` or `yes` (any case) agrees.
pub fn confirm(
    answers: &mut impl BufRead,
    prompt: &mut impl Write,
    question: &str,
) -> Result<bool> {
    prompt.write_all(question.as_bytes())?;
    prompt.flush()?;
    let mut answer = String::new();
    answers
        .read_line(&mut answer)
        .context("reading the answer")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(input: &str) -> (bool, String) {
        let mut shown = Vec::new();
        let yes = confirm(&mut input.as_bytes(), &mut shown, "Delete? [y/N] ").unwrap();
        (yes, String::from_utf8(shown).unwrap())
    }

    #[test]
    fn only_yes_confirms() {
        assert_eq!(ask("y\n"), (true, "Delete? [y/N] ".to_string()));
        assert!(ask("YES\n").0);
        assert!(ask(" Yes \r\n").0);
        assert!(!ask("\n").0, "the default is no");
        assert!(!ask("").0, "end of input is no");
        assert!(!ask("n\n").0);
        assert!(!ask("yep\n").0);
    }

    #[test]
    fn bad_rows_name_the_first_line_and_count_the_rest() {
        let e = |line| RowError {
            line,
            error: "bad".into(),
        };
        let msg = bad_rows(Path::new("x.csv"), &[e(3), e(5), e(9)]).to_string();
        assert_eq!(
            msg,
            "importing 'x.csv:3': bad (and 2 more bad rows); nothing was imported"
        );
        let msg = bad_rows(Path::new("x.csv"), &[e(3)]).to_string();
        assert_eq!(msg, "importing 'x.csv:3': bad; nothing was imported");
    }
}
