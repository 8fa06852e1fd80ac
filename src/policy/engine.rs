//! One decision: a policy (the seed's rules or the HPA's), the `--window` noise guard, the
//! stabilization windows and the replica limits, over a history. Pure; `recommend` and `replay`
//! both call [`decide`].
//!
//! Order, as in the HPA: the policy proposes (on the smoothed sample when `--window N` is on),
//! the windows stabilize the proposal against those of the earlier samples in the window, then
//! the HPA's scale-up cap and the bounds apply. The proposals of earlier samples are recomputed
//! from the history (as if `recommend` had run right after each one, with the same current
//! replica count), so `recommend` needs no state beyond the history.

use jiff::Timestamp;
use serde::Serialize;

use super::hpa::{self, HpaPolicy, HpaProposal, Limit};
use super::smoothing::{self, Smoothing};
use super::stabilization::{self, Held, Proposal, Windows};
use super::threshold::{self, ThresholdPolicy};
use super::{Action, Recommendation, ReplicaBounds, ReplicaTarget, target_replicas};
use crate::sample::Sample;

/// Which policy decides.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyKind {
    /// The seed's rules (the default).
    Threshold(ThresholdPolicy),
    /// The Kubernetes HPA's proportional algorithm (needs the current replica count).
    Hpa(HpaPolicy),
}

impl PolicyKind {
    /// `threshold` or `hpa`.
    pub fn name(&self) -> &'static str {
        match self {
            PolicyKind::Threshold(_) => "threshold",
            PolicyKind::Hpa(_) => "hpa",
        }
    }
}

/// Everything a decision depends on besides the history, the replica count and the clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The policy.
    pub policy: PolicyKind,
    /// The `--window N` noise guard (1 = off).
    pub smoothing: Smoothing,
    /// The stabilization windows (zero = off).
    pub windows: Windows,
    /// The replica bounds.
    pub bounds: ReplicaBounds,
}

impl Default for Settings {
    /// The seed's behaviour.
    fn default() -> Self {
        Settings {
            policy: PolicyKind::Threshold(ThresholdPolicy::default()),
            smoothing: Smoothing::default(),
            windows: Windows::default(),
            bounds: ReplicaBounds::default(),
        }
    }
}

/// The HPA's part of a decision, for the JSON and the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HpaDetail {
    /// The tolerance used.
    pub tolerance: f64,
    /// One proposal per target metric.
    pub proposals: Vec<hpa::MetricProposal>,
    /// The metric whose proposal won.
    pub winner: crate::sample::Metric,
    /// Every limit that applied, in order (unknown metric, cap, bounds).
    pub limits: Vec<Limit>,
}

/// A decision with everything needed to explain it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Action, delta (final, after windows and limits), reason and conditions.
    pub recommendation: Recommendation,
    /// Current and target replicas, when the current count is known.
    pub replicas: Option<ReplicaTarget>,
    /// The policy's name.
    pub policy: &'static str,
    /// The noise guard, when on.
    pub smoothing: Option<Smoothing>,
    /// Set when a stabilization window held the newest proposal back.
    pub held: Option<Held>,
    /// The HPA's proposals and limits (HPA policy only, and not for `wait`).
    pub hpa: Option<HpaDetail>,
}

/// What the policy alone proposes after the last sample of `history`.
struct Raw {
    recommendation: Recommendation,
    /// Proposed replicas (on the baseline: the current count, or 0 for the seed's rules when
    /// the count is unknown); `None` for `wait`.
    replicas: Option<i64>,
    hpa: Option<HpaProposal>,
}

/// Decide after the last sample of `history` with `current` replicas running, at `now`.
/// The HPA policy needs `current` (the caller checks); without it, it waits.
pub fn decide(
    history: &[Sample],
    settings: &Settings,
    current: Option<u32>,
    now: Timestamp,
) -> Decision {
    let newest = raw(history, settings, current, now);
    let smoothing = settings.smoothing.is_on().then_some(settings.smoothing);
    let Some(proposed) = newest.replicas else {
        return Decision {
            replicas: current.map(|n| target_replicas(n, 0, settings.bounds)),
            recommendation: newest.recommendation,
            policy: settings.policy.name(),
            smoothing,
            held: None,
            hpa: None,
        };
    };
    let baseline = current.map_or(0, i64::from);
    let newest_at = history.last().and_then(|s| s.timestamp);
    let earlier = earlier_proposals(history, settings, current, newest_at);
    let stable =
        stabilization::stabilize(baseline, proposed, newest_at, &earlier, settings.windows);
    let mut rec = newest.recommendation;
    let (replicas, hpa) = match (&settings.policy, newest.hpa, current) {
        (PolicyKind::Hpa(policy), Some(proposal), Some(current)) => {
            let desired = u32::try_from(stable.replicas.max(0)).unwrap_or(u32::MAX);
            let (target, limits) = hpa::limit(desired, current, settings.bounds);
            rec.replica_delta = i64::from(target) - i64::from(current);
            rec.reason = hpa::explain(&proposal, current, &limits);
            let mut all_limits: Vec<Limit> = proposal.blocked.iter().cloned().collect();
            let bounded = limits
                .iter()
                .any(|l| matches!(l, Limit::MinReplicas { .. } | Limit::MaxReplicas { .. }));
            all_limits.extend(limits);
            let detail = HpaDetail {
                tolerance: policy.tolerance,
                proposals: proposal.proposals,
                winner: proposal.winner,
                limits: all_limits,
            };
            let replicas = ReplicaTarget {
                current_replicas: current,
                target_replicas: target,
                clamped: bounded,
            };
            (Some(replicas), Some(detail))
        }
        _ => {
            rec.replica_delta = stable.replicas - baseline;
            let replicas = current.map(|n| target_replicas(n, rec.replica_delta, settings.bounds));
            (replicas, None)
        }
    };
    rec.action = match rec.replica_delta {
        d if d > 0 => Action::ScaleUp,
        d if d < 0 => Action::ScaleDown,
        _ => Action::Maintain,
    };
    if let Some(held) = &stable.held {
        rec.reason = format!("{} (newest sample: {})", held.explain(), rec.reason);
    }
    if let Some(s) = smoothing {
        rec.reason.push_str(&format!(
            " [decided on the {} of the last {} samples]",
            s.statistic.as_str(),
            s.samples.min(history.len())
        ));
    }
    Decision {
        recommendation: rec,
        replicas,
        policy: settings.policy.name(),
        smoothing,
        held: stable.held,
        hpa,
    }
}

/// The proposals of the earlier samples inside the longest window (each decided on the history
/// up to that sample, at that sample's time, with the same current count).
fn earlier_proposals(
    history: &[Sample],
    settings: &Settings,
    current: Option<u32>,
    newest_at: Option<Timestamp>,
) -> Vec<Proposal> {
    let Some(newest_at) = newest_at.filter(|_| settings.windows.is_on()) else {
        return Vec::new();
    };
    let longest = jiff::SignedDuration::try_from(settings.windows.longest())
        .unwrap_or(jiff::SignedDuration::MAX);
    let cutoff = newest_at.checked_sub(longest).unwrap_or(Timestamp::MIN);
    let before = &history[..history.len().saturating_sub(1)];
    before
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let at = s.timestamp.filter(|&t| t > cutoff)?;
            let replicas = raw(&history[..=i], settings, current, at).replicas?;
            Some(Proposal { at, replicas })
        })
        .collect()
}

fn raw(history: &[Sample], settings: &Settings, current: Option<u32>, now: Timestamp) -> Raw {
    let evaluated = smoothing::smoothed(history, settings.smoothing);
    match &settings.policy {
        PolicyKind::Threshold(policy) => {
            let rec = match &evaluated {
                Some(sample) => threshold::recommend_on(history, sample, policy, now),
                None => threshold::recommend(history, policy, now),
            };
            let replicas = (rec.action != Action::Wait)
                .then(|| current.map_or(0, i64::from) + rec.replica_delta);
            Raw {
                recommendation: rec,
                replicas,
                hpa: None,
            }
        }
        PolicyKind::Hpa(policy) => {
            let Some(current) = current else {
                return wait(
                    history,
                    "The HPA policy needs --current-replicas".to_string(),
                );
            };
            let Some(evaluated) = evaluated else {
                return wait(
                    history,
                    "Insufficient metrics history: 0 samples".to_string(),
                );
            };
            if current == 0 {
                return wait(
                    history,
                    "0 replicas running: the HPA does not scale a target from zero".to_string(),
                );
            }
            if let Some(stale) = threshold::staleness(&evaluated, policy.max_age, now) {
                return wait(history, stale);
            }
            let Some(proposal) = hpa::propose(&evaluated, policy, current) else {
                return wait(
                    history,
                    "Every HPA metric is unknown: no proposal".to_string(),
                );
            };
            Raw {
                recommendation: Recommendation {
                    action: Action::Maintain,
                    replica_delta: 0,
                    reason: String::new(),
                    samples: history.len(),
                    conditions: Vec::new(),
                },
                replicas: Some(i64::from(proposal.desired)),
                hpa: Some(proposal),
            }
        }
    }
}

fn wait(history: &[Sample], reason: String) -> Raw {
    Raw {
        recommendation: Recommendation {
            action: Action::Wait,
            replica_delta: 0,
            reason,
            samples: history.len(),
            conditions: Vec::new(),
        },
        replicas: None,
        hpa: None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::policy::Direction;
    use crate::policy::smoothing::Statistic;

    fn at(i: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + 10 * i).unwrap()
    }

    /// Cold enough for the seed's scale-down (every metric below its threshold) or not.
    fn cold(i: i64, cpu: f64) -> Sample {
        Sample {
            timestamp: Some(at(i)),
            cpu_percent: Some(cpu),
            memory_percent: Some(20.0),
            requests_per_second: Some(5.0),
            response_time_ms: Some(50.0),
            error_rate: Some(0.0),
            ..Sample::default()
        }
    }

    fn seed() -> Settings {
        Settings::default()
    }

    #[test]
    fn default_settings_are_the_seed_rules_exactly() {
        let h: Vec<Sample> = (0..5).map(|i| cold(i, 10.0 + i as f64 * 20.0)).collect();
        for n in 0..=h.len() {
            let now = at(n as i64);
            let d = decide(&h[..n], &seed(), Some(5), now);
            let r = threshold::recommend(&h[..n], &ThresholdPolicy::default(), now);
            assert_eq!(d.recommendation, r, "{n}");
            assert_eq!(
                d.replicas,
                Some(target_replicas(
                    5,
                    r.replica_delta,
                    ReplicaBounds::default()
                ))
            );
            assert_eq!((d.held, d.hpa, d.smoothing), (None, None, None));
        }
    }

    #[test]
    fn a_scale_down_window_holds_until_every_sample_agrees() {
        // 3 cold, one warm (cpu 50: maintain), then cold again.
        let mut h: Vec<Sample> = (0..4).map(|i| cold(i, 10.0)).collect();
        h.push(cold(4, 50.0));
        h.extend((5..40).map(|i| cold(i, 10.0)));
        let mut s = seed();
        s.windows.scale_down = Duration::from_secs(60);
        // Sample 6 (index 5): the warm one is 10 s back, inside: held.
        let d = decide(&h[..6], &s, Some(5), at(5));
        assert_eq!(
            (d.recommendation.action, d.recommendation.replica_delta),
            (Action::Maintain, 0)
        );
        let held = d.held.clone().unwrap();
        assert_eq!(
            (held.direction, held.samples, held.disagreeing),
            (Direction::Down, 4, 1)
        );
        assert!(d.recommendation.reason.starts_with(
            "scale_down held: 1 of 4 samples in the last 1m did not recommend scale_down (newest sample: Low resource usage"
        ), "{}", d.recommendation.reason);
        assert_eq!(d.replicas.unwrap().target_replicas, 5);
        // 60 s after the warm sample it has left the window.
        let d = decide(&h[..11], &s, Some(5), at(10));
        assert_eq!((d.recommendation.action, d.held), (Action::ScaleDown, None));
        // Without the window the same history scales down at once.
        let d = decide(&h[..6], &seed(), Some(5), at(5));
        assert_eq!(d.recommendation.action, Action::ScaleDown);
    }

    #[test]
    fn window_statistic_decides_on_the_median_and_says_so() {
        // CPU 10, 10, 95(spike): the newest alone is not cold; the median of 3 is.
        let h = vec![cold(0, 10.0), cold(1, 10.0), cold(2, 95.0)];
        assert_eq!(
            decide(&h, &seed(), None, at(2)).recommendation.action,
            Action::Maintain
        );
        let mut s = seed();
        s.smoothing = Smoothing {
            samples: 3,
            statistic: Statistic::Median,
        };
        let d = decide(&h, &s, None, at(2));
        assert_eq!(
            (d.recommendation.action, d.recommendation.replica_delta),
            (Action::ScaleDown, -1)
        );
        assert_eq!(d.recommendation.conditions[0].value, Some(10.0));
        assert!(
            d.recommendation
                .reason
                .ends_with("[decided on the median of the last 3 samples]")
        );
        // p90 of 10, 10, 95 is 78: not cold.
        s.smoothing.statistic = Statistic::P90;
        let d = decide(&h, &s, None, at(2));
        assert_eq!(d.recommendation.action, Action::Maintain);
        assert!((d.recommendation.conditions[0].value.unwrap() - 78.0).abs() < 1e-9);
    }

    #[test]
    fn hpa_decision_has_final_delta_limits_and_action_from_the_sign() {
        let s = Settings {
            policy: PolicyKind::Hpa(HpaPolicy::default()),
            ..Settings::default()
        };
        let hot = Sample {
            timestamp: Some(at(0)),
            cpu_percent: Some(98.0),
            memory_percent: Some(40.0),
            requests_per_second: Some(100.0),
            ..Sample::default()
        };
        // 98/70 = 1.4: ceil(40 × 1.4) = 56 → max 50.
        let d = decide(std::slice::from_ref(&hot), &s, Some(40), at(0));
        assert_eq!(
            (d.recommendation.action, d.recommendation.replica_delta),
            (Action::ScaleUp, 10)
        );
        let t = d.replicas.unwrap();
        assert_eq!(
            (t.current_replicas, t.target_replicas, t.clamped),
            (40, 50, true)
        );
        let detail = d.hpa.unwrap();
        assert_eq!(detail.winner, crate::sample::Metric::CpuPercent);
        assert_eq!(detail.limits, vec![Limit::MaxReplicas { from: 56, to: 50 }]);
        assert_eq!(d.policy, "hpa");
        // Memory 40/80 = 0.5, cpu 35/70 = 0.5, rps 100/10 = 10/100: ceil(10 × 0.5) = 5.
        let cool = Sample {
            cpu_percent: Some(35.0),
            ..hot.clone()
        };
        let d = decide(&[cool], &s, Some(10), at(0));
        assert_eq!(
            (d.recommendation.action, d.recommendation.replica_delta),
            (Action::ScaleDown, -5)
        );
        // In tolerance: maintain, delta 0.
        let ok = Sample {
            cpu_percent: Some(72.0),
            memory_percent: Some(80.0),
            ..hot
        };
        let d = decide(&[ok], &s, Some(10), at(0));
        assert_eq!(
            (d.recommendation.action, d.recommendation.replica_delta),
            (Action::Maintain, 0)
        );
        // Without a current count, or with nothing known: wait.
        assert_eq!(
            decide(&[], &s, Some(10), at(0)).recommendation.action,
            Action::Wait
        );
        let d = decide(&[Sample::default()], &s, Some(10), at(0));
        assert_eq!(d.recommendation.action, Action::Wait);
        assert_eq!(d.replicas.unwrap().target_replicas, 10);
    }
}
