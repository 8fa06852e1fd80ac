//! Replay: run a policy over a stored history sample by sample, as if `recommend` had run right
//! after each one (with `now` = that sample's timestamp), applying each decision to a simulated
//! replica count. Pure.
//!
//! The recorded metrics do not react to the simulated replicas (a dry run cannot know how load
//! would have spread), so the HPA's proportional proposals are computed against the simulated
//! count on unchanged metrics. The engine remembers what the HPA controller remembers: every
//! decision's own proposal (for the stabilization windows) and every simulated change of the
//! count, at the time of the decision (the scale events of the behavior policies). Without
//! `--current-replicas`, the replay starts from the oldest sample's recorded `replicas`.

use jiff::Timestamp;
use serde::Serialize;

use super::behavior::{ScaleEvent, observed_replicas, scale_event};
use super::engine::{self, Decision, DecisionRules, Observed};
use super::stabilization::Proposal;
use super::{Action, ReplicaTarget};
use crate::sample::Sample;

/// One decision of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// 1-based position of the sample in the history.
    pub index: usize,
    /// The sample's timestamp.
    pub timestamp: Option<Timestamp>,
    /// The decision taken right after it.
    pub decision: Decision,
}

impl Step {
    /// The replica count after this decision, when tracked.
    pub fn replicas_after(&self) -> Option<u32> {
        self.decision
            .replicas
            .map(|t: ReplicaTarget| t.target_replicas)
    }
}

/// What a timeline adds up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Decisions taken (one per sample).
    pub decisions: usize,
    /// Action changes between consecutive decisions (flaps); `wait` decisions are skipped, so the
    /// warm-up does not count.
    pub flaps: usize,
    /// Changes of scaling direction: a scale-up after a scale-down, or the reverse (maintains in
    /// between do not reset it).
    pub reversals: usize,
    /// Decisions that changed the replica count (with a start count), else non-zero deltas.
    pub replica_changes: usize,
    /// How many decisions of each action.
    pub scale_up: usize,
    /// 〃
    pub scale_down: usize,
    /// 〃
    pub maintain: usize,
    /// 〃
    pub wait: usize,
    /// Decisions a stabilization window changed.
    pub held_by_window: usize,
    /// The count the replay started from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_replicas: Option<u32>,
    /// The count after the last decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_replicas: Option<u32>,
    /// The smallest count reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_replicas_seen: Option<u32>,
    /// The largest count reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_replicas_seen: Option<u32>,
}

/// Decide after every sample of `history`, carrying the replica count from `start` (else the
/// oldest recorded `replicas`) through each decision.
pub fn replay(history: &[Sample], settings: &DecisionRules, start: Option<u32>) -> Vec<Step> {
    let mut current = start.or_else(|| history.iter().find_map(observed_replicas));
    let mut steps = Vec::with_capacity(history.len());
    let mut events: Vec<ScaleEvent> = Vec::new();
    let mut proposals: Vec<Proposal> = Vec::new();
    for (i, sample) in history.iter().enumerate() {
        // Without a timestamp the sample is never stale, whatever `now` is.
        let now = sample.timestamp.unwrap_or(Timestamp::UNIX_EPOCH);
        let observed = Observed {
            current,
            events: &events,
            earlier: current.map(|_| proposals.as_slice()),
        };
        let decision = engine::decide_with(&history[..=i], settings, observed, now);
        if let (Some(at), Some(replicas)) = (sample.timestamp, decision.recommended) {
            proposals.push(Proposal { at, replicas });
        }
        if let Some(t) = decision.replicas {
            events.extend(scale_event(
                sample.timestamp,
                t.current_replicas,
                t.target_replicas,
            ));
            current = Some(t.target_replicas);
        }
        steps.push(Step {
            index: i + 1,
            timestamp: sample.timestamp,
            decision,
        });
    }
    steps
}

/// Count the flaps, reversals and replica changes of a timeline.
pub fn summarize(steps: &[Step], start: Option<u32>) -> Summary {
    let mut s = Summary {
        decisions: steps.len(),
        flaps: 0,
        reversals: 0,
        replica_changes: 0,
        scale_up: 0,
        scale_down: 0,
        maintain: 0,
        wait: 0,
        held_by_window: 0,
        start_replicas: start,
        final_replicas: start,
        min_replicas_seen: start,
        max_replicas_seen: start,
    };
    let mut last_action = None;
    let mut last_direction = None;
    let mut replicas = start;
    for step in steps {
        let rec = &step.decision.recommendation;
        match rec.action {
            Action::ScaleUp => s.scale_up += 1,
            Action::ScaleDown => s.scale_down += 1,
            Action::Maintain => s.maintain += 1,
            Action::Wait => s.wait += 1,
        }
        if step.decision.held.is_some() {
            s.held_by_window += 1;
        }
        if rec.action != Action::Wait {
            if last_action.is_some_and(|a| a != rec.action) {
                s.flaps += 1;
            }
            last_action = Some(rec.action);
        }
        let moved = match (replicas, step.replicas_after()) {
            (Some(before), Some(after)) => i64::from(after) - i64::from(before),
            _ => rec.replica_delta,
        };
        if moved != 0 {
            s.replica_changes += 1;
            let direction = moved > 0;
            if last_direction.is_some_and(|d| d != direction) {
                s.reversals += 1;
            }
            last_direction = Some(direction);
        }
        if let Some(after) = step.replicas_after() {
            replicas = Some(after);
            s.min_replicas_seen = Some(s.min_replicas_seen.map_or(after, |m| m.min(after)));
            s.max_replicas_seen = Some(s.max_replicas_seen.map_or(after, |m| m.max(after)));
        }
    }
    s.final_replicas = replicas;
    s
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::policy::engine::PolicyKind;
    use crate::policy::hpa::HpaPolicy;

    fn at(i: usize) -> Option<Timestamp> {
        Timestamp::from_second(1_800_000_000 + 10 * i as i64).ok()
    }

    /// Every metric cold except CPU, which is 35 (above the scale-down threshold, 30) on every
    /// third sample: the seed's rules flap scale_down ↔ maintain.
    fn flapping(n: usize) -> Vec<Sample> {
        (0..n)
            .map(|i| Sample {
                timestamp: at(i),
                cpu_percent: Some(if i % 3 == 2 { 35.0 } else { 20.0 }),
                memory_percent: Some(20.0),
                requests_per_second: Some(5.0),
                response_time_ms: Some(50.0),
                error_rate: Some(0.0),
                ..Sample::default()
            })
            .collect()
    }

    #[test]
    fn a_flapping_history_flaps_less_with_a_scale_down_window() {
        let h = flapping(30);
        let plain = DecisionRules {
            bounds: crate::policy::ReplicaBounds { min: 1, max: 50 },
            ..DecisionRules::default()
        };
        let steps = replay(&h, &plain, Some(20));
        let without = summarize(&steps, Some(20));
        // Samples 3..30 have CPU 35, 20, 20, 35, 20, 20, …, 35: maintain, then two scale-downs
        // and a maintain, nine times over — 18 action changes.
        assert_eq!(without.wait, 2);
        assert_eq!((without.scale_down, without.maintain), (18, 10));
        assert_eq!(without.flaps, 18);
        // Each scale-down removes one replica.
        assert_eq!(without.final_replicas, Some(2));
        // From 10 with min 3, the count reaches the minimum: from then on the seed's scale-down
        // is "at min replicas 3", a maintain (7 scale-downs, 10 → 3).
        let at_min = summarize(&replay(&h, &DecisionRules::default(), Some(10)), Some(10));
        assert_eq!((at_min.scale_down, at_min.final_replicas), (7, Some(3)));

        let mut windowed = plain.clone();
        windowed.windows.scale_down = Duration::from_secs(60);
        let steps = replay(&h, &windowed, Some(20));
        let with = summarize(&steps, Some(20));
        // A 35 % sample is never more than 30 s old: every scale-down is held.
        assert_eq!(
            (with.scale_down, with.flaps, with.held_by_window),
            (0, 0, 18)
        );
        assert_eq!(with.final_replicas, Some(20));
        assert!(with.flaps < without.flaps);
    }

    #[test]
    fn replicas_carry_over_and_are_counted() {
        let h = flapping(6);
        let steps = replay(&h, &DecisionRules::default(), Some(4));
        let after: Vec<Option<u32>> = steps.iter().map(Step::replicas_after).collect();
        // wait, wait, maintain, down (4 → 3), at min 3 (maintain), maintain.
        assert_eq!(after, [4, 4, 4, 3, 3, 3].map(Some).to_vec());
        let s = summarize(&steps, Some(4));
        assert_eq!((s.replica_changes, s.reversals, s.flaps), (1, 0, 2));
        assert!(
            steps[4]
                .decision
                .recommendation
                .reason
                .starts_with("at min replicas 3: the policy wanted -1"),
            "{}",
            steps[4].decision.recommendation.reason
        );
        assert_eq!(
            (s.min_replicas_seen, s.max_replicas_seen),
            (Some(3), Some(4))
        );
        assert_eq!(steps[2].index, 3);
        assert_eq!(steps[2].timestamp, at(2));
    }

    #[test]
    fn without_a_start_count_changes_are_non_zero_deltas() {
        let h = flapping(6);
        let s = summarize(&replay(&h, &DecisionRules::default(), None), None);
        assert_eq!((s.replica_changes, s.final_replicas), (2, None));
    }

    #[test]
    fn reversals_count_direction_changes_of_the_replica_count() {
        // HPA from 10 on CPU 35 (→ 5), then 98 (→ 7), then 35 (→ 4): down, up, down.
        let cpu = [35.0, 98.0, 35.0];
        let h: Vec<Sample> = cpu
            .iter()
            .enumerate()
            .map(|(i, &c)| Sample {
                timestamp: at(i),
                cpu_percent: Some(c),
                ..Sample::default()
            })
            .collect();
        let hpa = DecisionRules {
            policy: PolicyKind::Hpa(HpaPolicy {
                targets: vec![(crate::sample::Metric::CpuPercent, 70.0)],
                ..HpaPolicy::default()
            }),
            ..DecisionRules::default()
        };
        let steps = replay(&h, &hpa, Some(10));
        let after: Vec<Option<u32>> = steps.iter().map(Step::replicas_after).collect();
        assert_eq!(after, [5, 7, 4].map(Some).to_vec());
        let s = summarize(&steps, Some(10));
        assert_eq!((s.flaps, s.reversals, s.replica_changes), (2, 2, 3));
    }
}
