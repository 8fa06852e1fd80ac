//! The seed's threshold rules (`AutoScalingController`), exactly as DESIGN.md states them.
//!
//! - fewer than `min_samples` (3) samples → `wait`; newest sample older than `max_age` → `wait`;
//! - `scale_up` when at least 2 scale-up conditions hold (strict `>`), delta by CPU tier;
//! - `scale_down` when every scale-down condition holds (strict `<`), delta −1;
//! - otherwise `maintain`.
//!
//! An unknown metric never counts toward scale-up and blocks scale-down.

use std::time::Duration;

use jiff::Timestamp;

use super::{Action, CondState, Condition, Direction, Recommendation};
use crate::sample::{Metric, Sample};

/// A CPU tier for the scale-up delta: above `cpu_above` percent, add `delta` replicas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tier {
    /// Strict lower bound on `cpu_percent`.
    pub cpu_above: f64,
    /// Replicas to add.
    pub delta: i64,
}

/// The seed's rules, with every number configurable.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdPolicy {
    /// Scale-up conditions: metric > threshold.
    pub scale_up: Vec<(Metric, f64)>,
    /// Scale-down conditions: metric < threshold.
    pub scale_down: Vec<(Metric, f64)>,
    /// How many scale-up conditions must hold (the seed: 2).
    pub min_up_conditions: usize,
    /// CPU tiers, checked highest first; none matching adds `base_up_delta`.
    pub up_tiers: Vec<Tier>,
    /// Replicas added when no tier matches (the seed: 1).
    pub base_up_delta: i64,
    /// Replicas removed on scale-down (the seed: 1).
    pub down_step: i64,
    /// Samples needed before deciding (the seed: 3); also the window of the reason's averages.
    pub min_samples: usize,
    /// A newest sample older than this makes the decision `wait` (None: never stale).
    pub max_age: Option<Duration>,
}

impl Default for ThresholdPolicy {
    fn default() -> Self {
        ThresholdPolicy {
            scale_up: vec![
                (Metric::CpuPercent, 70.0),
                (Metric::MemoryPercent, 80.0),
                (Metric::RequestsPerSecond, 100.0),
                (Metric::ResponseTimeMs, 1000.0),
                (Metric::ErrorRate, 5.0),
            ],
            scale_down: vec![
                (Metric::CpuPercent, 30.0),
                (Metric::MemoryPercent, 40.0),
                (Metric::RequestsPerSecond, 20.0),
                (Metric::ResponseTimeMs, 200.0),
                (Metric::ErrorRate, 1.0),
            ],
            min_up_conditions: 2,
            up_tiers: vec![
                Tier {
                    cpu_above: 90.0,
                    delta: 3,
                },
                Tier {
                    cpu_above: 80.0,
                    delta: 2,
                },
            ],
            base_up_delta: 1,
            down_step: 1,
            min_samples: 3,
            max_age: Some(Duration::from_secs(15 * 60)),
        }
    }
}

/// Evaluate every condition of `policy` on one sample (scale-up conditions first).
pub fn evaluate(sample: &Sample, policy: &ThresholdPolicy) -> Vec<Condition> {
    let up = policy
        .scale_up
        .iter()
        .map(|&(m, t)| condition(sample, m, t, Direction::Up));
    let down = policy
        .scale_down
        .iter()
        .map(|&(m, t)| condition(sample, m, t, Direction::Down));
    up.chain(down).collect()
}

fn condition(sample: &Sample, metric: Metric, threshold: f64, direction: Direction) -> Condition {
    let value = sample.get(metric);
    let state = match value {
        None => CondState::Unknown,
        Some(v) if direction == Direction::Up && v > threshold => CondState::Met,
        Some(v) if direction == Direction::Down && v < threshold => CondState::Met,
        Some(_) => CondState::NotMet,
    };
    Condition {
        metric,
        direction,
        value,
        threshold,
        state,
        unknown_reason: None,
    }
}

/// Whether the scale-up rule holds on these conditions.
pub fn scale_up_holds(conditions: &[Condition], policy: &ThresholdPolicy) -> bool {
    let met = conditions
        .iter()
        .filter(|c| c.direction == Direction::Up && c.state == CondState::Met)
        .count();
    met >= policy.min_up_conditions
}

/// Whether the scale-down rule holds: every scale-down condition met (unknown blocks).
pub fn scale_down_holds(conditions: &[Condition]) -> bool {
    let mut down = conditions
        .iter()
        .filter(|c| c.direction == Direction::Down)
        .peekable();
    down.peek().is_some() && down.all(|c| c.state == CondState::Met)
}

/// The replicas to add for a scale-up, by the newest sample's CPU tier.
pub fn scale_up_delta(sample: &Sample, policy: &ThresholdPolicy) -> i64 {
    let cpu = sample.cpu_percent;
    let mut tiers = policy.up_tiers.clone();
    tiers.sort_by(|a, b| b.cpu_above.total_cmp(&a.cpu_above));
    tiers
        .iter()
        .find(|t| cpu.is_some_and(|c| c > t.cpu_above))
        .map_or(policy.base_up_delta, |t| t.delta)
}

/// The seed's `get_scaling_recommendation`, over the whole history (newest last).
pub fn recommend(history: &[Sample], policy: &ThresholdPolicy, now: Timestamp) -> Recommendation {
    let samples = history.len();
    let Some(newest) = history.last() else {
        return Recommendation {
            action: Action::Wait,
            replica_delta: 0,
            reason: format!(
                "Insufficient metrics history: 0 of {} samples",
                policy.min_samples
            ),
            samples,
            conditions: Vec::new(),
        };
    };
    recommend_on(history, newest, policy, now)
}

/// [`recommend`], deciding on `evaluated` instead of the newest sample (the `--window` noise
/// guard passes the newest sample with smoothed values). `history` must not be empty.
pub fn recommend_on(
    history: &[Sample],
    evaluated: &Sample,
    policy: &ThresholdPolicy,
    now: Timestamp,
) -> Recommendation {
    let samples = history.len();
    let mut conditions = evaluate(evaluated, policy);
    // Figures older than the max age are not the service's state now: unknown (the decision
    // waits for a fresh sample).
    if history.len() >= policy.min_samples && staleness(evaluated, policy.max_age, now).is_some() {
        for c in &mut conditions {
            c.value = None;
            c.state = CondState::Unknown;
        }
    }
    let (action, replica_delta, reason) = decide(history, evaluated, &conditions, policy, now);
    Recommendation {
        action,
        replica_delta,
        reason,
        samples,
        conditions,
    }
}

fn decide(
    history: &[Sample],
    newest: &Sample,
    conditions: &[Condition],
    policy: &ThresholdPolicy,
    now: Timestamp,
) -> (Action, i64, String) {
    if history.len() < policy.min_samples {
        let missing = policy.min_samples - history.len();
        let reason = format!(
            "Insufficient metrics history: {} of {} samples; waiting for {missing} more sample{}",
            history.len(),
            policy.min_samples,
            if missing == 1 { "" } else { "s" }
        );
        return (Action::Wait, 0, reason);
    }
    if let Some(age) = staleness(newest, policy.max_age, now) {
        return (
            Action::Wait,
            0,
            format!("{age}; waiting for a fresh sample"),
        );
    }
    let recent = &history[history.len().saturating_sub(policy.min_samples.max(1))..];
    let avg = |m| format_avg(average(recent, m), m);
    let up: Vec<&Condition> = conditions
        .iter()
        .filter(|c| c.direction == Direction::Up)
        .collect();
    let met: Vec<String> = up
        .iter()
        .filter(|c| c.state == CondState::Met)
        .map(|&c| describe(c))
        .collect();
    if scale_up_holds(conditions, policy) {
        let reason = format!(
            "{}: {} of {} scale-up conditions, {} needed; High resource usage: CPU {}, Memory {}, Response Time {}",
            met.join(", "),
            met.len(),
            up.len(),
            policy.min_up_conditions,
            avg(Metric::CpuPercent),
            avg(Metric::MemoryPercent),
            avg(Metric::ResponseTimeMs)
        );
        (Action::ScaleUp, scale_up_delta(newest, policy), reason)
    } else if scale_down_holds(conditions) {
        let down: Vec<String> = conditions
            .iter()
            .filter(|c| c.direction == Direction::Down)
            .map(describe)
            .collect();
        let reason = format!(
            "all {} scale-down conditions met ({}); Low resource usage: CPU {}, Memory {}",
            down.len(),
            down.join(", "),
            avg(Metric::CpuPercent),
            avg(Metric::MemoryPercent)
        );
        (Action::ScaleDown, -policy.down_step, reason)
    } else {
        let mut reason = format!(
            "{} of {} needed scale-up conditions",
            met.len(),
            policy.min_up_conditions
        );
        if !met.is_empty() {
            reason.push_str(&format!(" ({})", met.join(", ")));
        }
        let blocking: Vec<String> = conditions
            .iter()
            .filter(|c| c.direction == Direction::Down && c.state != CondState::Met)
            .map(describe)
            .collect();
        if blocking.is_empty() {
            reason.push_str("; no scale-down conditions");
        } else {
            reason.push_str(&format!("; scale-down blocked by {}", blocking.join(", ")));
        }
        (Action::Maintain, 0, reason)
    }
}

/// A number as reasons show it: whole numbers without decimals, others with one.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// One condition as a reason names it: "cpu_percent 100 > 70", "memory_percent 41 ≥ 40",
/// "requests_per_second unknown".
pub fn describe(c: &Condition) -> String {
    let name = c.metric.name();
    let Some(v) = c.value else {
        return format!("{name} unknown");
    };
    let op = match (c.direction, c.state) {
        (Direction::Up, CondState::Met) => ">",
        (Direction::Up, _) => "≤",
        (Direction::Down, CondState::Met) => "<",
        (Direction::Down, _) => "≥",
    };
    format!("{name} {} {op} {}", number(v), number(c.threshold))
}

/// A reason when the newest sample is older than `max_age` at `now`.
pub fn staleness(newest: &Sample, max_age: Option<Duration>, now: Timestamp) -> Option<String> {
    let (max_age, ts) = (max_age?, newest.timestamp?);
    let age = now.duration_since(ts);
    let age = Duration::try_from(age).ok()?; // negative: from the future, not stale
    (age > max_age).then(|| {
        let rounded = Duration::from_secs(age.as_secs());
        format!(
            "Stale metrics: the newest sample is {} old (max age {})",
            crate::text::duration(rounded),
            crate::text::duration(max_age)
        )
    })
}

/// The mean of the known values of `metric` in `samples` (None when all unknown).
pub fn average(samples: &[Sample], metric: Metric) -> Option<f64> {
    let (sum, n) = samples
        .iter()
        .filter_map(|s| s.get(metric))
        .fold((0.0, 0u32), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

fn format_avg(value: Option<f64>, metric: Metric) -> String {
    match (value, metric) {
        (None, _) => "unknown".to_string(),
        (Some(v), Metric::ResponseTimeMs) => format!("{v:.1}ms"),
        (Some(v), _) => format!("{v:.1}%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(cpu: f64, mem: f64, rps: f64, rt: f64, err: f64) -> Sample {
        Sample {
            cpu_percent: Some(cpu),
            memory_percent: Some(mem),
            requests_per_second: Some(rps),
            response_time_ms: Some(rt),
            error_rate: Some(err),
            ..Sample::default()
        }
    }

    fn now() -> Timestamp {
        "2026-11-23T18:00:00Z".parse().unwrap()
    }

    fn run(history: &[Sample]) -> Recommendation {
        recommend(history, &ThresholdPolicy::default(), now())
    }

    fn three(last: Sample) -> Vec<Sample> {
        vec![
            s(50.0, 50.0, 50.0, 500.0, 2.0),
            s(50.0, 50.0, 50.0, 500.0, 2.0),
            last,
        ]
    }

    #[test]
    fn waits_with_fewer_than_three_samples() {
        let r = run(&[]);
        assert_eq!((r.action, r.replica_delta, r.samples), (Action::Wait, 0, 0));
        assert!(r.reason.starts_with("Insufficient metrics history"));
        assert!(r.conditions.is_empty());
        let hot = s(99.0, 99.0, 999.0, 9999.0, 50.0);
        let r = run(&[hot.clone(), hot.clone()]);
        assert_eq!(r.action, Action::Wait);
        assert_eq!(
            r.reason,
            "Insufficient metrics history: 2 of 3 samples; waiting for 1 more sample"
        );
        // The conditions of the newest sample are still shown.
        assert_eq!(r.conditions.len(), 10);
        assert_eq!(
            run(&[hot.clone(), hot.clone(), hot]).action,
            Action::ScaleUp
        );
    }

    #[test]
    fn scale_up_needs_two_conditions() {
        // One condition (cpu) only: maintain.
        let r = run(&three(s(75.0, 50.0, 50.0, 500.0, 2.0)));
        assert_eq!(r.action, Action::Maintain);
        assert_eq!(
            r.reason,
            "1 of 2 needed scale-up conditions (cpu_percent 75 > 70); scale-down blocked by \
             cpu_percent 75 ≥ 30, memory_percent 50 ≥ 40, requests_per_second 50 ≥ 20, \
             response_time_ms 500 ≥ 200, error_rate 2 ≥ 1"
        );
        // cpu + memory.
        assert_eq!(
            run(&three(s(75.0, 85.0, 50.0, 500.0, 2.0))).action,
            Action::ScaleUp
        );
        // Every pair of conditions scales up, even without CPU.
        assert_eq!(
            run(&three(s(10.0, 50.0, 150.0, 1500.0, 2.0))).action,
            Action::ScaleUp
        );
        assert_eq!(
            run(&three(s(10.0, 50.0, 150.0, 500.0, 6.0))).action,
            Action::ScaleUp
        );
        assert_eq!(
            run(&three(s(10.0, 90.0, 50.0, 500.0, 6.0))).action,
            Action::ScaleUp
        );
    }

    #[test]
    fn comparisons_are_strict_at_every_boundary() {
        // Exactly at every scale-up threshold: nothing is met.
        let r = run(&three(s(70.0, 80.0, 100.0, 1000.0, 5.0)));
        assert_eq!(r.action, Action::Maintain);
        assert!(
            r.conditions
                .iter()
                .filter(|c| c.direction == Direction::Up)
                .all(|c| c.state == CondState::NotMet)
        );
        // Exactly at every scale-down threshold: not all below, no scale-down.
        let r = run(&three(s(30.0, 40.0, 20.0, 200.0, 1.0)));
        assert_eq!(r.action, Action::Maintain);
        // Just below every scale-down threshold.
        let r = run(&three(s(29.9, 39.9, 19.9, 199.9, 0.9)));
        assert_eq!((r.action, r.replica_delta), (Action::ScaleDown, -1));
        // One of five at its boundary blocks scale-down.
        for i in 0..5 {
            let mut v = [29.9, 39.9, 19.9, 199.9, 0.9];
            v[i] = [30.0, 40.0, 20.0, 200.0, 1.0][i];
            assert_eq!(
                run(&three(s(v[0], v[1], v[2], v[3], v[4]))).action,
                Action::Maintain,
                "{i}"
            );
        }
    }

    #[test]
    fn replica_tiers_follow_cpu_strictly() {
        let up = |cpu| run(&three(s(cpu, 85.0, 150.0, 500.0, 2.0))).replica_delta;
        assert_eq!(up(95.0), 3);
        assert_eq!(up(90.0), 2);
        assert_eq!(up(90.1), 3);
        assert_eq!(up(80.0), 1);
        assert_eq!(up(80.5), 2);
        assert_eq!(up(50.0), 1);
        let mut unknown_cpu = s(0.0, 85.0, 150.0, 500.0, 2.0);
        unknown_cpu.cpu_percent = None;
        assert_eq!(run(&three(unknown_cpu)).replica_delta, 1);
    }

    #[test]
    fn reasons_quote_averages_of_the_last_three() {
        let h = vec![
            s(99.0, 99.0, 0.0, 0.0, 0.0), // outside the last three: not averaged
            s(80.0, 70.0, 150.0, 600.0, 0.0),
            s(84.0, 82.0, 150.0, 640.0, 0.0),
            s(88.3, 94.0, 150.0, 680.0, 0.0),
        ];
        let r = run(&h);
        assert_eq!(r.action, Action::ScaleUp);
        assert_eq!(
            r.reason,
            "cpu_percent 88.3 > 70, memory_percent 94 > 80, requests_per_second 150 > 100: \
             3 of 5 scale-up conditions, 2 needed; \
             High resource usage: CPU 84.1%, Memory 82.0%, Response Time 640.0ms"
        );
        assert_eq!(r.replica_delta, 2);
        let low = vec![s(10.0, 20.0, 1.0, 50.0, 0.0); 3];
        assert_eq!(
            run(&low).reason,
            "all 5 scale-down conditions met (cpu_percent 10 < 30, memory_percent 20 < 40, \
             requests_per_second 1 < 20, response_time_ms 50 < 200, error_rate 0 < 1); \
             Low resource usage: CPU 10.0%, Memory 20.0%"
        );
    }

    #[test]
    fn unknown_metrics_never_scale_up_and_block_scale_down() {
        let mut only_cpu = Sample {
            cpu_percent: Some(95.0),
            ..Sample::default()
        };
        let r = run(&three(only_cpu.clone()));
        assert_eq!(r.action, Action::Maintain);
        assert_eq!(
            r.conditions
                .iter()
                .filter(|c| c.state == CondState::Unknown)
                .count(),
            8
        );
        only_cpu.memory_percent = Some(90.0);
        assert_eq!(run(&three(only_cpu)).action, Action::ScaleUp);

        let mut low = s(10.0, 20.0, 1.0, 50.0, 0.0);
        low.error_rate = None;
        let r = run(&three(low));
        assert_eq!(r.action, Action::Maintain);
        let err = r
            .conditions
            .iter()
            .find(|c| c.metric == Metric::ErrorRate && c.direction == Direction::Down)
            .unwrap();
        assert_eq!((err.state, err.value), (CondState::Unknown, None));
    }

    #[test]
    fn averages_skip_unknowns_and_say_unknown() {
        let mut a = s(80.0, 90.0, 150.0, 500.0, 2.0);
        a.response_time_ms = None;
        let r = run(&[a.clone(), a.clone(), a]);
        assert!(
            r.reason
                .ends_with("High resource usage: CPU 80.0%, Memory 90.0%, Response Time unknown"),
            "{}",
            r.reason
        );
    }

    #[test]
    fn stale_newest_sample_waits() {
        let mut h = vec![s(95.0, 95.0, 500.0, 50.0, 0.0); 3];
        h[2].timestamp = Some("2026-11-23T17:40:00Z".parse().unwrap()); // 20 minutes old
        let r = run(&h);
        assert_eq!(r.action, Action::Wait);
        assert_eq!(
            r.reason,
            "Stale metrics: the newest sample is 20m old (max age 15m); waiting for a fresh sample"
        );
        h[2].timestamp = Some("2026-11-23T17:50:00Z".parse().unwrap());
        assert_eq!(run(&h).action, Action::ScaleUp);
        // No max age: never stale.
        h[2].timestamp = Some("2020-01-01T00:00:00Z".parse().unwrap());
        let p = ThresholdPolicy {
            max_age: None,
            ..ThresholdPolicy::default()
        };
        assert_eq!(recommend(&h, &p, now()).action, Action::ScaleUp);
        // A timestamp in the future is not stale.
        h[2].timestamp = Some("2030-01-01T00:00:00Z".parse().unwrap());
        assert_eq!(run(&h).action, Action::ScaleUp);
    }

    #[test]
    fn reasons_name_the_deciding_conditions() {
        // The example: requests/s and errors decide, CPU and memory unknown.
        let mut x = s(0.0, 0.0, 148.7, 199.7, 5.3);
        x.cpu_percent = None;
        x.memory_percent = None;
        let r = run(&three(x));
        assert_eq!(r.action, Action::ScaleUp);
        assert!(
            r.reason.starts_with(
                "requests_per_second 148.7 > 100, error_rate 5.3 > 5: 2 of 5 scale-up conditions, 2 needed; High resource usage:"
            ),
            "{}",
            r.reason
        );
        // 100 % CPU alone: one of two needed; the scale-down side names its blockers.
        let mut hot = s(100.0, 41.0, 0.0, 100.0, 0.0);
        hot.requests_per_second = None;
        let r = run(&three(hot));
        assert_eq!(r.action, Action::Maintain);
        assert_eq!(
            r.reason,
            "1 of 2 needed scale-up conditions (cpu_percent 100 > 70); scale-down blocked by \
             cpu_percent 100 ≥ 30, memory_percent 41 ≥ 40, requests_per_second unknown"
        );
        assert!(!r.reason.contains("acceptable range"));
    }

    fn metric_value() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![1 => Just(None), 6 => (0.0f64..2000.0).prop_map(Some)]
    }

    fn sample() -> impl Strategy<Value = Sample> {
        (
            metric_value(),
            metric_value(),
            metric_value(),
            metric_value(),
            metric_value(),
            metric_value(),
        )
            .prop_map(|(c, m, r, t, e, h)| Sample {
                cpu_percent: c.map(|v| v % 100.0),
                memory_percent: m.map(|v| v % 100.0),
                requests_per_second: r,
                response_time_ms: t,
                error_rate: e.map(|v| v % 100.0),
                cache_hit_rate: h.map(|v| v % 100.0),
                ..Sample::default()
            })
    }

    proptest! {
        #[test]
        fn up_and_down_never_both_hold(x in sample()) {
            let p = ThresholdPolicy::default();
            let c = evaluate(&x, &p);
            prop_assert!(!(scale_up_holds(&c, &p) && scale_down_holds(&c)));
        }

        #[test]
        fn extra_fields_and_instance_do_not_change_the_decision(
            h in proptest::collection::vec(sample(), 0..6),
            key in "[a-z_]{1,12}",
            value in any::<i64>(),
        ) {
            let before = run(&h);
            let mut tagged = h.clone();
            for x in &mut tagged {
                x.extra.insert(format!("x_{key}"), value.into());
                x.instance = Some(key.clone());
            }
            prop_assert_eq!(run(&tagged), before);
        }

        #[test]
        fn delta_sign_matches_action(h in proptest::collection::vec(sample(), 0..6)) {
            let r = run(&h);
            match r.action {
                Action::ScaleUp => prop_assert!((1..=3).contains(&r.replica_delta)),
                Action::ScaleDown => prop_assert_eq!(r.replica_delta, -1),
                Action::Maintain | Action::Wait => prop_assert_eq!(r.replica_delta, 0),
            }
        }

        #[test]
        fn forgetting_a_metric_never_causes_a_scale_up_or_down(
            h in proptest::collection::vec(sample(), 3..6),
            which in 0usize..7,
        ) {
            let before = run(&h);
            let mut forgotten = h.clone();
            if let Some(last) = forgotten.last_mut() {
                last.set(Metric::ALL[which], None);
            }
            let after = run(&forgotten);
            if after.action == Action::ScaleUp { prop_assert_eq!(before.action, Action::ScaleUp); }
            if after.action == Action::ScaleDown { prop_assert_eq!(before.action, Action::ScaleDown); }
        }
    }
}
