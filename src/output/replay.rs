//! `replay`'s output: the timeline table, the one-line-per-decision chart, the summary, and the
//! JSON view. Pure renderers.

use comfy_table::{Cell, CellAlignment};
use jiff::Timestamp;
use serde::Serialize;

use super::json::SCHEMA_VERSION;
use super::table::{action_cell, keep_words, new_table};
use crate::policy::engine::Decision;
use crate::policy::engine::LimitedBy;
use crate::policy::hpa::Limit;
use crate::policy::replay::{Step, Summary};
use crate::policy::stabilization::Held;
use crate::policy::{Action, Direction, ReplicaTarget};

/// One replay: its settings, timeline and summary.
#[derive(Debug, Clone)]
pub struct Run {
    /// The settings, e.g. "threshold, scale-down-window=5m".
    pub label: String,
    /// One step per sample.
    pub steps: Vec<Step>,
    /// What the steps add up to.
    pub summary: Summary,
}

/// Bars longer than this are scaled down (less when the terminal is narrow: [`bar_max`]).
const BAR_MAX: u32 = 40;

/// The longest bar that keeps `charts` side-by-side chart lines (1 or 2) within `width`: each
/// line is `#### HH:MM:SS ` then per chart `A ▼  -1  10 ` + bar + ` *` (and ` │ ` between).
fn bar_max(width: Option<u16>, charts: u32) -> u32 {
    let Some(w) = width else {
        return BAR_MAX;
    };
    let fixed = 14 + charts * 15 + (charts - 1) * 3;
    ((u32::from(w).saturating_sub(fixed)) / charts).clamp(5, BAR_MAX)
}

fn symbol(action: Action) -> char {
    match action {
        Action::ScaleUp => '▲',
        Action::ScaleDown => '▼',
        Action::Maintain => '·',
        Action::Wait => '?',
    }
}

fn time(ts: Option<Timestamp>) -> String {
    ts.map_or("—".to_string(), |t| t.strftime("%H:%M:%S").to_string())
}

fn replicas_cell(before: Option<u32>, after: Option<u32>) -> String {
    match (before, after) {
        (Some(b), Some(a)) if a != b => format!("{b} → {a}"),
        (_, Some(a)) => a.to_string(),
        _ => String::new(),
    }
}

fn held_note(h: &Held) -> String {
    let dir = match h.direction {
        Direction::Up => "up",
        Direction::Down => "down",
    };
    let what = if h.delta == 0 { "held" } else { "limited" };
    format!(
        "{dir} {what} {}/{} in {}",
        h.disagreeing, h.samples, h.window
    )
}

/// The short note of a step: window hold, HPA winner and limits, clamping, or why it waited.
fn note(d: &Decision) -> String {
    let rec = &d.recommendation;
    if rec.action == Action::Wait {
        return rec.reason.clone();
    }
    let mut parts = Vec::new();
    if let Some(h) = &d.held {
        parts.push(held_note(h));
    }
    if let Some(hpa) = &d.hpa {
        parts.push(hpa.winner.name().to_string());
        parts.extend(hpa.limits.iter().map(|l| l.tag().to_string()));
    } else {
        let limits = d
            .limited_by
            .iter()
            .filter(|&&l| l != LimitedBy::StabilizationWindow);
        parts.extend(limits.map(|l| match l {
            LimitedBy::MinReplicas => "min".to_string(),
            LimitedBy::MaxReplicas => "max".to_string(),
            other => other.as_str().to_string(),
        }));
    }
    parts.join(", ")
}

/// The replica count before each step (the start, then each step's result).
fn befores(steps: &[Step], start: Option<u32>) -> Vec<Option<u32>> {
    let mut current = start;
    steps
        .iter()
        .map(|s| {
            let before = current;
            if let Some(after) = s.replicas_after() {
                current = Some(after);
            }
            before
        })
        .collect()
}

fn bar(replicas: Option<u32>, scale_max: u32, longest: u32) -> String {
    let Some(r) = replicas else {
        return String::new();
    };
    let len = if scale_max > longest {
        (u64::from(r) * u64::from(longest)).div_ceil(u64::from(scale_max)) as usize
    } else {
        r as usize
    };
    "█".repeat(len)
}

/// The chart: one line per decision, `*` where the action changed.
fn chart_lines(run: &Run, scale_max: u32, longest: u32) -> Vec<String> {
    let mut last = None;
    run.steps
        .iter()
        .map(|s| {
            let rec = &s.decision.recommendation;
            let flap = if rec.action != Action::Wait {
                let changed = last.is_some_and(|a| a != rec.action);
                last = Some(rec.action);
                changed
            } else {
                false
            };
            let replicas = s.replicas_after().map_or(String::new(), |r| {
                format!(" {r:>3} {}", bar(Some(r), scale_max, longest))
            });
            let delta = match rec.replica_delta {
                0 => "  ".to_string(),
                d => format!("{d:+}"),
            };
            format!(
                "{} {delta:>3}{replicas}{}",
                symbol(rec.action),
                if flap { " *" } else { "" }
            )
        })
        .collect()
}

fn header(steps: &[Step], start: Option<u32>) -> String {
    let first = steps.first().and_then(|s| s.timestamp);
    let last = steps.last().and_then(|s| s.timestamp);
    let span = crate::text::span(first, last);
    let from = start.map_or(String::new(), |n| format!(", starting from {n} replicas"));
    format!(
        "Replay of {}{span}{from}\n",
        crate::text::count(steps.len() as u64, "sample", "samples")
    )
}

fn summary_line(s: &Summary) -> String {
    let mut out = format!(
        "{} decisions: {} action changes (flaps), {} reversals, {} replica changes; scale_up {}, scale_down {}, maintain {}, wait {}; held by a window {}",
        s.decisions,
        s.flaps,
        s.reversals,
        s.replica_changes,
        s.scale_up,
        s.scale_down,
        s.maintain,
        s.wait,
        s.held_by_window
    );
    if let (Some(a), Some(b), Some(lo), Some(hi)) = (
        s.start_replicas,
        s.final_replicas,
        s.min_replicas_seen,
        s.max_replicas_seen,
    ) {
        out.push_str(&format!("; replicas {a} → {b} (range {lo}–{hi})"));
    }
    out
}

fn scale_max(runs: &[&Run]) -> u32 {
    runs.iter()
        .filter_map(|r| r.summary.max_replicas_seen)
        .max()
        .unwrap_or(0)
}

const LEGEND: &str = "Chart: ▲ scale_up  ▼ scale_down  · maintain  ? wait; bar = replicas after; * = action changed\n";

/// The text of a single replay.
pub fn single_text(run: &Run, color: bool, width: Option<u16>) -> String {
    let start = run.summary.start_replicas;
    let mut out = header(&run.steps, start);
    out.push_str(&format!("Policy: {}\n", run.label));
    let mut t = new_table(color, width);
    t.set_header(vec!["#", "time", "action", "Δ", "replicas", "note"]);
    let befores = befores(&run.steps, start);
    for (s, before) in run.steps.iter().zip(&befores) {
        let rec = &s.decision.recommendation;
        t.add_row(vec![
            Cell::new(s.index).set_alignment(CellAlignment::Right),
            Cell::new(time(s.timestamp)),
            action_cell(rec.action, color),
            Cell::new(match rec.replica_delta {
                0 => String::new(),
                d => format!("{d:+}"),
            })
            .set_alignment(CellAlignment::Right),
            Cell::new(replicas_cell(*before, s.replicas_after())),
            Cell::new(note(&s.decision)),
        ]);
    }
    out.push_str(&format!("{t}\n{LEGEND}"));
    let max = scale_max(&[run]);
    for (s, line) in run
        .steps
        .iter()
        .zip(chart_lines(run, max, bar_max(width, 1)))
    {
        out.push_str(&format!("{:>4} {} {line}\n", s.index, time(s.timestamp)));
    }
    out.push_str(&format!("Summary: {}\n", summary_line(&run.summary)));
    super::fit(&out, width)
}

/// The text of two replays side by side (`--compare`).
pub fn compare_text(a: &Run, b: &Run, color: bool, width: Option<u16>) -> String {
    let start = a.summary.start_replicas;
    let mut out = header(&a.steps, start);
    out.push_str(&format!("A: {}\nB: {}\n", a.label, b.label));
    let mut t = new_table(color, width);
    t.set_header(vec!["#", "time", "A", "A replicas", "B", "B replicas", ""]);
    let (ba, bb) = (
        befores(&a.steps, start),
        befores(&b.steps, b.summary.start_replicas),
    );
    for (i, (sa, sb)) in a.steps.iter().zip(&b.steps).enumerate() {
        let (ra, rb) = (&sa.decision.recommendation, &sb.decision.recommendation);
        let differs = ra.action != rb.action || sa.replicas_after() != sb.replicas_after();
        t.add_row(vec![
            Cell::new(sa.index).set_alignment(CellAlignment::Right),
            Cell::new(time(sa.timestamp)),
            action_cell(ra.action, color),
            Cell::new(replicas_cell(ba[i], sa.replicas_after())),
            action_cell(rb.action, color),
            Cell::new(replicas_cell(bb[i], sb.replicas_after())),
            Cell::new(if differs { "≠" } else { "" }),
        ]);
    }
    out.push_str(&format!("{t}\n{LEGEND}"));
    let max = scale_max(&[a, b]);
    let longest = bar_max(width, 2);
    let (la, lb) = (chart_lines(a, max, longest), chart_lines(b, max, longest));
    let pad = la.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    for ((s, x), y) in a.steps.iter().zip(&la).zip(&lb) {
        let fill = " ".repeat(pad - x.chars().count());
        out.push_str(&format!(
            "{:>4} {} A {x}{fill} │ B {y}\n",
            s.index,
            time(s.timestamp)
        ));
    }
    let mut t = new_table(color, width);
    t.set_header(vec![
        "",
        "settings",
        "flaps",
        "reversals",
        "replica changes",
        "held",
        "final replicas",
    ]);
    for (name, run) in [("A", a), ("B", b)] {
        let s = &run.summary;
        let fin = s.final_replicas.map_or("—".to_string(), |n| n.to_string());
        t.add_row(vec![
            Cell::new(name),
            Cell::new(&run.label),
            Cell::new(s.flaps).set_alignment(CellAlignment::Right),
            Cell::new(s.reversals).set_alignment(CellAlignment::Right),
            Cell::new(s.replica_changes).set_alignment(CellAlignment::Right),
            Cell::new(s.held_by_window).set_alignment(CellAlignment::Right),
            Cell::new(fin).set_alignment(CellAlignment::Right),
        ]);
    }
    // Settings wrap between their words (`threshold, scale-down-window=5m`), never inside.
    keep_words(&mut t, width);
    out.push_str(&format!("{t}\n"));
    out.push_str(&format!(
        "A: {}\nB: {}\n",
        summary_line(&a.summary),
        summary_line(&b.summary)
    ));
    super::fit(&out, width)
}

/// `replay --json`.
#[derive(Debug, Serialize)]
pub struct ReplayView<'a> {
    pub schema_version: u32,
    /// Samples replayed.
    pub samples: usize,
    #[serde(flatten)]
    pub run: RunView<'a>,
    /// The `--compare` run, same shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<RunView<'a>>,
}

/// One run: settings, timeline, summary.
#[derive(Debug, Serialize)]
pub struct RunView<'a> {
    pub settings: &'a str,
    pub timeline: Vec<StepView<'a>>,
    pub summary: &'a Summary,
}

/// One decision of the timeline.
#[derive(Debug, Serialize)]
pub struct StepView<'a> {
    pub index: usize,
    pub timestamp: Option<Timestamp>,
    pub action: &'static str,
    pub replica_delta: i64,
    pub reason: &'a str,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<ReplicaTarget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<crate::policy::engine::Proposed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited_by: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_by_window: Option<&'a Held>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub winner: Option<crate::sample::Metric>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<&'a [Limit]>,
}

impl<'a> RunView<'a> {
    /// The view of a run.
    pub fn new(run: &'a Run) -> Self {
        RunView {
            settings: &run.label,
            timeline: run
                .steps
                .iter()
                .map(|s| {
                    let d = &s.decision;
                    StepView {
                        index: s.index,
                        timestamp: s.timestamp,
                        action: d.recommendation.action.as_str(),
                        replica_delta: d.recommendation.replica_delta,
                        reason: &d.recommendation.reason,
                        replicas: d.replicas,
                        proposed: d.proposed,
                        limited_by: super::json::limited_by(d),
                        held_by_window: d.held.as_ref(),
                        winner: d.hpa.as_ref().map(|h| h.winner),
                        limits: d.hpa.as_ref().map(|h| &h.limits[..]),
                    }
                })
                .collect(),
            summary: &run.summary,
        }
    }
}

/// The JSON document of a replay (and its comparison).
pub fn json_view<'a>(run: &'a Run, compare: Option<&'a Run>) -> ReplayView<'a> {
    ReplayView {
        schema_version: SCHEMA_VERSION,
        samples: run.steps.len(),
        run: RunView::new(run),
        compare: compare.map(RunView::new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::engine::DecisionRules;
    use crate::policy::replay::{replay, summarize};
    use crate::sample::Sample;

    fn run(cpus: &[f64], start: Option<u32>) -> Run {
        let h: Vec<Sample> = cpus
            .iter()
            .enumerate()
            .map(|(i, &c)| Sample {
                timestamp: Timestamp::from_second(1_800_000_000 + 10 * i as i64).ok(),
                cpu_percent: Some(c),
                memory_percent: Some(20.0),
                requests_per_second: Some(5.0),
                response_time_ms: Some(50.0),
                error_rate: Some(0.0),
                ..Sample::default()
            })
            .collect();
        let steps = replay(&h, &DecisionRules::default(), start);
        let summary = summarize(&steps, start);
        Run {
            label: "threshold".into(),
            steps,
            summary,
        }
    }

    #[test]
    fn chart_marks_action_changes_and_draws_replicas() {
        let r = run(&[10.0, 10.0, 10.0, 50.0, 10.0], Some(5));
        let lines = chart_lines(&r, 5, BAR_MAX);
        assert_eq!(lines[0], "?       5 █████");
        assert_eq!(lines[2], "▼  -1   4 ████");
        assert_eq!(lines[3], "·       4 ████ *");
        assert_eq!(lines[4], "▼  -1   3 ███ *");
        // Without a replica count: symbols and deltas only.
        let r = run(&[10.0, 10.0, 10.0], None);
        assert_eq!(chart_lines(&r, 0, BAR_MAX)[2], "▼  -1");
    }

    #[test]
    fn long_bars_are_scaled() {
        assert_eq!(bar(Some(100), 100, BAR_MAX).chars().count(), 40);
        assert_eq!(bar(Some(50), 100, BAR_MAX).chars().count(), 20);
        assert_eq!(bar(Some(7), 20, BAR_MAX).chars().count(), 7);
        // Two charts side by side at 80 columns: 16 each, the lines fit.
        assert_eq!(bar_max(Some(80), 2), 16);
        assert_eq!(bar_max(Some(80), 1), 40);
        assert_eq!(bar_max(None, 2), 40);
    }

    #[test]
    fn single_text_has_table_chart_and_summary() {
        let r = run(&[10.0, 10.0, 10.0, 50.0, 10.0], Some(5));
        let text = single_text(&r, false, None);
        assert!(text.starts_with("Replay of 5 samples (2027-01-15T08:00:00Z → 2027-01-15T08:00:40Z), starting from 5 replicas\nPolicy: threshold\n"), "{text}");
        assert!(
            text.contains("│ 3 ┆ 08:00:20 ┆ scale_down ┆ -1 ┆ 5 → 4    ┆"),
            "{text}"
        );
        assert!(text.contains("Insufficient metrics history: 1 of 3 samples"));
        assert!(text.contains("   4 08:00:30 ·       4 ████ *\n"));
        assert!(text.ends_with("Summary: 5 decisions: 2 action changes (flaps), 0 reversals, 2 replica changes; scale_up 0, scale_down 2, maintain 1, wait 2; held by a window 0; replicas 5 → 3 (range 3–5)\n"), "{text}");
    }

    #[test]
    fn json_has_the_timeline_and_summary() {
        let r = run(&[10.0, 10.0, 10.0], Some(5));
        let v: serde_json::Value =
            serde_json::from_str(&super::super::json::pretty(&json_view(&r, Some(&r))).unwrap())
                .unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["samples"], 3);
        assert_eq!(v["settings"], "threshold");
        assert_eq!(v["timeline"][2]["action"], "scale_down");
        assert_eq!(v["timeline"][2]["target_replicas"], 4);
        assert_eq!(v["timeline"][0]["timestamp"], "2027-01-15T08:00:00Z");
        assert!(v["timeline"][0].get("winner").is_none());
        assert_eq!(v["summary"]["final_replicas"], 4);
        assert_eq!(v["compare"]["summary"]["flaps"], 0);
    }
}
