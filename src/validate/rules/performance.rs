//! Performance rules, judged on the mean of each metric over the history (every sample that has
//! the metric; unknown values are left out, never read as 0). The thresholds are the seed's
//! checklist; a metric outside its target warns (it describes load, not a misconfiguration).

use super::{Finding, merge, skip};
use crate::sample::{Metric, Sample};
use crate::validate::check::{Check, Status};
use crate::validate::ids;

/// What the history says about one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    /// Mean over the samples that have the metric.
    pub mean: f64,
    /// The newest known value.
    pub latest: f64,
    /// How many samples had it.
    pub count: usize,
}

/// Mean, latest and count of `metric` in `history` (`None` when no sample has it).
pub fn observe(history: &[Sample], metric: Metric) -> Option<Observed> {
    let values: Vec<f64> = history.iter().filter_map(|s| s.get(metric)).collect();
    let latest = *values.last()?;
    let count = values.len();
    Some(Observed {
        mean: values.iter().sum::<f64>() / count as f64,
        latest,
        count,
    })
}

/// `performance.*`: all five checks, in report order.
pub fn all(history: Option<&[Sample]>) -> Vec<Check> {
    [
        (ids::CACHE_HIT_RATE, Metric::CacheHitRate),
        (ids::RESPONSE_TIME, Metric::ResponseTimeMs),
        (ids::ERROR_RATE, Metric::ErrorRate),
        (ids::CPU_UTILIZATION, Metric::CpuPercent),
        (ids::MEMORY_UTILIZATION, Metric::MemoryPercent),
    ]
    .into_iter()
    .map(|(id, metric)| check(id, metric, history))
    .collect()
}

fn check(id: &str, metric: Metric, history: Option<&[Sample]>) -> Check {
    let Some(history) = history else {
        return skip(
            id,
            "a history (run `rizk-scale collect`, or pass --history)",
        );
    };
    let Some(o) = observe(history, metric) else {
        let what = if history.is_empty() {
            "the history is empty".to_string()
        } else {
            format!("no {metric} in the history ({} samples)", history.len())
        };
        return Check::new(id, Status::Skip, what, "");
    };
    let (unit, label) = match metric {
        Metric::ResponseTimeMs => ("ms", "response time"),
        Metric::CacheHitRate => ("%", "cache hit rate"),
        Metric::ErrorRate => ("%", "error rate"),
        Metric::CpuPercent => ("%", "CPU"),
        _ => ("%", "memory"),
    };
    let evidence = format!(
        "{label} {:.1}{unit} (mean of {} sample{}, latest {:.1}{unit})",
        o.mean,
        o.count,
        if o.count == 1 { "" } else { "s" },
        o.latest
    );
    let v = o.mean;
    let finding = match metric {
        Metric::CacheHitRate if v > 80.0 => Finding::pass(format!("{evidence} > 80%")),
        Metric::CacheHitRate if v < 70.0 => Finding::warn(
            format!("{evidence}: low (< 70%)"),
            "raise TTLs or the L1 size; check the key prefix is not per-request",
        ),
        Metric::CacheHitRate => Finding::warn(
            format!("{evidence}: below the 80% target"),
            "raise TTLs or the L1 size to lift the hit rate above 80%",
        ),
        Metric::ResponseTimeMs if v < 500.0 => Finding::pass(format!("{evidence} < 500ms")),
        Metric::ResponseTimeMs => Finding::warn(
            format!("{evidence} ≥ 500ms target"),
            "find the slow path (cache misses, Redis latency) or scale up",
        ),
        Metric::ErrorRate if v < 1.0 => Finding::pass(format!("{evidence} < 1%")),
        Metric::ErrorRate => Finding::warn(
            format!("{evidence} ≥ 1% target"),
            "look at the failing requests before adding instances",
        ),
        Metric::CpuPercent if (60.0..=80.0).contains(&v) => {
            Finding::pass(format!("{evidence} within 60–80%"))
        }
        Metric::CpuPercent if v < 60.0 => Finding::warn(
            format!("{evidence} below the 60–80% band: over-provisioned"),
            "lower the HPA CPU target or minReplicas",
        ),
        Metric::CpuPercent => Finding::warn(
            format!("{evidence} above the 60–80% band: little headroom"),
            "scale up or lower the HPA CPU target",
        ),
        _ if v < 85.0 => Finding::pass(format!("{evidence} < 85%")),
        _ => Finding::warn(
            format!("{evidence} ≥ 85%"),
            "raise the memory limit or scale up",
        ),
    };
    merge(id, vec![finding])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(values: &[(Option<f64>, Option<f64>)]) -> Vec<Sample> {
        values
            .iter()
            .map(|(cache, cpu)| Sample {
                cache_hit_rate: *cache,
                cpu_percent: *cpu,
                ..Sample::default()
            })
            .collect()
    }

    fn status(id: &str, h: &[Sample]) -> (Status, String) {
        let c = all(Some(h)).into_iter().find(|c| c.id == id).unwrap();
        (c.status, c.message)
    }

    #[test]
    fn cache_hit_rate_thresholds() {
        let h = history(&[(Some(90.0), None), (None, None), (Some(92.0), None)]);
        assert_eq!(
            status(ids::CACHE_HIT_RATE, &h),
            (
                Status::Pass,
                "cache hit rate 91.0% (mean of 2 samples, latest 92.0%) > 80%".to_string()
            )
        );
        assert_eq!(
            status(ids::CACHE_HIT_RATE, &history(&[(Some(80.0), None)])).0,
            Status::Warn
        );
        assert_eq!(
            status(ids::CACHE_HIT_RATE, &history(&[(Some(75.0), None)])).0,
            Status::Warn
        );
        let (s, m) = status(ids::CACHE_HIT_RATE, &history(&[(Some(60.0), None)]));
        assert_eq!(s, Status::Warn);
        assert!(m.ends_with("low (< 70%)"), "{m}");
    }

    #[test]
    fn cpu_band_and_unknowns() {
        assert_eq!(
            status(ids::CPU_UTILIZATION, &history(&[(None, Some(60.0))])).0,
            Status::Pass
        );
        assert_eq!(
            status(ids::CPU_UTILIZATION, &history(&[(None, Some(80.0))])).0,
            Status::Pass
        );
        assert_eq!(
            status(ids::CPU_UTILIZATION, &history(&[(None, Some(59.9))])).0,
            Status::Warn
        );
        assert_eq!(
            status(ids::CPU_UTILIZATION, &history(&[(None, Some(80.1))])).0,
            Status::Warn
        );
        let (s, m) = status(
            ids::RESPONSE_TIME,
            &history(&[(None, Some(50.0)), (None, None)]),
        );
        assert_eq!(
            (s, m.as_str()),
            (
                Status::Skip,
                "no response_time_ms in the history (2 samples)"
            )
        );
        let (s, m) = status(ids::ERROR_RATE, &[]);
        assert_eq!((s, m.as_str()), (Status::Skip, "the history is empty"));
        let c = &all(None)[0];
        assert_eq!(c.status, Status::Skip);
        assert!(c.message.starts_with("needs a history"), "{}", c.message);
    }

    #[test]
    fn response_error_memory() {
        let s = |rt: f64, er: f64, mem: f64| Sample {
            response_time_ms: Some(rt),
            error_rate: Some(er),
            memory_percent: Some(mem),
            ..Sample::default()
        };
        let good = [s(200.0, 0.5, 60.0)];
        assert!(
            all(Some(&good))
                .iter()
                .skip(1)
                .take(2)
                .all(|c| c.status == Status::Pass)
        );
        assert_eq!(status(ids::MEMORY_UTILIZATION, &good).0, Status::Pass);
        let bad = [s(500.0, 1.0, 85.0)];
        assert_eq!(status(ids::RESPONSE_TIME, &bad).0, Status::Warn);
        assert_eq!(status(ids::ERROR_RATE, &bad).0, Status::Warn);
        assert_eq!(status(ids::MEMORY_UTILIZATION, &bad).0, Status::Warn);
    }
}
