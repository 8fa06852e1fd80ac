//! The fleet view: a shared history (samples from many instances) folded into one fleet sample
//! per round, so the seed's rules can decide for the whole service.
//!
//! An instance is *live* when its newest sample was taken within `max_age` (a sample without a
//! timestamp is never stale, as everywhere else); the others are listed as stale and left out.
//! Round 0 is every live instance's newest sample, round 1 the one before, and so on; each
//! round is aggregated:
//! - `requests_per_second`, `active_connections`: summed (the fleet serves the sum);
//! - `response_time_ms`, `error_rate`, `cache_hit_rate`: weighted by each instance's requests
//!   per second (a busy instance's latency counts for more); a plain mean when any weight is
//!   unknown or all are zero;
//! - `cpu_percent`, `memory_percent`: the mean, with the max kept as `cpu_percent_max` and
//!   `memory_percent_max` (extra fields).
//!
//! A fleet metric is known only when every instance in the round knows it: a sum or mean over
//! the instances that happen to report would understate the fleet, and an unknown metric must
//! block a scale-down (DESIGN.md), never read as 0.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use crate::sample::{Metric, Sample};

/// The instance name given to samples without one.
pub const UNNAMED: &str = "(unnamed)";

/// One instance as the fleet view saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceSeen {
    /// Its name (`instance` field).
    pub instance: String,
    /// Its newest sample's timestamp.
    pub last_seen: Option<Timestamp>,
    /// Its samples in the history.
    pub samples: usize,
}

/// The history folded per instance and aggregated per round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetView {
    /// Aggregated rounds, oldest first (at most `depth`); the last is the fleet now.
    pub series: Vec<Sample>,
    /// Live instances, by name.
    pub counted: Vec<InstanceSeen>,
    /// Instances not seen within `max_age`, by name.
    pub stale: Vec<InstanceSeen>,
}

impl FleetView {
    /// The newest round's maximum CPU of any instance.
    pub fn cpu_max(&self) -> Option<f64> {
        self.newest_extra("cpu_percent_max")
    }

    /// The newest round's maximum memory of any instance.
    pub fn memory_max(&self) -> Option<f64> {
        self.newest_extra("memory_percent_max")
    }

    fn newest_extra(&self, key: &str) -> Option<f64> {
        self.series.last()?.extra.get(key)?.as_f64()
    }
}

/// The reason to give instead of the policy's when instances were seen but none is live (the
/// policy then waits on an empty series; this says why).
pub fn no_live_instance(view: &FleetView) -> Option<String> {
    (view.counted.is_empty() && !view.stale.is_empty()).then(|| {
        format!(
            "No live instance: {} seen, none within the max age",
            view.stale.len()
        )
    })
}

/// Fold `history` (newest last, any mix of instances) into the fleet view, keeping up to
/// `depth` rounds.
pub fn fleet_view(
    history: &[Sample],
    now: Timestamp,
    max_age: Option<Duration>,
    depth: usize,
) -> FleetView {
    let mut by_instance: BTreeMap<&str, Vec<&Sample>> = BTreeMap::new();
    for s in history {
        by_instance
            .entry(s.instance.as_deref().unwrap_or(UNNAMED))
            .or_default()
            .push(s);
    }
    let mut view = FleetView::default();
    let mut live: Vec<&Vec<&Sample>> = Vec::new();
    for (name, samples) in &by_instance {
        let last_seen = samples.last().and_then(|s| s.timestamp);
        let seen = InstanceSeen {
            instance: (*name).to_string(),
            last_seen,
            samples: samples.len(),
        };
        if is_live(last_seen, max_age, now) {
            view.counted.push(seen);
            live.push(samples);
        } else {
            view.stale.push(seen);
        }
    }
    let rounds = live.iter().map(|v| v.len()).max().unwrap_or(0).min(depth);
    for back in (0..rounds).rev() {
        let members: Vec<&Sample> = live
            .iter()
            .filter_map(|v| v.len().checked_sub(back + 1).map(|i| v[i]))
            .collect();
        view.series.push(aggregate(&members));
    }
    view
}

fn is_live(last_seen: Option<Timestamp>, max_age: Option<Duration>, now: Timestamp) -> bool {
    let (Some(ts), Some(max_age)) = (last_seen, max_age) else {
        return true;
    };
    match Duration::try_from(now.duration_since(ts)) {
        Ok(age) => age <= max_age,
        Err(_) => true, // from the future: not stale
    }
}

/// One fleet sample from one sample per instance (see the module doc for the rules).
pub fn aggregate(members: &[&Sample]) -> Sample {
    let all = |m: Metric| -> Option<Vec<f64>> {
        if members.is_empty() {
            return None;
        }
        members.iter().map(|s| s.get(m)).collect()
    };
    let sum = |m: Metric| all(m).map(|v| v.iter().sum::<f64>());
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let weights = all(Metric::RequestsPerSecond);
    let weighted = |m: Metric| -> Option<f64> {
        let values = all(m)?;
        match &weights {
            Some(w) if w.iter().sum::<f64>() > 0.0 => {
                let total: f64 = w.iter().sum();
                Some(values.iter().zip(w).map(|(v, w)| v * w).sum::<f64>() / total)
            }
            _ => Some(mean(&values)),
        }
    };
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let cpu = all(Metric::CpuPercent);
    let memory = all(Metric::MemoryPercent);
    let mut out = Sample {
        timestamp: members.iter().filter_map(|s| s.timestamp).max(),
        instance: Some("fleet".to_string()),
        cpu_percent: cpu.as_deref().map(mean),
        memory_percent: memory.as_deref().map(mean),
        requests_per_second: sum(Metric::RequestsPerSecond),
        response_time_ms: weighted(Metric::ResponseTimeMs),
        error_rate: weighted(Metric::ErrorRate),
        cache_hit_rate: weighted(Metric::CacheHitRate),
        ..Sample::default()
    };
    out.set(Metric::ActiveConnections, sum(Metric::ActiveConnections));
    out.extra
        .insert("instances".into(), serde_json::Value::from(members.len()));
    for (key, values) in [("cpu_percent_max", &cpu), ("memory_percent_max", &memory)] {
        if let Some(v) = values {
            out.extra
                .insert(key.into(), serde_json::Value::from(max(v)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    fn s(instance: &str, t: i64, cpu: f64, rps: f64, ms: f64) -> Sample {
        Sample {
            timestamp: Some(at(t)),
            instance: Some(instance.into()),
            cpu_percent: Some(cpu),
            memory_percent: Some(cpu / 2.0),
            requests_per_second: Some(rps),
            response_time_ms: Some(ms),
            error_rate: Some(0.0),
            cache_hit_rate: Some(90.0),
            active_connections: Some(10.0),
            ..Sample::default()
        }
    }

    #[test]
    fn aggregates_sums_weighted_latency_mean_and_max() {
        let a = s("a", 0, 90.0, 300.0, 100.0);
        let b = s("b", 1, 30.0, 100.0, 500.0);
        let f = aggregate(&[&a, &b]);
        assert_eq!(f.requests_per_second, Some(400.0));
        assert_eq!(f.active_connections, Some(20.0));
        // (300·100 + 100·500) / 400 = 200, not the plain mean 300.
        assert_eq!(f.response_time_ms, Some(200.0));
        assert_eq!(f.cpu_percent, Some(60.0));
        assert_eq!(f.memory_percent, Some(30.0));
        assert_eq!(f.extra["cpu_percent_max"], 90.0);
        assert_eq!(f.extra["memory_percent_max"], 45.0);
        assert_eq!(f.extra["instances"], 2);
        assert_eq!(f.timestamp, Some(at(1)));
        assert_eq!(f.instance.as_deref(), Some("fleet"));
    }

    #[test]
    fn an_unknown_member_makes_the_fleet_metric_unknown_never_zero() {
        let a = s("a", 0, 90.0, 300.0, 100.0);
        let mut b = s("b", 0, 30.0, 100.0, 500.0);
        b.requests_per_second = None;
        b.cpu_percent = None;
        let f = aggregate(&[&a, &b]);
        assert_eq!(f.requests_per_second, None);
        assert_eq!(f.cpu_percent, None);
        assert!(!f.extra.contains_key("cpu_percent_max"));
        // Latency is known everywhere; without every weight it is the plain mean.
        assert_eq!(f.response_time_ms, Some(300.0));
        assert_eq!(aggregate(&[]).cpu_percent, None);
    }

    #[test]
    fn zero_traffic_latency_is_the_plain_mean() {
        let a = s("a", 0, 10.0, 0.0, 100.0);
        let b = s("b", 0, 10.0, 0.0, 300.0);
        assert_eq!(aggregate(&[&a, &b]).response_time_ms, Some(200.0));
    }

    #[test]
    fn newest_per_live_instance_in_rounds_and_stale_listed() {
        let history = vec![
            s("a", 0, 10.0, 1.0, 1.0),
            s("old", 5, 99.0, 1000.0, 1.0),
            s("b", 10, 20.0, 2.0, 1.0),
            s("a", 100, 30.0, 3.0, 1.0),
            s("b", 110, 40.0, 4.0, 1.0),
            s("a", 200, 50.0, 5.0, 1.0),
        ];
        let view = fleet_view(&history, at(230), Some(Duration::from_secs(150)), 3);
        let names = |v: &[InstanceSeen]| v.iter().map(|i| i.instance.clone()).collect::<Vec<_>>();
        assert_eq!(names(&view.counted), ["a", "b"]);
        assert_eq!(names(&view.stale), ["old"]);
        assert_eq!(view.stale[0].last_seen, Some(at(5)));
        assert_eq!(view.counted[0].samples, 3);
        // Rounds, oldest first: a's 3rd newest alone; then a@100 + b@10; then a@200 + b@110.
        let rps: Vec<f64> = view
            .series
            .iter()
            .map(|s| s.requests_per_second.unwrap())
            .collect();
        assert_eq!(rps, [1.0, 5.0, 9.0]);
        assert_eq!(view.series[2].cpu_percent, Some(45.0));
        assert_eq!(view.cpu_max(), Some(50.0));
        assert_eq!(view.memory_max(), Some(25.0));
        // Depth bounds the rounds; no max age counts everyone.
        let view = fleet_view(&history, at(230), None, 1);
        assert_eq!(view.series.len(), 1);
        assert_eq!(view.counted.len(), 3);
        assert_eq!(view.series[0].requests_per_second, Some(1009.0));
    }

    #[test]
    fn untimed_and_unnamed_samples_are_live_and_grouped() {
        let mut x = s("x", 0, 10.0, 1.0, 1.0);
        x.timestamp = None;
        x.instance = None;
        let view = fleet_view(&[x], at(1_000_000), Some(Duration::from_secs(1)), 3);
        assert_eq!(view.counted[0].instance, UNNAMED);
        assert!(view.stale.is_empty());
        let empty = fleet_view(&[], at(0), None, 3);
        assert!(empty.series.is_empty() && empty.counted.is_empty());
    }
}
