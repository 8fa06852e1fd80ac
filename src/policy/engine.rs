//! One decision: a policy (the seed's rules or the HPA's), the `--window` noise guard, the
//! stabilization windows, the HPA's behavior policies and the replica bounds, over a history.
//! Pure; `recommend`, `monitor` and `replay` all call [`decide`] or [`decide_with`].
//!
//! Order, as in the HPA (`reconcileAutoscaler`): a current count of 0 under `--policy hpa` means
//! autoscaling is disabled; a count outside the bounds is brought into them first, whatever the
//! metrics say (even before the history is long enough). Otherwise the policy proposes (on the
//! smoothed sample when `--window N` is on), the windows stabilize the proposal against those of
//! the earlier samples in the window, then the behavior policies (HPA only) and the bounds apply.
//!
//! Coherence: when the current count is known, `action` and `replica_delta` are those of
//! `target − current` after every limit; what the policy wanted is kept in `proposed` and the
//! limits that changed it in `limited_by`.
//!
//! [`decide`] reads everything from the history: the current count (given, or the newest
//! sample's `replicas`), the scale events (changes of `replicas`), and the proposals of earlier
//! samples (recomputed as if `recommend` had run right after each one, with that sample's
//! recorded count, else the current one). `replay` passes its simulated count, events and
//! proposals to [`decide_with`] instead.

use jiff::Timestamp;
use serde::Serialize;

use super::behavior::{self, ScaleEvent, observed_replicas};
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
pub struct DecisionRules {
    /// The policy.
    pub policy: PolicyKind,
    /// The `--window N` noise guard (1 = off).
    pub smoothing: Smoothing,
    /// The stabilization windows (zero = off).
    pub windows: Windows,
    /// The replica bounds.
    pub bounds: ReplicaBounds,
}

impl Default for DecisionRules {
    /// The seed's behaviour.
    fn default() -> Self {
        DecisionRules {
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
    /// The tolerance used (the scale-up one; `tolerance_down` when it differs).
    pub tolerance: f64,
    /// The scale-down tolerance, when it differs from the scale-up one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance_down: Option<f64>,
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
    /// What the policy wanted before the limits (when the current count is known).
    pub proposed: Option<Proposed>,
    /// Every limit that changed the proposal, in order.
    pub limited_by: Vec<LimitedBy>,
    /// The newest sample's own proposal (on the baseline), as the windows remember it.
    pub recommended: Option<i64>,
}

/// What the policy wanted before windows, behavior policies and bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Proposed {
    /// The policy's action.
    pub action: Action,
    /// Its replica change.
    pub replica_delta: i64,
}

/// A limit that changed what the policy wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitedBy {
    /// `--min-replicas` / `minReplicas`.
    MinReplicas,
    /// `--max-replicas` / `maxReplicas`.
    MaxReplicas,
    /// The behavior's scale-up policies.
    ScaleUpPolicy,
    /// The behavior's scale-down policies.
    ScaleDownPolicy,
    /// A stabilization window.
    StabilizationWindow,
    /// An unknown metric blocked a scale-down (HPA).
    UnknownMetric,
    /// 0 replicas under the HPA: autoscaling is disabled.
    ScalingDisabled,
}

impl LimitedBy {
    /// The contract word.
    pub fn as_str(self) -> &'static str {
        match self {
            LimitedBy::MinReplicas => "min_replicas",
            LimitedBy::MaxReplicas => "max_replicas",
            LimitedBy::ScaleUpPolicy => "scale_up_policy",
            LimitedBy::ScaleDownPolicy => "scale_down_policy",
            LimitedBy::StabilizationWindow => "stabilization_window",
            LimitedBy::UnknownMetric => "unknown_metric",
            LimitedBy::ScalingDisabled => "scaling_disabled",
        }
    }
}

/// What a decision observes besides the history and the settings.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    /// Replicas running now.
    pub current: Option<u32>,
    /// The scale events so far (for the behavior policies).
    pub events: &'a [ScaleEvent],
    /// The earlier samples' proposals, when known (else recomputed from the history).
    pub earlier: Option<&'a [Proposal]>,
}

/// What the policy alone proposes after the last sample of `history`.
struct Raw {
    recommendation: Recommendation,
    /// Proposed replicas (on the baseline: the current count, or 0 for the seed's rules when
    /// the count is unknown); `None` for `wait`.
    replicas: Option<i64>,
    hpa: Option<HpaProposal>,
}

/// Decide after the last sample of `history` with `current` replicas running (or, when `None`,
/// the newest sample's recorded `replicas`), at `now`. The HPA policy needs a current count;
/// without one, it waits.
pub fn decide(
    history: &[Sample],
    settings: &DecisionRules,
    current: Option<u32>,
    now: Timestamp,
) -> Decision {
    let current = current.or_else(|| history.last().and_then(observed_replicas));
    let events = behavior::events_from_history(history);
    let observed = Observed {
        current,
        events: &events,
        earlier: None,
    };
    decide_with(history, settings, observed, now)
}

/// [`decide`] with the current count, scale events and earlier proposals given.
pub fn decide_with(
    history: &[Sample],
    settings: &DecisionRules,
    observed: Observed<'_>,
    now: Timestamp,
) -> Decision {
    let current = observed.current;
    let newest = raw(history, settings, current, now);
    let smoothing = settings.smoothing.is_on().then_some(settings.smoothing);
    let bounds = settings.bounds;
    let mut d = Decision {
        recommendation: newest.recommendation.clone(),
        replicas: None,
        policy: settings.policy.name(),
        smoothing,
        held: None,
        hpa: None,
        proposed: None,
        limited_by: Vec::new(),
        recommended: newest.replicas,
    };
    let baseline = current.map_or(0, i64::from);
    d.proposed = current.map(|_| proposed_of(&newest, baseline));
    if let (PolicyKind::Hpa(_), Some(0)) = (&settings.policy, current)
        && bounds.min != 0
    {
        d.recommendation.action = Action::Maintain;
        d.recommendation.replica_delta = 0;
        d.recommendation.reason = "Autoscaling disabled: 0 replicas running (as in Kubernetes, \
            the HPA never scales a target that was scaled to zero); target stays 0"
            .to_string();
        d.replicas = Some(ReplicaTarget {
            current_replicas: 0,
            target_replicas: 0,
            clamped: false,
        });
        d.proposed = None;
        d.recommended = None;
        d.limited_by = vec![LimitedBy::ScalingDisabled];
        return finish(d, history.len());
    }
    if let Some(c) = current.filter(|&c| c > bounds.max || c < bounds.min) {
        let (target, limit, side) = if c > bounds.max {
            (bounds.max, LimitedBy::MaxReplicas, "above max replicas")
        } else {
            (bounds.min, LimitedBy::MinReplicas, "below min replicas")
        };
        let bound = target;
        d.replicas = Some(ReplicaTarget {
            current_replicas: c,
            target_replicas: target,
            clamped: true,
        });
        d.recommendation.replica_delta = i64::from(target) - i64::from(c);
        d.recommendation.reason = format!(
            "{c} replicas running, {side} {bound}: brought into the bounds first, whatever the \
             metrics say (the policy: {} {:+}: {})",
            newest.recommendation.action.as_str(),
            d.proposed.map_or(0, |p| p.replica_delta),
            newest.recommendation.reason
        );
        d.limited_by = vec![limit];
        // As the controller, which rescales into the bounds without recording a recommendation.
        d.recommended = None;
        return finish(d, history.len());
    }
    let Some(proposed) = newest.replicas else {
        d.replicas = current.map(|n| target_replicas(n, 0, bounds));
        return finish_keep_action(d, history.len());
    };
    let newest_at = history.last().and_then(|s| s.timestamp);
    let recomputed;
    let earlier = match observed.earlier {
        Some(e) => e,
        None => {
            recomputed = earlier_proposals(history, settings, current, newest_at);
            &recomputed
        }
    };
    let stable = stabilization::stabilize(baseline, proposed, newest_at, earlier, settings.windows);
    if stable.held.is_some() {
        d.limited_by.push(LimitedBy::StabilizationWindow);
    }
    let mut rec = newest.recommendation;
    match (&settings.policy, newest.hpa, current) {
        (PolicyKind::Hpa(policy), Some(proposal), Some(current)) => {
            let desired = u32::try_from(stable.replicas.max(0)).unwrap_or(u32::MAX);
            let at = newest_at.unwrap_or(now);
            let (target, limits) = hpa::limit(
                desired,
                current,
                bounds,
                &policy.behavior,
                observed.events,
                at,
            );
            rec.replica_delta = i64::from(target) - i64::from(current);
            rec.reason = hpa::explain(&proposal, current, &limits);
            let mut all_limits: Vec<Limit> = proposal.blocked.iter().cloned().collect();
            if proposal.blocked.is_some() {
                d.limited_by.insert(0, LimitedBy::UnknownMetric);
            }
            d.limited_by.extend(limits.iter().map(|l| match l {
                Limit::UnknownMetricBlocksScaleDown { .. } => LimitedBy::UnknownMetric,
                Limit::ScaleUpPolicy { .. } => LimitedBy::ScaleUpPolicy,
                Limit::ScaleDownPolicy { .. } => LimitedBy::ScaleDownPolicy,
                Limit::MinReplicas { .. } => LimitedBy::MinReplicas,
                Limit::MaxReplicas { .. } => LimitedBy::MaxReplicas,
            }));
            let bounded = limits
                .iter()
                .any(|l| matches!(l, Limit::MinReplicas { .. } | Limit::MaxReplicas { .. }));
            all_limits.extend(limits);
            let tolerance_down =
                (policy.tolerance_down != policy.tolerance_up).then_some(policy.tolerance_down);
            d.hpa = Some(HpaDetail {
                tolerance: policy.tolerance_up,
                tolerance_down,
                proposals: proposal.proposals,
                winner: proposal.winner,
                limits: all_limits,
            });
            d.replicas = Some(ReplicaTarget {
                current_replicas: current,
                target_replicas: target,
                clamped: bounded,
            });
        }
        _ => {
            let wanted = stable.replicas - baseline;
            match current {
                Some(c) => {
                    let t = target_replicas(c, wanted, bounds);
                    rec.replica_delta = i64::from(t.target_replicas) - i64::from(c);
                    if t.clamped {
                        d.limited_by.push(if rec.replica_delta < wanted {
                            LimitedBy::MaxReplicas
                        } else {
                            LimitedBy::MinReplicas
                        });
                    }
                    d.replicas = Some(t);
                }
                None => rec.replica_delta = wanted,
            }
        }
    }
    rec.action = action_of(rec.replica_delta);
    if let Some(held) = &stable.held {
        rec.reason = format!("{} (newest sample: {})", held.explain(), rec.reason);
    }
    if let (Some(p), Some(t)) = (d.proposed, d.replicas) {
        let bound = |l: LimitedBy| d.limited_by.contains(&l);
        if rec.replica_delta == 0 && p.replica_delta > 0 && bound(LimitedBy::MaxReplicas) {
            rec.reason = format!(
                "at max replicas {}: the policy wanted {:+} ({})",
                t.target_replicas, p.replica_delta, rec.reason
            );
        } else if rec.replica_delta == 0 && p.replica_delta < 0 && bound(LimitedBy::MinReplicas) {
            rec.reason = format!(
                "at min replicas {}: the policy wanted {:+} ({})",
                t.target_replicas, p.replica_delta, rec.reason
            );
        } else if d.policy == "threshold" && t.clamped {
            rec.reason = format!(
                "{}; limited to {:+} by the replica bounds {}..{} (wanted {:+})",
                rec.reason, rec.replica_delta, bounds.min, bounds.max, p.replica_delta
            );
        }
    }
    d.held = stable.held;
    d.recommendation = rec;
    finish(d, history.len())
}

fn action_of(delta: i64) -> Action {
    match delta {
        d if d > 0 => Action::ScaleUp,
        d if d < 0 => Action::ScaleDown,
        _ => Action::Maintain,
    }
}

/// What the policy alone wanted, relative to `baseline`.
fn proposed_of(raw: &Raw, baseline: i64) -> Proposed {
    match raw.replicas {
        Some(r) if raw.hpa.is_some() => Proposed {
            action: action_of(r - baseline),
            replica_delta: r - baseline,
        },
        _ => Proposed {
            action: raw.recommendation.action,
            replica_delta: raw.recommendation.replica_delta,
        },
    }
}

/// Set the action from the delta and add the smoothing note.
fn finish(mut d: Decision, samples: usize) -> Decision {
    d.recommendation.action = action_of(d.recommendation.replica_delta);
    if d.limited_by == [LimitedBy::ScalingDisabled] {
        d.recommendation.action = Action::Maintain;
    }
    finish_keep_action(d, samples)
}

fn finish_keep_action(mut d: Decision, samples: usize) -> Decision {
    if let Some(s) = d.smoothing {
        d.recommendation.reason.push_str(&format!(
            " [decided on the {} of the last {} samples]",
            s.statistic.as_str(),
            s.samples.min(samples)
        ));
    }
    d
}

/// The proposals of the earlier samples inside the longest window (each decided on the history
/// up to that sample, at that sample's time, with its recorded count or else `current`).
fn earlier_proposals(
    history: &[Sample],
    settings: &DecisionRules,
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
            let then = current.and(observed_replicas(s)).or(current);
            let replicas = raw(&history[..=i], settings, then, at).replicas?;
            Some(Proposal { at, replicas })
        })
        .collect()
}

fn raw(history: &[Sample], settings: &DecisionRules, current: Option<u32>, now: Timestamp) -> Raw {
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
                    "The HPA policy needs the current replica count: waiting for \
                     --current-replicas or a sample with `replicas`"
                        .to_string(),
                );
            };
            let Some(evaluated) = evaluated else {
                return wait(
                    history,
                    "Insufficient metrics history: 0 samples; waiting for a sample".to_string(),
                );
            };
            if current == 0 {
                return wait(
                    history,
                    "0 replicas running: the HPA does not scale a target from zero".to_string(),
                );
            }
            if let Some(stale) = threshold::staleness(&evaluated, policy.max_age, now) {
                return wait(history, format!("{stale}; waiting for a fresh sample"));
            }
            let Some(proposal) = hpa::propose(&evaluated, policy, current) else {
                return wait(
                    history,
                    "Every HPA metric is unknown: no proposal; waiting for a sample with one"
                        .to_string(),
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

    fn seed() -> DecisionRules {
        DecisionRules::default()
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
            "scale_down held: 1 of 4 samples in the last 1m did not recommend scale_down (newest sample: all 5 scale-down conditions met"
        ), "{}", d.recommendation.reason);
        assert_eq!(d.limited_by, vec![LimitedBy::StabilizationWindow]);
        assert_eq!(
            d.proposed,
            Some(Proposed {
                action: Action::ScaleDown,
                replica_delta: -1
            })
        );
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
        let s = DecisionRules {
            policy: PolicyKind::Hpa(HpaPolicy::default()),
            ..DecisionRules::default()
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

    fn hot(i: i64) -> Sample {
        Sample {
            timestamp: Some(at(i)),
            cpu_percent: Some(95.0),
            memory_percent: Some(85.0),
            ..Sample::default()
        }
    }

    fn hpa() -> DecisionRules {
        DecisionRules {
            policy: PolicyKind::Hpa(HpaPolicy {
                targets: vec![(crate::sample::Metric::CpuPercent, 70.0)],
                ..HpaPolicy::default()
            }),
            ..DecisionRules::default()
        }
    }

    fn summary(d: &Decision) -> (Action, i64, u32) {
        (
            d.recommendation.action,
            d.recommendation.replica_delta,
            d.replicas.unwrap().target_replicas,
        )
    }

    #[test]
    fn at_max_and_wanting_more_is_maintain() {
        let h: Vec<Sample> = (0..3).map(hot).collect();
        let d = decide(&h, &seed(), Some(50), at(2));
        assert_eq!(summary(&d), (Action::Maintain, 0, 50));
        assert_eq!(
            d.proposed,
            Some(Proposed {
                action: Action::ScaleUp,
                replica_delta: 3
            })
        );
        assert_eq!(d.limited_by, vec![LimitedBy::MaxReplicas]);
        assert!(
            d.recommendation
                .reason
                .starts_with("at max replicas 50: the policy wanted +3 (cpu_percent 95 > 70"),
            "{}",
            d.recommendation.reason
        );
        // 49 running: +1 only, still a scale-up, and the reason says it was limited.
        let d = decide(&h, &seed(), Some(49), at(2));
        assert_eq!(summary(&d), (Action::ScaleUp, 1, 50));
        assert!(
            d.recommendation
                .reason
                .ends_with("; limited to +1 by the replica bounds 3..50 (wanted +3)")
        );
    }

    #[test]
    fn above_max_scales_down_into_the_bounds() {
        let h: Vec<Sample> = (0..3).map(hot).collect();
        for s in [seed(), hpa()] {
            let d = decide(&h, &s, Some(60), at(2));
            assert_eq!(summary(&d), (Action::ScaleDown, -10, 50), "{}", d.policy);
            assert_eq!(d.limited_by, vec![LimitedBy::MaxReplicas]);
            assert!(
                d.recommendation
                    .reason
                    .starts_with("60 replicas running, above max replicas 50"),
                "{}",
                d.recommendation.reason
            );
            assert_eq!(d.proposed.unwrap().action, Action::ScaleUp);
        }
    }

    #[test]
    fn below_min_scales_up_even_with_a_short_history_or_unknown_metrics() {
        let short = vec![hot(0)];
        let d = decide(&short, &seed(), Some(2), at(0));
        assert_eq!(summary(&d), (Action::ScaleUp, 1, 3));
        assert_eq!(d.limited_by, vec![LimitedBy::MinReplicas]);
        assert_eq!(d.proposed.unwrap().action, Action::Wait);
        assert!(d.recommendation.reason.contains("below min replicas 3"));
        assert!(
            d.recommendation
                .reason
                .contains("Insufficient metrics history")
        );
        let unknown = vec![Sample::default()];
        let d = decide(&unknown, &hpa(), Some(2), at(0));
        assert_eq!(summary(&d), (Action::ScaleUp, 1, 3));
        // Above the minimum, the same unknown sample waits.
        let d = decide(&unknown, &hpa(), Some(5), at(0));
        assert_eq!(summary(&d), (Action::Wait, 0, 5));
        assert!(d.recommendation.reason.contains("waiting for"));
    }

    #[test]
    fn hpa_with_zero_replicas_is_disabled() {
        let h = vec![hot(0)];
        let d = decide(&h, &hpa(), Some(0), at(0));
        assert_eq!(summary(&d), (Action::Maintain, 0, 0));
        assert_eq!(d.limited_by, vec![LimitedBy::ScalingDisabled]);
        assert!(
            d.recommendation
                .reason
                .starts_with("Autoscaling disabled: 0 replicas")
        );
        // The seed's rules know no such thing: 0 is below the minimum.
        let d = decide(
            &(0..3).map(hot).collect::<Vec<_>>(),
            &seed(),
            Some(0),
            at(2),
        );
        assert_eq!(summary(&d), (Action::ScaleUp, 3, 3));
    }

    #[test]
    fn current_comes_from_the_newest_recorded_replicas() {
        let mut h: Vec<Sample> = (0..3).map(hot).collect();
        h[2].extra.insert("replicas".into(), 7.into());
        let d = decide(&h, &seed(), None, at(2));
        assert_eq!(summary(&d), (Action::ScaleUp, 3, 10));
        // Given explicitly, the flag wins.
        assert_eq!(
            decide(&h, &seed(), Some(5), at(2))
                .replicas
                .unwrap()
                .target_replicas,
            8
        );
    }

    #[test]
    fn behavior_policies_limit_and_are_named() {
        // cpu 140 vs 70: ratio 2 → 20 from 10; a policy of 2 pods per 60 s, and 1 pod added
        // 30 s ago (recorded replicas 9 → 10): at most 9 + 2 = 11.
        let mut s = hpa();
        if let PolicyKind::Hpa(p) = &mut s.policy {
            p.behavior.scale_up.policies = vec![super::super::behavior::RatePolicy {
                kind: super::super::behavior::PolicyType::Pods,
                value: 2,
                period_seconds: 60,
            }];
        }
        let mut h = vec![hot(0), hot(3), hot(6)];
        h[0].extra.insert("replicas".into(), 9.into());
        h[1].extra.insert("replicas".into(), 10.into());
        h[2].extra.insert("replicas".into(), 10.into());
        h[2].cpu_percent = Some(140.0);
        let d = decide(&h, &s, None, at(6));
        assert_eq!(summary(&d), (Action::ScaleUp, 1, 11));
        assert_eq!(d.limited_by, vec![LimitedBy::ScaleUpPolicy]);
        assert_eq!(d.proposed.unwrap().replica_delta, 10);
        assert!(
            d.recommendation
                .reason
                .contains("20 limited to 11 by the scale-up policy 2 pods per 60s (Max) from 10")
        );
        // A scale-up window holding it is named too.
        s.windows.scale_up = Duration::from_secs(120);
        let d = decide(&h, &s, None, at(6));
        assert_eq!(d.limited_by[0], LimitedBy::StabilizationWindow);
        assert_eq!(d.recommendation.action, Action::ScaleUp);
    }
}
