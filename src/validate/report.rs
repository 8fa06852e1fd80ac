//! The validate report and its renderers: a table grouped by category with a summary line, and
//! the stable JSON document. Renderers return strings; the caller writes them.

use comfy_table::{Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, presets};
use serde::Serialize;

use super::check::{Check, Status};
use super::ids;

/// Counts per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of checks reported.
    pub total: usize,
    /// Passed.
    pub pass: usize,
    /// Warned.
    pub warn: usize,
    /// Failed.
    pub fail: usize,
    /// Need a person.
    pub manual: usize,
    /// Source not given.
    pub skip: usize,
}

impl Summary {
    /// Count `checks`.
    pub fn of(checks: &[Check]) -> Summary {
        let mut s = Summary {
            total: checks.len(),
            ..Summary::default()
        };
        for c in checks {
            match c.status {
                Status::Pass => s.pass += 1,
                Status::Warn => s.warn += 1,
                Status::Fail => s.fail += 1,
                Status::Manual => s.manual += 1,
                Status::Skip => s.skip += 1,
            }
        }
        s
    }
}

/// The outcome of `validate`.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// No check failed (and, under `strict`, none warned).
    pub ready: bool,
    /// Whether warnings count against readiness.
    pub strict: bool,
    /// The checks, in catalogue order.
    pub checks: Vec<Check>,
    /// Counts per status.
    pub summary: Summary,
    /// What was read but not judged (skipped files, duplicates, includes not found).
    pub notes: Vec<String>,
}

impl Report {
    /// Build a report from `checks`.
    pub fn new(checks: Vec<Check>, strict: bool) -> Report {
        let summary = Summary::of(&checks);
        let ready = summary.fail == 0 && (!strict || summary.warn == 0);
        Report {
            ready,
            strict,
            checks,
            summary,
            notes: Vec::new(),
        }
    }

    /// The same report with `notes`.
    pub fn with_notes(mut self, notes: Vec<String>) -> Report {
        self.notes = notes;
        self
    }

    /// The process exit code: 0 when ready, 1 when not (usage and tool errors, 2, are the
    /// caller's).
    pub fn exit_code(&self) -> i32 {
        if self.ready { 0 } else { 1 }
    }

    /// The check with `id`, if reported.
    pub fn get(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "ready: no — 2 failed, 3 warnings, 4 manual, 3 skipped, 8 passed" (zero counts left out).
pub fn summary_line(report: &Report) -> String {
    let s = report.summary;
    let parts: Vec<String> = [
        (s.fail, plural(s.fail, "failed", "failed")),
        (s.warn, plural(s.warn, "warning", "warnings")),
        (s.manual, format!("{} manual", s.manual)),
        (s.skip, format!("{} skipped", s.skip)),
        (s.pass, format!("{} passed", s.pass)),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(_, text)| text)
    .collect();
    let verdict = match (report.ready, report.strict && s.fail == 0 && s.warn > 0) {
        (true, _) => "yes",
        (false, true) => "no (--strict: warnings count)",
        (false, false) => "no",
    };
    let counts = if parts.is_empty() {
        "no checks".to_string()
    } else {
        parts.join(", ")
    };
    format!("ready: {verdict} — {counts}")
}

fn status_color(status: Status) -> Color {
    match status {
        Status::Pass => Color::Green,
        Status::Warn => Color::Yellow,
        Status::Fail => Color::Red,
        Status::Manual => Color::Cyan,
        Status::Skip => Color::DarkGrey,
    }
}

/// Below this width the category gets a row of its own instead of a column, which leaves the
/// evidence room to read.
const NARROW: u16 = 100;

/// The table: one row per check, grouped by category (the category named on its first row, or
/// on a row of its own when the terminal is narrow), the hint under the evidence for anything
/// not passing, then the summary line. Names and statuses are never split; the evidence wraps
/// inside its column.
pub fn render_table(report: &Report, color: bool, width: u16) -> String {
    let narrow = width < NARROW;
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.set_width(width);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    if narrow {
        table.set_header(["check", "status", "evidence"]);
    } else {
        table.set_header(["category", "check", "status", "evidence"]);
    }
    for category in ids::CATEGORIES {
        let mut first = true;
        for c in report.checks.iter().filter(|c| c.category == category) {
            let name = c.id.split_once('.').map_or(c.id.as_str(), |(_, n)| n);
            let mut evidence = group_by_workload(&c.message);
            if !c.hint.is_empty() && c.status != Status::Pass {
                evidence.push_str("\n→ ");
                evidence.push_str(&c.hint);
            }
            let mut status = Cell::new(c.status.as_str());
            if color {
                status = status.fg(status_color(c.status));
            }
            if narrow {
                if first {
                    let mut heading = Cell::new(category);
                    if color {
                        heading = heading.add_attribute(Attribute::Bold);
                    }
                    table.add_row(vec![heading, Cell::new(""), Cell::new("")]);
                }
                table.add_row(vec![
                    Cell::new(format!("  {name}")),
                    status,
                    Cell::new(evidence),
                ]);
            } else {
                table.add_row(vec![
                    Cell::new(if first { category } else { "" }),
                    Cell::new(name),
                    status,
                    Cell::new(evidence),
                ]);
            }
            first = false;
        }
    }
    let whole = if narrow { 0..2 } else { 0..3 };
    for i in whole {
        if let Some(column) = table.column_mut(i) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    let notes: String = report
        .notes
        .iter()
        .map(|n| format!("note: {n}\n"))
        .collect();
    format!("{table}\n{notes}{}\n", summary_line(report))
}

/// The workload a piece of evidence is about ("Deployment web: …" → "Deployment web").
fn workload_of(line: &str) -> Option<(&str, &str)> {
    let (head, rest) = line.split_once(": ")?;
    let (kind, name) = head.split_once(' ')?;
    (["Deployment", "StatefulSet"].contains(&kind) && !name.contains(' ')).then_some((head, rest))
}

/// The evidence one piece a line, grouped under the workload it is about (first-seen order), so
/// a report on a dozen workloads stays readable.
fn group_by_workload(message: &str) -> String {
    let mut general: Vec<&str> = Vec::new();
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut current: Option<usize> = None;
    for piece in message.split("; ") {
        match workload_of(piece) {
            Some((w, rest)) => {
                let i = match groups.iter().position(|(g, _)| *g == w) {
                    Some(i) => i,
                    None => {
                        groups.push((w, Vec::new()));
                        groups.len() - 1
                    }
                };
                groups[i].1.push(rest);
                current = Some(i);
            }
            // A piece continuing the previous workload's evidence ("container b: …").
            None => match current {
                Some(i)
                    if piece.starts_with("container ") || piece.starts_with("init container ") =>
                {
                    groups[i].1.push(piece)
                }
                _ => general.push(piece),
            },
        }
    }
    if groups.len() < 2 {
        return message.to_string();
    }
    let mut lines: Vec<String> = general.iter().map(|g| g.to_string()).collect();
    for (w, pieces) in groups {
        lines.push(format!("{w}:"));
        lines.extend(pieces.iter().map(|p| format!("· {p}")));
    }
    lines.join("\n")
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    ready: bool,
    checks: Vec<JsonCheck<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    summary: Summary,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    id: &'a str,
    category: &'a str,
    status: &'a str,
    message: &'a str,
    hint: &'a str,
}

/// `{"schema_version":1,"ready":…,"checks":[{"id","category","status","message","hint"}],
/// "notes":[…] (when any),"summary":{"total","pass","warn","fail","manual","skip"}}`,
/// pretty-printed, never coloured.
pub fn render_json(report: &Report) -> serde_json::Result<String> {
    let view = JsonReport {
        schema_version: 1,
        ready: report.ready,
        checks: report
            .checks
            .iter()
            .map(|c| JsonCheck {
                id: &c.id,
                category: &c.category,
                status: c.status.as_str(),
                message: &c.message,
                hint: &c.hint,
            })
            .collect(),
        notes: &report.notes,
        summary: report.summary,
    };
    let mut out = serde_json::to_string_pretty(&view)?;
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(strict: bool) -> Report {
        Report::new(
            vec![
                Check::new(
                    ids::LOAD_BALANCER,
                    Status::Fail,
                    "upstream b has 1 active server",
                    "add servers",
                ),
                Check::new(ids::PDB, Status::Pass, "PDB p covers web", ""),
                Check::new(
                    ids::MONITORING,
                    Status::Warn,
                    "no scrape annotation",
                    "annotate",
                ),
                Check::new(
                    ids::REGIONAL_ENDPOINTS,
                    Status::Manual,
                    "not attested",
                    "attest",
                ),
                Check::new(ids::ERROR_RATE, Status::Skip, "needs a history", ""),
            ],
            strict,
        )
    }

    #[test]
    fn readiness_and_exit_codes() {
        let r = report(false);
        assert!(!r.ready);
        assert_eq!(r.exit_code(), 1);
        assert_eq!(
            summary_line(&r),
            "ready: no — 1 failed, 1 warning, 1 manual, 1 skipped, 1 passed"
        );
        let warn_only = Report::new(vec![Check::new(ids::PDB, Status::Warn, "w", "h")], false);
        assert!(warn_only.ready);
        assert_eq!(warn_only.exit_code(), 0);
        assert_eq!(summary_line(&warn_only), "ready: yes — 1 warning");
        let strict = Report::new(warn_only.checks.clone(), true);
        assert!(!strict.ready);
        assert_eq!(
            summary_line(&strict),
            "ready: no (--strict: warnings count) — 1 warning"
        );
        assert_eq!(
            summary_line(&Report::new(vec![], false)),
            "ready: yes — no checks"
        );
    }

    #[test]
    fn table_groups_by_category_without_colour() {
        let text = render_table(&report(false), false, 100);
        assert!(!text.contains('\u{1b}'), "{text}");
        let infra = text.find("infrastructure").unwrap();
        let config = text.find("configuration").unwrap();
        let perf = text.find("performance").unwrap();
        assert!(infra < config && config < perf, "{text}");
        assert_eq!(text.matches("infrastructure").count(), 1, "{text}");
        assert!(text.contains("→ add servers"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
        assert!(text.ends_with("ready: no — 1 failed, 1 warning, 1 manual, 1 skipped, 1 passed\n"));
        let coloured = render_table(&report(false), true, 100);
        assert!(coloured.contains('\u{1b}'));
        // Narrow: the category on a row of its own, every line the same width with colour.
        for color in [false, true] {
            let text = render_table(&report(false), color, 80);
            let widths: Vec<usize> = text
                .lines()
                .filter(|l| !l.starts_with("ready:"))
                .map(crate::output::display_width)
                .collect();
            assert!(
                widths.iter().all(|&w| w == widths[0] && w <= 80),
                "{widths:?}\n{text}"
            );
            let plain = crate::output::strip_ansi(&text);
            assert!(plain.contains("│ infrastructure       ┆"), "{plain}");
            assert!(
                plain.contains("│   load_balancer      ┆ fail   ┆ upstream b"),
                "{plain}"
            );
        }
    }

    #[test]
    fn evidence_is_grouped_per_workload_and_notes_listed() {
        let r = Report::new(
            vec![Check::new(
                ids::RESOURCES,
                Status::Fail,
                "Deployment a: container x has no cpu limit; Deployment b: container y has no memory limit; Deployment a: init container i has no cpu request",
                "set them",
            )],
            false,
        )
        .with_notes(vec!["Chart.yaml: skipped".into()]);
        let text = render_table(&r, false, 120);
        let a = text.find("Deployment a:").unwrap();
        let b = text.find("Deployment b:").unwrap();
        let init = text.find("init container i").unwrap();
        assert!(a < init && init < b, "{text}");
        assert_eq!(text.matches("Deployment a").count(), 1, "{text}");
        assert!(
            text.contains("note: Chart.yaml: skipped\nready: no"),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(&render_json(&r).unwrap()).unwrap();
        assert_eq!(v["notes"][0], "Chart.yaml: skipped");
        // One workload: the evidence is left as it is.
        assert_eq!(
            group_by_workload("Deployment a: x; y"),
            "Deployment a: x; y"
        );
    }

    #[test]
    fn json_contract() {
        let v: serde_json::Value =
            serde_json::from_str(&render_json(&report(false)).unwrap()).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["ready"], false);
        assert_eq!(v["checks"][0]["id"], "infrastructure.load_balancer");
        assert_eq!(v["checks"][0]["category"], "infrastructure");
        assert_eq!(v["checks"][0]["status"], "fail");
        assert_eq!(v["checks"][0]["hint"], "add servers");
        let keys: Vec<&String> = v["checks"][0].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 5);
        assert!(v.get("notes").is_none());
        assert_eq!(
            v["summary"],
            serde_json::json!({"total":5,"pass":1,"warn":1,"fail":1,"manual":1,"skip":1})
        );
    }
}
