//! Human tables (comfy-table), rendered to strings at a given width.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{
    Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width,
};

use super::{Style, paint};
use crate::policy::fleet::{FleetView, InstanceSeen};
use crate::policy::{Action, CondState, Direction, Recommendation, ReplicaTarget};
use crate::sample::{Metric, Sample};

/// A new table in the house style. Colour off means no escape codes at all; colour on means
/// comfy-table styles the cells itself (see [`styled`]), so escape codes never count as width.
pub fn new_table(color: bool, width: Option<u16>) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    match width {
        Some(w) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(w);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table
}

/// The columns a table takes with no cell wrapped: `│ a ┆ b │` is one border, then per column
/// its content, its padding and a separator or border.
pub fn unwrapped_width(table: &Table) -> usize {
    1 + table
        .column_max_content_widths()
        .iter()
        .map(|w| usize::from(*w) + 3)
        .sum::<usize>()
}

/// Every column at least as wide as its longest word (header included), so that comfy-table
/// wraps a cell only between words — never `polic/y` or `scale/-down`. Returns false, and
/// changes nothing, when those words alone do not fit in `width` (the caller picks a narrower
/// layout, or lets the table break words rather than overflow the terminal).
pub fn keep_words(table: &mut Table, width: Option<u16>) -> bool {
    let Some(width) = width.map(usize::from) else {
        return true;
    };
    // Nothing wraps: leave comfy-table alone (it would fix bounded columns at their bound).
    if unwrapped_width(table) <= width {
        return true;
    }
    let columns = table.column_count();
    let longest: Vec<usize> = (0..columns)
        .map(|i| {
            table
                .column_cells_with_header_iter(i)
                .flatten()
                .flat_map(|c| {
                    c.content()
                        .split_whitespace()
                        .map(|w| w.chars().count())
                        .collect::<Vec<_>>()
                })
                .max()
                .unwrap_or(0)
        })
        .collect();
    if 1 + longest.iter().map(|w| w + 3).sum::<usize>() > width {
        return false;
    }
    for (column, w) in table.column_iter_mut().zip(longest) {
        // comfy-table's boundaries include the column's padding.
        let w = u16::try_from(w)
            .unwrap_or(u16::MAX)
            .saturating_add(column.padding_width());
        column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w)));
    }
    true
}

/// `config show`'s table: one row per setting. Keys are split only after a dot (and only when
/// the terminal is narrow); a long value (a query, a path) wraps inside its column, so the
/// table keeps to the width.
pub fn settings_table(
    rows: &[crate::settings::resolve::Effective],
    color: bool,
    width: Option<u16>,
) -> Table {
    let mut t = new_table(color, width);
    t.set_header(vec!["Key", "Value", "Source"]);
    // A third of the width for keys, at least 20 columns.
    let budget = width.map(|w| (usize::from(w) / 3).max(20));
    for r in rows {
        let key = budget.map_or(r.key.clone(), |b| split_key(&r.key, b));
        t.add_row(vec![key, r.value.clone(), r.source.to_string()]);
    }
    if let Some(column) = t.column_mut(0) {
        column.set_constraint(ColumnConstraint::ContentWidth);
    }
    // Sources are short ("default", "env NAME", "file:line"): kept whole unless one is long.
    let longest = rows
        .iter()
        .map(|r| r.source.to_string().chars().count())
        .max();
    if budget.is_some_and(|b| longest.unwrap_or(0) <= b)
        && let Some(column) = t.column_mut(2)
    {
        column.set_constraint(ColumnConstraint::ContentWidth);
    }
    t
}

/// A dotted key in lines of at most `budget` columns, broken after dots (continuations indented
/// by two); a single segment longer than the budget stays whole.
fn split_key(key: &str, budget: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for part in key.split_inclusive('.') {
        let last = lines.last_mut().map_or(0, |l| l.chars().count());
        if last > 0 && last + part.chars().count() > budget {
            lines.push(format!("  {part}"));
        } else if let Some(l) = lines.last_mut() {
            l.push_str(part);
        }
    }
    lines.join("\n")
}

/// A metric value as shown in tables ("—" when unknown).
pub fn format_value(metric: Metric, value: Option<f64>) -> String {
    match value {
        None => "unknown".to_string(),
        Some(v) if metric == Metric::ActiveConnections => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

/// A table cell holding `text` in `style`. The style is comfy-table's own, applied after the
/// layout: a coloured cell is exactly as wide as a plain one (escape codes inside a cell's text
/// would be counted as columns and push the border out).
pub fn styled(text: impl ToString, style: Style, color: bool) -> Cell {
    let cell = Cell::new(text);
    if !color {
        return cell;
    }
    match style {
        Style::Good => cell.fg(Color::Green),
        Style::Bad => cell.fg(Color::Red),
        Style::Warn => cell.fg(Color::Yellow),
        Style::Dim => cell.add_attribute(Attribute::Dim),
        Style::Bold => cell.add_attribute(Attribute::Bold),
    }
}

/// How a condition's state is styled: met bold, not met dim, unknown yellow.
pub fn state_style(state: CondState) -> Style {
    match state {
        CondState::Met => Style::Bold,
        CondState::NotMet => Style::Dim,
        CondState::Unknown => Style::Warn,
    }
}

fn state_cell(state: CondState, color: bool) -> Cell {
    let text = match state {
        CondState::Met => "met",
        CondState::NotMet => "not met",
        CondState::Unknown => "unknown",
    };
    styled(text, state_style(state), color)
}

/// How an action is styled: up red, down green, wait yellow, maintain bold.
fn action_style(action: Action) -> Style {
    match action {
        Action::ScaleUp => Style::Bad,
        Action::ScaleDown => Style::Good,
        Action::Wait => Style::Warn,
        Action::Maintain => Style::Bold,
    }
}

/// The action word with a colour, for running text (not table cells: see [`action_cell`]).
pub fn action_word(action: Action, color: bool) -> String {
    paint(action.as_str(), action_style(action), color)
}

/// The action word as a table cell, styled by the table.
pub fn action_cell(action: Action, color: bool) -> Cell {
    styled(action.as_str(), action_style(action), color)
}

/// `recommend --fleet`'s lines under the table: instances counted and left out as stale.
pub fn fleet_summary(view: &FleetView, max_age: Option<std::time::Duration>) -> String {
    let names = |v: &[InstanceSeen]| {
        v.iter()
            .map(|i| i.instance.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let pct = |v: Option<f64>| v.map_or("unknown".to_string(), |v| format!("{v:.1}%"));
    let mut out = format!(
        "Fleet: {} instances counted ({}); max CPU {}, max memory {}\n",
        view.counted.len(),
        names(&view.counted),
        pct(view.cpu_max()),
        pct(view.memory_max())
    );
    if !view.stale.is_empty() {
        let age = max_age.map_or("-".to_string(), crate::text::duration);
        let listed: Vec<String> = view
            .stale
            .iter()
            .map(|i| match i.last_seen {
                Some(t) => format!("{} (last seen {})", i.instance, crate::text::timestamp(t)),
                None => i.instance.clone(),
            })
            .collect();
        out.push_str(&format!(
            "Left out, not seen within {age}: {}\n",
            listed.join(", ")
        ));
    }
    out
}

/// Where a collected sample went, for [`collected`].
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    /// The history (file or Redis list), or the spool when Redis was unreachable.
    pub path: &'a str,
    /// Samples there now.
    pub samples: usize,
    /// Whether it went to the spool (Redis unreachable) rather than the history.
    pub spooled: bool,
}

/// The footnotes under a table: one line per unknown metric and its reason (metrics with the
/// same reason share a line), wrapped at spaces to the width.
pub fn unknown_notes<'a>(
    reasons: impl IntoIterator<Item = (Metric, &'a str)>,
    width: Option<u16>,
) -> String {
    let mut out = String::new();
    for note in crate::collect::unknown::footnotes(reasons) {
        let lines = match width {
            Some(w) => super::wrap(&note, usize::from(w), usize::MAX),
            None => vec![note],
        };
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// A sample's time ("no timestamp" when it has none) and " from INSTANCE" (or nothing).
fn when_and_who(sample: &Sample) -> (String, String) {
    let when = sample
        .timestamp
        .map_or("no timestamp".to_string(), crate::text::timestamp);
    let who = sample
        .instance
        .as_deref()
        .map(|i| format!(" from {i}"))
        .unwrap_or_default();
    (when, who)
}

/// `collect`'s human output: the sample as a small table of its known metrics, why the others
/// are unknown, and where it went (`--json` has every field).
pub fn collected(
    sample: &Sample,
    unknown: &std::collections::BTreeMap<Metric, String>,
    stored: Stored<'_>,
    endpoints: Option<(usize, usize)>,
    color: bool,
    width: Option<u16>,
) -> String {
    let (when, who) = when_and_who(sample);
    let mut out = format!("Collected a sample{who} at {when}:\n");
    let mut table = new_table(color, width);
    table.set_header(vec!["Metric", "Value"]);
    for metric in Metric::ALL {
        let value = sample.get(metric);
        let cell = match value {
            Some(_) => Cell::new(format_value(metric, value)),
            None => styled("unknown", Style::Dim, color),
        };
        table.add_row(vec![
            Cell::new(metric.label()),
            cell.set_alignment(CellAlignment::Right),
        ]);
    }
    out.push_str(&format!("{table}\n"));
    out.push_str(&unknown_notes(
        unknown.iter().map(|(m, r)| (*m, r.as_str())),
        width,
    ));
    if let Some((ok, total)) = endpoints {
        out.push_str(&format!("Endpoints: {ok} of {total} scraped\n"));
    }
    let count = crate::text::count(stored.samples as u64, "sample", "samples");
    if stored.spooled {
        out.push_str(&format!(
            "Spooled to '{}' ({count} waiting for Redis)\n",
            stored.path
        ));
    } else {
        out.push_str(&format!("Appended to '{}' ({count} now)\n", stored.path));
    }
    out
}

/// `recommend`'s human output: the newest sample, one row per condition, the decision.
pub fn recommendation(
    rec: &Recommendation,
    newest: Option<&Sample>,
    replicas: Option<ReplicaTarget>,
    color: bool,
    width: Option<u16>,
) -> String {
    let mut out = String::new();
    match newest {
        Some(sample) => {
            let (when, who) = when_and_who(sample);
            out.push_str(&format!(
                "Newest sample: {when}{who} ({} in history)\n",
                rec.samples
            ));
            let others: Vec<String> = [Metric::CacheHitRate, Metric::ActiveConnections]
                .iter()
                .map(|&m| format!("{} {}", m.label(), format_value(m, sample.get(m))))
                .collect();
            out.push_str(&format!("Also: {}\n", others.join(", ")));
        }
        None => out.push_str("History is empty.\n"),
    }
    if !rec.conditions.is_empty() {
        let mut table = new_table(color, width);
        table.set_header(vec!["Metric", "Value", "Rule", "State"]);
        for c in &rec.conditions {
            let rule = match c.direction {
                Direction::Up => format!("scale up if > {}", c.threshold),
                Direction::Down => format!("scale down if < {}", c.threshold),
            };
            table.add_row(vec![
                Cell::new(c.metric.name()),
                Cell::new(format_value(c.metric, c.value)).set_alignment(CellAlignment::Right),
                Cell::new(rule),
                state_cell(c.state, color),
            ]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
        out.push_str(&unknown_notes(
            rec.conditions
                .iter()
                .filter_map(|c| c.unknown_reason.as_deref().map(|r| (c.metric, r))),
            width,
        ));
    }
    let delta = match rec.replica_delta {
        0 => String::new(),
        d => format!(" {d:+}"),
    };
    let target = replicas.map_or(String::new(), |t| {
        let clamped = if t.clamped { ", clamped to bounds" } else { "" };
        format!(
            " ({} → {} replicas{clamped})",
            t.current_replicas, t.target_replicas
        )
    });
    out.push_str(&format!(
        "Recommendation: {}{delta}{target}\nReason: {}\n",
        action_word(rec.action, color),
        rec.reason
    ));
    if rec.reason.starts_with("Insufficient metrics history") {
        out.push_str(&paint(
            "Hint: take more samples (`rizk-scale collect`, e.g. from cron, or `rizk-scale monitor`)\n",
            Style::Dim,
            color,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::threshold::{ThresholdPolicy, recommend};

    #[test]
    fn renders_every_condition_and_the_decision_without_escapes() {
        let s = Sample {
            cpu_percent: Some(85.0),
            memory_percent: Some(90.0),
            instance: Some("web-1".into()),
            ..Sample::default()
        };
        let h = vec![s.clone(), s.clone(), s.clone()];
        let now = "2026-11-23T18:00:00Z".parse().unwrap();
        let rec = recommend(&h, &ThresholdPolicy::default(), now);
        let t = crate::policy::target_replicas(5, rec.replica_delta, Default::default());
        let text = recommendation(&rec, h.last(), Some(t), false, Some(100));
        assert!(!text.contains('\x1b'));
        assert!(text.contains("from web-1 (3 in history)"));
        assert_eq!(text.matches("scale up if >").count(), 5);
        assert_eq!(text.matches("scale down if <").count(), 5);
        assert!(
            text.contains("Recommendation: scale_up +2 (5 → 7 replicas)"),
            "{text}"
        );
        assert!(text.contains("High resource usage: CPU 85.0%"));
        assert!(text.contains("unknown"));
    }

    #[test]
    fn cells_wrap_between_words_or_the_caller_hears_they_cannot() {
        // Needs 47 columns unwrapped, 36 with every word whole.
        let mut t = new_table(false, Some(40));
        t.set_header(vec!["", "settings", "flaps"]);
        t.add_row(vec!["B", "threshold, scale-down-window=5m", "16"]);
        assert!(keep_words(&mut t, Some(40)));
        let text = t.to_string();
        assert!(text.contains(" scale-down-window=5m "), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
        // A word wider than the room: no constraint, the caller chooses.
        let mut t = new_table(false, Some(20));
        t.add_row(vec!["B", "threshold, scale-down-window=5m"]);
        assert!(!keep_words(&mut t, Some(20)));
        // Room for everything on one line: nothing to do.
        let mut t = new_table(false, Some(80));
        t.add_row(vec!["B", "threshold, scale-down-window=5m"]);
        assert!(keep_words(&mut t, Some(80)));
        assert_eq!(unwrapped_width(&t), 1 + 4 + 34);
    }

    #[test]
    fn long_keys_break_after_a_dot() {
        assert_eq!(
            split_key("thresholds.scale_down.requests_per_second", 26),
            "thresholds.scale_down.\n  requests_per_second"
        );
        assert_eq!(split_key("history.path", 26), "history.path");
        assert_eq!(
            split_key("averyveryverylongsegment", 5),
            "averyveryverylongsegment"
        );
    }

    #[test]
    fn collected_is_a_small_table_and_where_it_went() {
        let s = Sample {
            timestamp: Some("2026-11-23T18:00:00.329Z".parse().unwrap()),
            cpu_percent: Some(12.0),
            instance: Some("web-1".into()),
            ..Sample::default()
        };
        let stored = Stored {
            path: "h.jsonl",
            samples: 1,
            spooled: false,
        };
        let unknown: std::collections::BTreeMap<Metric, String> = [
            (Metric::MemoryPercent, "not configured: a reason long enough to be wrapped at the width of eighty columns, at a space".to_string()),
            (Metric::ErrorRate, "x".to_string()),
        ]
        .into();
        let text = collected(&s, &unknown, stored, Some((1, 2)), false, Some(80));
        assert!(
            text.contains("└─────────────┴─────────┘\nmemory_percent unknown: not configured: a reason long enough to be wrapped at\n  the width of eighty columns, at a space\nerror_rate unknown: x\nEndpoints:"),
            "{text}"
        );
        assert!(text.starts_with("Collected a sample from web-1 at 2026-11-23T18:00:00Z:\n"));
        assert!(text.contains("│ CPU %       ┆    12.0 │"), "{text}");
        assert!(text.contains("│ Memory %    ┆ unknown │"), "{text}");
        assert!(
            text.ends_with("Endpoints: 1 of 2 scraped\nAppended to 'h.jsonl' (1 sample now)\n"),
            "{text}"
        );
        assert!(!text.contains('{'), "no JSON for people: {text}");
        let spooled = Stored {
            spooled: true,
            samples: 3,
            ..stored
        };
        assert!(
            collected(&s, &Default::default(), spooled, None, false, None)
                .ends_with("Spooled to 'h.jsonl' (3 samples waiting for Redis)\n")
        );
    }

    #[test]
    fn empty_history_says_so() {
        let rec = recommend(
            &[],
            &ThresholdPolicy::default(),
            jiff::Timestamp::UNIX_EPOCH,
        );
        let text = recommendation(&rec, None, None, false, None);
        assert!(text.starts_with("History is empty."));
        assert!(text.contains(
            "Recommendation: wait\nReason: Insufficient metrics history: 0 of 3 samples\nHint: take more samples"
        ));
    }
}
