//! `--policy hpa`: the Kubernetes HPA's proportional algorithm (`replica_calculator.go`,
//! `horizontal.go`), decided on one sample.
//!
//! - per metric: ratio = value / target; within the tolerance (0.9 ≤ ratio ≤ 1.1 by default) the metric
//!   proposes the current count, otherwise ceil(current × ratio);
//! - several metrics: the largest proposal wins;
//! - any metric unknown: no scale-down (the HPA refuses to scale down on missing metrics);
//! - then `behavior` ([`super::behavior`]): the scale-up and scale-down policies over their
//!   periods (the Kubernetes default scale-up policy is max(2 × current, current + 4) per 15 s
//!   when nothing was added in the period), exactly as `convertDesiredReplicasWithBehaviorRate`;
//! - clamped to the replica bounds.
//!
//! `requests_per_second` is by default the fleet's total (what the load balancer serves), so its
//! per-replica value — the HPA's `AverageValue` — is rps / current replicas (`--rps-scope
//! fleet`); with `--rps-scope instance` it is already per pod (a sidecar's own rate). Percentages
//! are used as they are (the HPA's `averageUtilization`). The tolerance is per direction: a ratio
//! in [1 − down, 1 + up] changes nothing (Kubernetes' `isWithin`).
//!
//! Floating point: a ratio that is mathematically on the tolerance edge (77 % against 70 % is
//! exactly 1.1) must count as within it, and ceil(5 × 1.2) must be 6, so both comparisons allow
//! an error of 1e-9.

use std::time::Duration;

use serde::Serialize;

use jiff::Timestamp;

use super::ReplicaBounds;
use super::behavior::{self, Behavior, ScaleEvent};
use crate::sample::{Metric, Sample};

/// Slack for floating-point representation error at the tolerance edge and under `ceil`.
const EPSILON: f64 = 1e-9;

/// The HPA's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct HpaPolicy {
    /// Target per metric (utilization percent, or per-replica value for requests_per_second).
    pub targets: Vec<(Metric, f64)>,
    /// Ratios up to 1 + this mean "no change" (the HPA's default: 0.1).
    pub tolerance_up: f64,
    /// Ratios down to 1 − this mean "no change" (the HPA's default: 0.1).
    pub tolerance_down: f64,
    /// Whether requests_per_second is the fleet total or already per pod.
    pub rps_scope: RpsScope,
    /// A newest sample older than this makes the decision `wait` (None: never stale).
    pub max_age: Option<Duration>,
    /// The scaling policies (the stabilization windows live in the engine's settings).
    pub behavior: Behavior,
}

/// What `requests_per_second` in a sample measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RpsScope {
    /// The service total: divided by the current replicas (the default).
    #[default]
    Fleet,
    /// Already per pod (as a sidecar measures it).
    Instance,
}

impl Default for HpaPolicy {
    /// The seed's HPA manifest: cpu 70 %, memory 80 %, 100 requests/s per pod.
    fn default() -> Self {
        HpaPolicy {
            targets: vec![
                (Metric::CpuPercent, 70.0),
                (Metric::MemoryPercent, 80.0),
                (Metric::RequestsPerSecond, 100.0),
            ],
            tolerance_up: 0.1,
            tolerance_down: 0.1,
            rps_scope: RpsScope::Fleet,
            max_age: Some(Duration::from_secs(15 * 60)),
            behavior: Behavior::default(),
        }
    }
}

/// One metric's proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricProposal {
    /// The metric.
    pub metric: Metric,
    /// Its value in the sample (for requests_per_second: the fleet total); null when unknown.
    pub value: Option<f64>,
    /// requests_per_second only: value / current replicas, the number compared with the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_replica: Option<f64>,
    /// The target.
    pub target: f64,
    /// Compared value / target; null when unknown.
    pub ratio: Option<f64>,
    /// Whether the ratio lies within the tolerance (no change).
    pub within_tolerance: bool,
    /// The replica count this metric proposes; null when unknown.
    pub replicas: Option<u32>,
}

/// A limit that changed the proposal, in the order applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "limit", rename_all = "snake_case")]
pub enum Limit {
    /// A metric is unknown and the proposal was a scale-down: keep the current count.
    UnknownMetricBlocksScaleDown {
        /// The unknown metrics.
        metrics: Vec<Metric>,
        /// The proposal.
        from: u32,
        /// The current count.
        to: u32,
    },
    /// The scale-up policies allow no more in their period.
    ScaleUpPolicy {
        /// The proposal.
        from: u32,
        /// The limit.
        to: u32,
        /// The policies, e.g. "100% per 15s or 4 pods per 15s (Max)".
        policy: String,
    },
    /// The scale-down policies allow no fewer in their period.
    ScaleDownPolicy {
        /// The proposal.
        from: u32,
        /// The limit.
        to: u32,
        /// The policies.
        policy: String,
    },
    /// Below `--min-replicas`.
    MinReplicas {
        /// The proposal.
        from: u32,
        /// The minimum.
        to: u32,
    },
    /// Above `--max-replicas`.
    MaxReplicas {
        /// The proposal.
        from: u32,
        /// The maximum.
        to: u32,
    },
}

impl Limit {
    /// A short phrase for reasons and tables.
    pub fn explain(&self, current: u32) -> String {
        match self {
            Limit::UnknownMetricBlocksScaleDown { metrics, from, to } => {
                let names: Vec<&str> = metrics.iter().map(|m| m.name()).collect();
                format!(
                    "scale-down to {from} blocked ({} unknown): keep {to}",
                    names.join(", ")
                )
            }
            Limit::ScaleUpPolicy { from, to, policy } => {
                format!("{from} limited to {to} by the scale-up policy {policy} from {current}")
            }
            Limit::ScaleDownPolicy { from, to, policy } => {
                format!("{from} limited to {to} by the scale-down policy {policy} from {current}")
            }
            Limit::MinReplicas { from, to } => format!("{from} raised to min replicas {to}"),
            Limit::MaxReplicas { from, to } => format!("{from} lowered to max replicas {to}"),
        }
    }

    /// A one-word tag for timelines.
    pub fn tag(&self) -> &'static str {
        match self {
            Limit::UnknownMetricBlocksScaleDown { .. } => "unknown-blocks-down",
            Limit::ScaleUpPolicy { .. } => "up-policy",
            Limit::ScaleDownPolicy { .. } => "down-policy",
            Limit::MinReplicas { .. } => "min",
            Limit::MaxReplicas { .. } => "max",
        }
    }
}

/// What the metrics propose, before the windows, the scale-up cap and the bounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HpaProposal {
    /// One per target metric.
    pub proposals: Vec<MetricProposal>,
    /// The metric whose proposal won (the largest; the first on ties).
    pub winner: Metric,
    /// The proposal after the unknown-metric rule.
    pub desired: u32,
    /// Set when an unknown metric blocked a scale-down.
    pub blocked: Option<Limit>,
}

/// The HPA's proposal for `sample` with `current` replicas running; `None` when every target
/// metric is unknown (the HPA then does nothing). `current` must be at least 1.
pub fn propose(sample: &Sample, policy: &HpaPolicy, current: u32) -> Option<HpaProposal> {
    let proposals: Vec<MetricProposal> = policy
        .targets
        .iter()
        .map(|&(metric, target)| metric_proposal(sample, metric, target, current, policy))
        .collect();
    let (winner, max) = proposals
        .iter()
        .filter_map(|p| p.replicas.map(|r| (p.metric, r)))
        .fold(None, |best: Option<(Metric, u32)>, (m, r)| match best {
            Some((_, b)) if b >= r => best,
            _ => Some((m, r)),
        })?;
    let unknown: Vec<Metric> = proposals
        .iter()
        .filter(|p| p.replicas.is_none())
        .map(|p| p.metric)
        .collect();
    let blocked =
        (!unknown.is_empty() && max < current).then_some(Limit::UnknownMetricBlocksScaleDown {
            metrics: unknown,
            from: max,
            to: current,
        });
    let desired = if blocked.is_some() { current } else { max };
    Some(HpaProposal {
        proposals,
        winner,
        desired,
        blocked,
    })
}

fn metric_proposal(
    sample: &Sample,
    metric: Metric,
    target: f64,
    current: u32,
    policy: &HpaPolicy,
) -> MetricProposal {
    let value = sample.get(metric);
    let per_replica = match (metric, policy.rps_scope) {
        (Metric::RequestsPerSecond, RpsScope::Fleet) => {
            value.map(|v| v / f64::from(current.max(1)))
        }
        _ => None,
    };
    let ratio = per_replica.or(value).map(|v| v / target);
    let within_tolerance = ratio.is_some_and(|r| {
        r >= 1.0 - policy.tolerance_down - EPSILON && r <= 1.0 + policy.tolerance_up + EPSILON
    });
    let replicas = ratio.map(|r| {
        if within_tolerance {
            current
        } else {
            // `as` saturates: an absurd ratio becomes u32::MAX, then the cap applies.
            (f64::from(current) * r - EPSILON).ceil().max(0.0) as u32
        }
    });
    MetricProposal {
        metric,
        value,
        per_replica,
        target,
        ratio,
        within_tolerance,
        replicas,
    }
}

/// The final count from `desired` (after the windows) with `current` running (within the
/// bounds), as `convertDesiredReplicasWithBehaviorRate`: a scale-up goes at most as far as the
/// scale-up policies allow (never below current) and `bounds.max`; a scale-down at most as far
/// as the scale-down policies allow (never above current) and `bounds.min`. `events` are the
/// scale events seen up to `now`.
pub fn limit(
    desired: u32,
    current: u32,
    bounds: ReplicaBounds,
    behavior: &Behavior,
    events: &[ScaleEvent],
    now: Timestamp,
) -> (u32, Vec<Limit>) {
    let to_u32 = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    if desired > current {
        let rules = &behavior.scale_up;
        let up = to_u32(behavior::scale_up_limit(current, events, rules, now)).max(current);
        if bounds.max > up {
            if desired > up {
                let policy = rules.describe();
                return (
                    up,
                    vec![Limit::ScaleUpPolicy {
                        from: desired,
                        to: up,
                        policy,
                    }],
                );
            }
        } else if desired > bounds.max {
            return (
                bounds.max,
                vec![Limit::MaxReplicas {
                    from: desired,
                    to: bounds.max,
                }],
            );
        }
    } else if desired < current {
        let rules = &behavior.scale_down;
        let down = to_u32(behavior::scale_down_limit(current, events, rules, now)).min(current);
        if bounds.min < down {
            if desired < down {
                let policy = rules.describe();
                return (
                    down,
                    vec![Limit::ScaleDownPolicy {
                        from: desired,
                        to: down,
                        policy,
                    }],
                );
            }
        } else if desired < bounds.min {
            return (
                bounds.min,
                vec![Limit::MinReplicas {
                    from: desired,
                    to: bounds.min,
                }],
            );
        }
    }
    (desired, Vec::new())
}

/// How one metric's proposal came about, e.g. "cpu_percent 84.0 vs target 70 (ratio 1.20) →
/// ceil(5 × 1.20) = 6".
pub fn describe(p: &MetricProposal, current: u32) -> String {
    let name = p.metric.name();
    let (Some(value), Some(ratio), Some(replicas)) = (p.value, p.ratio, p.replicas) else {
        return format!("{name} unknown");
    };
    let compared = match p.per_replica {
        Some(per) => format!("{value:.1} total = {per:.1} per replica over {current}"),
        None => format!("{value:.1}"),
    };
    let target = p.target;
    if p.within_tolerance {
        format!(
            "{name} {compared} vs target {target} (ratio {ratio:.2}, within tolerance) → {replicas}"
        )
    } else {
        format!(
            "{name} {compared} vs target {target} (ratio {ratio:.2}) → ceil({current} × {ratio:.2}) = {replicas}"
        )
    }
}

/// The reason for a decision: the winning metric (or "within tolerance") and every limit.
pub fn explain(proposal: &HpaProposal, current: u32, limits: &[Limit]) -> String {
    let known = proposal
        .proposals
        .iter()
        .filter(|p| p.replicas.is_some())
        .count();
    let mut reason = if proposal.proposals.iter().all(|p| p.within_tolerance) {
        format!("Every metric within tolerance of its target: keep {current} replicas")
    } else {
        let winner = proposal
            .proposals
            .iter()
            .find(|p| p.metric == proposal.winner)
            .map(|p| describe(p, current))
            .unwrap_or_default();
        format!("{winner} (largest of {known} proposals)")
    };
    for l in proposal.blocked.iter().chain(limits) {
        reason.push_str("; ");
        reason.push_str(&l.explain(current));
    }
    if proposal
        .proposals
        .iter()
        .any(|p| p.metric == Metric::RequestsPerSecond && p.per_replica.is_some())
    {
        reason.push_str(&format!(
            "; requests_per_second is the fleet total, divided by {current} replicas"
        ));
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cpu: Option<f64>, mem: Option<f64>, rps: Option<f64>) -> Sample {
        Sample {
            cpu_percent: cpu,
            memory_percent: mem,
            requests_per_second: rps,
            ..Sample::default()
        }
    }

    fn desired(cpu: f64, current: u32) -> u32 {
        let p = HpaPolicy::default();
        propose(&sample(Some(cpu), Some(0.0), Some(0.0)), &p, current)
            .map(|x| x.proposals[0].replicas.unwrap())
            .unwrap()
    }

    #[test]
    fn tolerance_edge_1_1_is_within_and_1_11_is_not() {
        // 77 / 70 = 1.1 exactly (on paper): within the 0.1 tolerance, keep 10.
        assert_eq!(desired(77.0, 10), 10);
        // 77.7 / 70 = 1.11: ceil(10 × 1.11) = ceil(11.1) = 12.
        assert_eq!(desired(77.7, 10), 12);
        // The low edge: 63 / 70 = 0.9 within, 62.3 / 70 = 0.89 → ceil(8.9) = 9.
        assert_eq!(desired(63.0, 10), 10);
        assert_eq!(desired(62.3, 10), 9);
    }

    #[test]
    fn desired_is_the_ceiling_of_current_times_ratio() {
        // 84 / 70 = 1.2: 5 × 1.2 = 6 exactly, not 7.
        assert_eq!(desired(84.0, 5), 6);
        // 85 / 70 = 1.2143: 5 × 1.2143 = 6.07 → 7.
        assert_eq!(desired(85.0, 5), 7);
        // 35 / 70 = 0.5: 5 × 0.5 = 2.5 → 3.
        assert_eq!(desired(35.0, 5), 3);
        // 0 % CPU proposes 0 replicas (the bounds keep the minimum later).
        assert_eq!(desired(0.0, 5), 0);
    }

    #[test]
    fn requests_per_second_is_a_fleet_total_divided_per_replica() {
        let p = HpaPolicy::default();
        // 5 replicas serving 800/s: 160 per replica vs 100 → ratio 1.6 → ceil(8) = 8.
        let x = propose(&sample(Some(70.0), Some(80.0), Some(800.0)), &p, 5).unwrap();
        let rps = &x.proposals[2];
        assert_eq!(rps.per_replica, Some(160.0));
        assert_eq!((rps.ratio, rps.replicas), (Some(1.6), Some(8)));
        assert_eq!(x.winner, Metric::RequestsPerSecond);
        assert_eq!(x.desired, 8);
        assert_eq!(
            describe(rps, 5),
            "requests_per_second 800.0 total = 160.0 per replica over 5 vs target 100 (ratio 1.60) → ceil(5 × 1.60) = 8"
        );
    }

    #[test]
    fn several_metrics_the_largest_proposal_wins() {
        let p = HpaPolicy::default();
        // cpu 35/70 → 3; memory 96/80 = 1.2 → 6; rps 250/5 = 50/100 → 3.
        let x = propose(&sample(Some(35.0), Some(96.0), Some(250.0)), &p, 5).unwrap();
        let each: Vec<Option<u32>> = x.proposals.iter().map(|m| m.replicas).collect();
        assert_eq!(each, vec![Some(3), Some(6), Some(3)]);
        assert_eq!(
            (x.winner, x.desired, x.blocked.clone()),
            (Metric::MemoryPercent, 6, None)
        );
        // Ties go to the first metric.
        let x = propose(&sample(Some(84.0), Some(96.0), Some(0.0)), &p, 5).unwrap();
        assert_eq!((x.winner, x.desired), (Metric::CpuPercent, 6));
    }

    #[test]
    fn an_unknown_metric_blocks_scale_down_but_not_scale_up() {
        let p = HpaPolicy::default();
        // Everything low, memory unknown: would be 3, stays 5.
        let x = propose(&sample(Some(35.0), None, Some(100.0)), &p, 5).unwrap();
        assert_eq!(x.desired, 5);
        assert_eq!(
            x.blocked,
            Some(Limit::UnknownMetricBlocksScaleDown {
                metrics: vec![Metric::MemoryPercent],
                from: 3,
                to: 5
            })
        );
        assert_eq!(x.proposals[1].replicas, None);
        assert!(!x.proposals[1].within_tolerance);
        // High CPU with memory unknown still scales up: 98/70 = 1.4 → 7.
        let x = propose(&sample(Some(98.0), None, Some(100.0)), &p, 5).unwrap();
        assert_eq!((x.desired, x.blocked), (7, None));
        // Every metric unknown: no proposal at all.
        assert_eq!(propose(&sample(None, None, None), &p, 5), None);
    }

    fn lim(desired: u32, current: u32, b: ReplicaBounds) -> (u32, Vec<Limit>) {
        limit(
            desired,
            current,
            b,
            &Behavior::default(),
            &[],
            Timestamp::UNIX_EPOCH,
        )
    }

    #[test]
    fn the_default_scale_up_policy_is_double_or_plus_four() {
        let b = ReplicaBounds { min: 1, max: 1000 };
        let policy = "100% per 15s or 4 pods per 15s (Max)".to_string();
        // current 2: max(4, 6) = 6.
        assert_eq!(
            lim(20, 2, b),
            (
                6,
                vec![Limit::ScaleUpPolicy {
                    from: 20,
                    to: 6,
                    policy
                }]
            )
        );
        // current 10: max(20, 14) = 20.
        assert_eq!(lim(35, 10, b).0, 20);
        assert_eq!(lim(20, 10, b), (20, vec![]));
        // The default scale-down policy (100 %) lets any scale-down through.
        assert_eq!(lim(1, 10, b), (1, vec![]));
    }

    #[test]
    fn bounds_apply_when_they_are_tighter_than_the_policies() {
        let b = ReplicaBounds { min: 3, max: 50 };
        assert_eq!(
            lim(2, 5, b),
            (3, vec![Limit::MinReplicas { from: 2, to: 3 }])
        );
        // 60 from 40: the policy allows 80, max 50 is tighter.
        assert_eq!(
            lim(60, 40, b),
            (50, vec![Limit::MaxReplicas { from: 60, to: 50 }])
        );
        // 100 from 10: the policy (20) is tighter than max 50.
        assert_eq!(lim(100, 10, b).1[0].tag(), "up-policy");
        // The seed's scale-down policy: 50 % per 60 s; 2 removed 30 s ago.
        let seed = Behavior {
            scale_down: behavior::Rules {
                policies: vec![behavior::RatePolicy {
                    kind: behavior::PolicyType::Percent,
                    value: 50,
                    period_seconds: 60,
                }],
                ..behavior::Rules::default_down()
            },
            ..Behavior::default()
        };
        let now = Timestamp::from_second(1_000).unwrap();
        let ev = [ScaleEvent {
            at: Timestamp::from_second(970).unwrap(),
            change: -2,
        }];
        // From 10 (12 at the period's start): at most down to 6.
        let (to, limits) = limit(3, 10, b, &seed, &ev, now);
        assert_eq!(to, 6);
        assert_eq!(
            limits[0].explain(10),
            "3 limited to 6 by the scale-down policy 50% per 60s (Max) from 10"
        );
    }

    #[test]
    fn tolerance_is_per_direction_and_rps_scope_instance_is_per_pod() {
        let p = HpaPolicy {
            tolerance_up: 0.5,
            tolerance_down: 0.0,
            ..HpaPolicy::default()
        };
        let one = |cpu: f64, p: &HpaPolicy| {
            propose(&sample(Some(cpu), Some(80.0), Some(1000.0)), p, 10)
                .map(|x| x.proposals[0].replicas.unwrap())
                .unwrap()
        };
        // 1.4 ≤ 1 + 0.5: no change; 0.99 < 1 − 0: down.
        assert_eq!(one(98.0, &p), 10);
        assert_eq!(one(69.3, &p), 10);
        assert_eq!(one(63.0, &p), 9);
        let inst = HpaPolicy {
            rps_scope: RpsScope::Instance,
            ..HpaPolicy::default()
        };
        let x = propose(&sample(Some(70.0), Some(80.0), Some(150.0)), &inst, 4).unwrap();
        // 150 per pod vs 100: ceil(4 × 1.5) = 6, not divided by 4.
        assert_eq!(
            (x.proposals[2].per_replica, x.proposals[2].replicas),
            (None, Some(6))
        );
        assert!(!explain(&x, 4, &[]).contains("fleet total"));
    }

    #[test]
    fn reasons_name_the_winner_and_every_limit() {
        let p = HpaPolicy::default();
        let x = propose(&sample(Some(98.0), Some(10.0), Some(10.0)), &p, 40).unwrap();
        assert_eq!(x.desired, 56);
        let (target, limits) = lim(x.desired, 40, ReplicaBounds::default());
        assert_eq!(target, 50);
        let r = explain(&x, 40, &limits);
        assert!(
            r.starts_with("cpu_percent 98.0 vs target 70 (ratio 1.40) → ceil(40 × 1.40) = 56 (largest of 3 proposals); 56 lowered to max replicas 50"),
            "{r}"
        );
        let x = propose(&sample(Some(70.0), Some(80.0), Some(500.0)), &p, 5).unwrap();
        assert!(explain(&x, 5, &[]).starts_with("Every metric within tolerance"));
    }
}
