//! The `--window N` noise guard: decide on a statistic (median, mean, p90) of the last N samples
//! per metric instead of on the newest sample alone.
//!
//! A metric the newest sample does not know stays unknown: a missing metric is never smoothed
//! over with older values (it must still block scale-down). Otherwise the statistic is taken over
//! the known values among the last N samples.

use serde::Serialize;

use crate::sample::{Metric, Sample};

/// Which statistic of the window's values to decide on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// The middle value (the mean of the two middle ones for an even count).
    Median,
    /// The arithmetic mean.
    Mean,
    /// The 90th percentile, linearly interpolated between the closest ranks.
    P90,
}

impl Statistic {
    /// The word used in JSON, tables and reasons.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Median => "median",
            Statistic::Mean => "mean",
            Statistic::P90 => "p90",
        }
    }
}

/// The noise guard: the last `samples` samples, reduced by `statistic`. `samples <= 1` is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Smoothing {
    /// How many of the newest samples to reduce (1 = the newest only = off).
    #[serde(rename = "window")]
    pub samples: usize,
    /// How to reduce them.
    pub statistic: Statistic,
}

impl Default for Smoothing {
    fn default() -> Self {
        Smoothing {
            samples: 1,
            statistic: Statistic::Median,
        }
    }
}

impl Smoothing {
    /// Whether the guard changes anything (more than one sample).
    pub fn is_on(self) -> bool {
        self.samples > 1
    }
}

/// `statistic` of `values` (in any order), `None` when there are none.
pub fn reduce(values: &[f64], statistic: Statistic) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match statistic {
        // Summing the sorted values keeps the result independent of the input order.
        Statistic::Mean => Some(sorted.iter().sum::<f64>() / n as f64),
        Statistic::Median => Some(percentile(&sorted, 0.5)),
        Statistic::P90 => Some(percentile(&sorted, 0.9)),
    }
}

/// The `p` quantile of sorted, non-empty `values`, linearly interpolated (numpy's default).
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = p * (sorted.len() - 1) as f64;
    let lower = rank.floor() as usize;
    let upper = rank.ceil() as usize;
    let (lo, hi) = (sorted[lower], sorted[upper.min(sorted.len() - 1)]);
    lo + (hi - lo) * (rank - lower as f64)
}

/// The sample to decide on: the newest, with every metric it knows replaced by the statistic of
/// that metric over the last `smoothing.samples` samples. `None` for an empty history.
pub fn smoothed(history: &[Sample], smoothing: Smoothing) -> Option<Sample> {
    let newest = history.last()?;
    if !smoothing.is_on() {
        return Some(newest.clone());
    }
    let window = &history[history.len().saturating_sub(smoothing.samples)..];
    let mut out = newest.clone();
    for metric in Metric::ALL {
        if newest.get(metric).is_none() {
            continue;
        }
        let values: Vec<f64> = window.iter().filter_map(|s| s.get(metric)).collect();
        out.set(metric, reduce(&values, smoothing.statistic));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu(v: Option<f64>) -> Sample {
        Sample {
            cpu_percent: v,
            memory_percent: Some(50.0),
            ..Sample::default()
        }
    }

    #[test]
    fn statistics_on_hand_computed_values() {
        let v = [10.0, 90.0, 20.0, 40.0, 30.0];
        assert_eq!(reduce(&v, Statistic::Median), Some(30.0));
        assert_eq!(reduce(&v, Statistic::Mean), Some(38.0));
        // Sorted 10 20 30 40 90; rank 0.9 × 4 = 3.6 → 40 + 0.6 × 50 = 70.
        assert_eq!(reduce(&v, Statistic::P90), Some(70.0));
        // Even count: the median is the mean of the two middle values.
        assert_eq!(reduce(&[4.0, 1.0, 3.0, 2.0], Statistic::Median), Some(2.5));
        assert_eq!(reduce(&[7.0], Statistic::P90), Some(7.0));
        assert_eq!(reduce(&[], Statistic::Median), None);
    }

    #[test]
    fn smoothed_uses_only_the_last_n_and_keeps_the_newest_identity() {
        let mut h: Vec<Sample> = [99.0, 10.0, 90.0, 20.0]
            .iter()
            .map(|&v| cpu(Some(v)))
            .collect();
        h[3].instance = Some("web-9".into());
        let s = smoothed(
            &h,
            Smoothing {
                samples: 3,
                statistic: Statistic::Median,
            },
        )
        .unwrap();
        // Median of 10, 90, 20 — the 99 is outside the window.
        assert_eq!(s.cpu_percent, Some(20.0));
        assert_eq!(s.memory_percent, Some(50.0));
        assert_eq!(s.instance.as_deref(), Some("web-9"));
        // A window longer than the history uses all of it.
        let all = smoothed(
            &h,
            Smoothing {
                samples: 50,
                statistic: Statistic::Mean,
            },
        )
        .unwrap();
        assert_eq!(all.cpu_percent, Some(54.75));
    }

    #[test]
    fn off_means_the_newest_sample_unchanged() {
        let h = vec![cpu(Some(10.0)), cpu(Some(90.0))];
        assert_eq!(smoothed(&h, Smoothing::default()), Some(h[1].clone()));
        assert_eq!(smoothed(&[], Smoothing::default()), None);
    }

    #[test]
    fn unknown_in_the_newest_stays_unknown_and_older_unknowns_are_skipped() {
        let w = Smoothing {
            samples: 3,
            statistic: Statistic::Median,
        };
        let h = vec![cpu(Some(80.0)), cpu(Some(90.0)), cpu(None)];
        assert_eq!(smoothed(&h, w).unwrap().cpu_percent, None);
        let h = vec![cpu(Some(80.0)), cpu(None), cpu(Some(90.0))];
        assert_eq!(smoothed(&h, w).unwrap().cpu_percent, Some(85.0));
    }
}
