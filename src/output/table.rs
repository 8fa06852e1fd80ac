//! Human tables (comfy-table), rendered to strings at a given width.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use super::{Style, paint};
use crate::policy::fleet::{FleetView, InstanceSeen};
use crate::policy::{Action, CondState, Direction, Recommendation, ReplicaTarget};
use crate::sample::{Metric, Sample};

/// A new table in the house style. Colour off means no escape codes at all.
pub fn new_table(color: bool, width: Option<u16>) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    if !color {
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

/// A metric value as shown in tables ("—" when unknown).
pub fn format_value(metric: Metric, value: Option<f64>) -> String {
    match value {
        None => "unknown".to_string(),
        Some(v) if metric == Metric::ActiveConnections => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

fn state_cell(state: CondState, color: bool) -> String {
    match state {
        CondState::Met => paint("met", Style::Bold, color),
        CondState::NotMet => paint("not met", Style::Dim, color),
        CondState::Unknown => paint("unknown", Style::Warn, color),
    }
}

/// The action word with a colour: up red, down green, wait yellow.
pub fn action_word(action: Action, color: bool) -> String {
    let style = match action {
        Action::ScaleUp => Style::Bad,
        Action::ScaleDown => Style::Good,
        Action::Wait => Style::Warn,
        Action::Maintain => Style::Bold,
    };
    paint(action.as_str(), style, color)
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
        let age = max_age.map_or("-".to_string(), |a| {
            humantime::format_duration(a).to_string()
        });
        let listed: Vec<String> = view
            .stale
            .iter()
            .map(|i| match i.last_seen {
                Some(t) => format!("{} (last seen {t})", i.instance),
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
            let when = sample
                .timestamp
                .map_or("no timestamp".to_string(), |t| t.to_string());
            let who = sample
                .instance
                .as_deref()
                .map(|i| format!(" from {i}"))
                .unwrap_or_default();
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
                Cell::new(state_cell(c.state, color)),
            ]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
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
