//! `recommend`'s human output for a full decision: the seed's table, plus what the newer options
//! add — the HPA's per-metric proposals and limits, the `--window` statistic, a window's hold.

use comfy_table::{Cell, CellAlignment};

use super::table::{self, format_value, new_table};
use crate::policy::engine::{Decision, HpaDetail};
use crate::sample::Sample;

/// The text of `recommend` for `decision`, its running lines (the reason, the limits) wrapped
/// at spaces to `width` as the tables are.
pub fn decision_text(
    decision: &Decision,
    newest: Option<&Sample>,
    color: bool,
    width: Option<u16>,
) -> String {
    super::fit(&unwrapped(decision, newest, color, width), width)
}

fn unwrapped(
    decision: &Decision,
    newest: Option<&Sample>,
    color: bool,
    width: Option<u16>,
) -> String {
    let base = table::recommendation(
        &decision.recommendation,
        newest,
        decision.replicas,
        color,
        width,
    );
    let mut notes = String::new();
    if let Some(s) = decision.smoothing {
        notes.push_str(&format!(
            "Values: the {} of the last {} samples per metric (--window {})\n",
            s.statistic.as_str(),
            s.samples.min(decision.recommendation.samples),
            s.samples
        ));
    }
    if let (Some(hpa), Some(t)) = (&decision.hpa, decision.replicas) {
        notes.push_str(&hpa_table(hpa, t.current_replicas, color, width));
    }
    let base = match limited_line(decision) {
        // After the Recommendation line, before the Reason.
        Some(line) => match base.find("\nReason: ") {
            Some(at) => format!("{}\n{line}{}", &base[..at], &base[at..]),
            None => base + &line + "\n",
        },
        None => base,
    };
    if notes.is_empty() {
        return base;
    }
    // The seed's table ends with the decision; the notes go just before it.
    match base.find("Recommendation: ") {
        Some(at) => format!("{}{notes}{}", &base[..at], &base[at..]),
        None => base + &notes,
    }
}

/// "Limited by: max_replicas (the policy wanted scale_up +3)", when a limit changed the decision.
pub fn limited_line(decision: &Decision) -> Option<String> {
    if decision.limited_by.is_empty() {
        return None;
    }
    let names: Vec<&str> = decision.limited_by.iter().map(|l| l.as_str()).collect();
    let wanted = decision.proposed.map_or(String::new(), |p| {
        let delta = match p.replica_delta {
            0 => String::new(),
            d => format!(" {d:+}"),
        };
        format!(" (the policy wanted {}{delta})", p.action.as_str())
    });
    Some(format!("Limited by: {}{wanted}", names.join(", ")))
}

/// One row per HPA metric, then the winner and the limits.
pub fn hpa_table(hpa: &HpaDetail, current: u32, color: bool, width: Option<u16>) -> String {
    let mut t = new_table(color, width);
    t.set_header(vec!["Metric", "Value", "Target", "Ratio", "Proposal"]);
    for p in &hpa.proposals {
        let value = match (p.value, p.per_replica) {
            (Some(v), Some(per)) => format!("{v:.1} ({per:.1}/replica)"),
            (v, _) => format_value(p.metric, v),
        };
        let ratio = match p.ratio {
            Some(r) if p.within_tolerance => format!("{r:.2} (±{})", hpa.tolerance),
            Some(r) => format!("{r:.2}"),
            None => "unknown".to_string(),
        };
        let proposal = p.replicas.map_or("unknown".to_string(), |r| r.to_string());
        t.add_row(vec![
            Cell::new(p.metric.name()),
            Cell::new(value).set_alignment(CellAlignment::Right),
            Cell::new(p.target).set_alignment(CellAlignment::Right),
            Cell::new(ratio).set_alignment(CellAlignment::Right),
            Cell::new(proposal).set_alignment(CellAlignment::Right),
        ]);
    }
    let fleet_rps = hpa.proposals.iter().any(|p| p.per_replica.is_some());
    let note = if fleet_rps {
        " (requests_per_second is the fleet total)"
    } else {
        ""
    };
    let mut out = format!("HPA proposals from {current} replicas{note}:\n{t}\n");
    out.push_str(&format!("Winner: {}\n", hpa.winner));
    for l in &hpa.limits {
        out.push_str(&format!("Limit: {}\n", l.explain(current)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::engine::{DecisionRules, PolicyKind, decide};
    use crate::policy::hpa::HpaPolicy;
    use crate::policy::smoothing::{Smoothing, Statistic};

    fn hot() -> Sample {
        Sample {
            cpu_percent: Some(84.0),
            memory_percent: Some(40.0),
            requests_per_second: Some(1000.0),
            ..Sample::default()
        }
    }

    #[test]
    fn hpa_text_has_every_proposal_the_winner_and_limits_before_the_decision() {
        let s = DecisionRules {
            policy: PolicyKind::Hpa(HpaPolicy::default()),
            bounds: crate::policy::ReplicaBounds { min: 1, max: 50 },
            ..DecisionRules::default()
        };
        let h = vec![hot()];
        let d = decide(&h, &s, Some(2), jiff::Timestamp::UNIX_EPOCH);
        let text = decision_text(&d, h.last(), false, Some(120));
        // rps 1000 / 2 = 500 per replica → ratio 5 → 10, capped to max(4, 6) = 6.
        assert!(text.contains("1000.0 (500.0/replica)"), "{text}");
        assert!(text.contains("Winner: requests_per_second\n"));
        assert!(text.contains(
            "Limit: 10 limited to 6 by the scale-up policy 100% per 15s or 4 pods per 15s (Max) from 2\n"
        ));
        assert!(
            text.contains("(2 → 6 replicas)\nLimited by: scale_up_policy (the policy wanted scale_up +8)\nReason: "),
            "{text}"
        );
        let limit_at = text.find("Limit:").unwrap();
        let decision_at = text
            .find("Recommendation: scale_up +4 (2 → 6 replicas)")
            .unwrap();
        assert!(limit_at < decision_at, "{text}");
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn window_note_names_the_statistic() {
        let s = DecisionRules {
            smoothing: Smoothing {
                samples: 5,
                statistic: Statistic::P90,
            },
            ..DecisionRules::default()
        };
        let h = vec![hot(); 3];
        let d = decide(&h, &s, None, jiff::Timestamp::UNIX_EPOCH);
        let text = decision_text(&d, h.last(), false, None);
        assert!(
            text.contains(
                "Values: the p90 of the last 3 samples per metric (--window 5)\nRecommendation:"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_reason_wraps_at_words_to_the_width() {
        let h = vec![hot(); 3];
        let d = decide(
            &h,
            &DecisionRules::default(),
            Some(5),
            jiff::Timestamp::UNIX_EPOCH,
        );
        let wide = decision_text(&d, h.last(), false, None);
        let reason = wide
            .lines()
            .find(|l| l.starts_with("Reason: "))
            .expect("a reason line");
        assert!(reason.chars().count() > 80, "{reason}");
        let narrow = decision_text(&d, h.last(), false, Some(80));
        assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
        // The same words, only the line breaks differ.
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&narrow), words(&wide));
    }
}
