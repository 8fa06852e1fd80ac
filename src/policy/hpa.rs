//! `--policy hpa`: the Kubernetes HPA's proportional algorithm (`replica_calculator.go`,
//! `horizontal.go`), decided on one sample.
//!
//! - per metric: ratio = value / target; within the tolerance (|ratio − 1| ≤ 0.1) the metric
//!   proposes the current count, otherwise ceil(current × ratio);
//! - several metrics: the largest proposal wins;
//! - any metric unknown: no scale-down (the HPA refuses to scale down on missing metrics);
//! - scale-up limited to max(2 × current, current + 4) per decision (the HPA's default scale-up
//!   policies: 100 % or 4 pods per period, whichever is more);
//! - clamped to the replica bounds.
//!
//! `requests_per_second` in our samples is the fleet's total (what the load balancer serves), so
//! its per-replica value — the HPA's `AverageValue` — is rps / current replicas. Percentages are
//! used as they are (the HPA's `averageUtilization`).
//!
//! Floating point: a ratio that is mathematically on the tolerance edge (77 % against 70 % is
//! exactly 1.1) must count as within it, and ceil(5 × 1.2) must be 6, so both comparisons allow
//! an error of 1e-9.

use std::time::Duration;

use serde::Serialize;

use super::ReplicaBounds;
use crate::sample::{Metric, Sample};

/// Slack for floating-point representation error at the tolerance edge and under `ceil`.
const EPSILON: f64 = 1e-9;

/// The HPA's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct HpaPolicy {
    /// Target per metric (utilization percent, or per-replica value for requests_per_second).
    pub targets: Vec<(Metric, f64)>,
    /// Ratios within this distance of 1 mean "no change" (the HPA's default: 0.1).
    pub tolerance: f64,
    /// A newest sample older than this makes the decision `wait` (None: never stale).
    pub max_age: Option<Duration>,
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
            tolerance: 0.1,
            max_age: Some(Duration::from_secs(15 * 60)),
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
    /// More than max(2 × current, current + 4).
    ScaleUpCap {
        /// The proposal.
        from: u32,
        /// The cap.
        to: u32,
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
            Limit::ScaleUpCap { from, to } => format!(
                "{from} capped to {to} by the scale-up limit max(2 × {current}, {current} + 4)"
            ),
            Limit::MinReplicas { from, to } => format!("{from} raised to --min-replicas {to}"),
            Limit::MaxReplicas { from, to } => format!("{from} lowered to --max-replicas {to}"),
        }
    }

    /// A one-word tag for timelines.
    pub fn tag(&self) -> &'static str {
        match self {
            Limit::UnknownMetricBlocksScaleDown { .. } => "unknown-blocks-down",
            Limit::ScaleUpCap { .. } => "cap",
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
    let per_replica = match metric {
        Metric::RequestsPerSecond => value.map(|v| v / f64::from(current.max(1))),
        _ => None,
    };
    let ratio = per_replica.or(value).map(|v| v / target);
    let within_tolerance = ratio.is_some_and(|r| (r - 1.0).abs() <= policy.tolerance + EPSILON);
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

/// The final count: `desired` limited to max(2 × current, current + 4) and clamped into
/// `bounds`, with every limit that applied.
pub fn limit(desired: u32, current: u32, bounds: ReplicaBounds) -> (u32, Vec<Limit>) {
    let mut limits = Vec::new();
    let mut target = desired;
    let cap = current.saturating_mul(2).max(current.saturating_add(4));
    if target > cap {
        limits.push(Limit::ScaleUpCap {
            from: target,
            to: cap,
        });
        target = cap;
    }
    if target > bounds.max {
        limits.push(Limit::MaxReplicas {
            from: target,
            to: bounds.max,
        });
        target = bounds.max;
    }
    if target < bounds.min {
        limits.push(Limit::MinReplicas {
            from: target,
            to: bounds.min,
        });
        target = bounds.min;
    }
    (target, limits)
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
        .any(|p| p.metric == Metric::RequestsPerSecond)
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

    #[test]
    fn scale_up_is_capped_at_double_or_plus_four() {
        let b = ReplicaBounds { min: 1, max: 1000 };
        // current 2: cap max(4, 6) = 6.
        assert_eq!(
            limit(20, 2, b),
            (6, vec![Limit::ScaleUpCap { from: 20, to: 6 }])
        );
        // current 10: cap max(20, 14) = 20.
        assert_eq!(limit(35, 10, b).0, 20);
        assert_eq!(limit(20, 10, b), (20, vec![]));
        // Scale-down is never capped.
        assert_eq!(limit(1, 10, b), (1, vec![]));
    }

    #[test]
    fn bounds_clamp_after_the_cap() {
        let b = ReplicaBounds { min: 3, max: 50 };
        assert_eq!(
            limit(2, 5, b),
            (3, vec![Limit::MinReplicas { from: 2, to: 3 }])
        );
        // 60 → cap 80 does not apply; max 50 does.
        assert_eq!(
            limit(60, 40, b),
            (50, vec![Limit::MaxReplicas { from: 60, to: 50 }])
        );
        // Both: 100 from 30 → cap 60 → max 50.
        assert_eq!(
            limit(100, 30, b),
            (
                50,
                vec![
                    Limit::ScaleUpCap { from: 100, to: 60 },
                    Limit::MaxReplicas { from: 60, to: 50 }
                ]
            )
        );
        // Already below the minimum and in tolerance: raised to the minimum.
        assert_eq!(limit(1, 1, b).0, 3);
    }

    #[test]
    fn reasons_name_the_winner_and_every_limit() {
        let p = HpaPolicy::default();
        let x = propose(&sample(Some(98.0), Some(10.0), Some(10.0)), &p, 40).unwrap();
        assert_eq!(x.desired, 56);
        let (target, limits) = limit(x.desired, 40, ReplicaBounds::default());
        assert_eq!(target, 50);
        let r = explain(&x, 40, &limits);
        assert!(
            r.starts_with("cpu_percent 98.0 vs target 70 (ratio 1.40) → ceil(40 × 1.40) = 56 (largest of 3 proposals); 56 lowered to --max-replicas 50"),
            "{r}"
        );
        let x = propose(&sample(Some(70.0), Some(80.0), Some(500.0)), &p, 5).unwrap();
        assert!(explain(&x, 5, &[]).starts_with("Every metric within tolerance"));
    }
}
