//! Sparklines: a series of optional values drawn with the eight unicode blocks `▁▂▃▄▅▆▇█`.
//!
//! Pure and width-bounded, for `history show` (the whole series, bucketed) and the `monitor`
//! dashboard (the newest values). Both draw a metric on the same scale ([`scale_for`]):
//! percentages on a fixed 0–100, other metrics from their smallest to their largest value, and
//! both say so ([`SCALE_NOTE`]). Unknown values are a gap (a space), never drawn as 0.

use crate::sample::Metric;

/// The eight levels, lowest first.
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// How values map to bar heights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// A fixed range (values outside it are clamped): percentages keep their meaning.
    Fixed(f64, f64),
    /// From the smallest to the largest known value shown.
    Auto,
}

/// The scale a metric is drawn on, everywhere: percentages keep their meaning on 0–100 (2.88 %
/// and 2.90 % are both low bars, not `▁` and `█`); other metrics have no natural top, so they
/// run from their smallest to their largest value.
pub fn scale_for(metric: Metric) -> Scale {
    if metric.is_percent() {
        Scale::Fixed(0.0, 100.0)
    } else {
        Scale::Auto
    }
}

/// How [`scale_for`] draws, said under every set of sparklines.
pub const SCALE_NOTE: &str = "% on 0–100, others from their min (▁) to max (█)";

/// The newest `width` values of `values` (oldest first), one character each, on `scale`.
pub fn newest(values: &[Option<f64>], width: usize, scale: Scale) -> String {
    let shown = &values[values.len().saturating_sub(width)..];
    let range = match scale {
        Scale::Fixed(lo, hi) => Some((lo, hi)),
        Scale::Auto => min_max(shown),
    };
    draw(shown.iter().map(|v| v.filter(|x| x.is_finite())), range)
}

/// Bars for `points` within `range` (a flat or missing range draws known points at mid height).
fn draw(points: impl Iterator<Item = Option<f64>>, range: Option<(f64, f64)>) -> String {
    points
        .map(|point| match (point, range) {
            (None, _) => ' ',
            (Some(v), Some((min, max))) if max > min => {
                let level = ((v - min) / (max - min)).clamp(0.0, 1.0) * 7.0;
                // `level` lies in 0..=7.
                BLOCKS[level.round() as usize]
            }
            (Some(_), _) => BLOCKS[3],
        })
        .collect()
}

/// Draw `values` (oldest first) in at most `width` characters.
///
/// One character per value while they fit; a longer series is split into `width` buckets of
/// consecutive values, each drawn as the mean of its known values (a bucket with none is a gap).
/// Heights follow `scale` (`Auto`: from the smallest to the largest known value of the whole
/// series; a flat series is drawn at mid height). Non-finite values count as unknown.
pub fn sparkline(values: &[Option<f64>], width: usize, scale: Scale) -> String {
    let range = match scale {
        Scale::Fixed(lo, hi) => Some((lo, hi)),
        Scale::Auto => min_max(values),
    };
    draw(bucket(values, width).into_iter(), range)
}

/// The smallest and largest known, finite values, if any.
pub fn min_max(values: &[Option<f64>]) -> Option<(f64, f64)> {
    values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// `values` as at most `width` points: themselves when they fit, else bucket means.
fn bucket(values: &[Option<f64>], width: usize) -> Vec<Option<f64>> {
    let known = |v: &Option<f64>| v.filter(|x| x.is_finite());
    if values.len() <= width {
        return values.iter().map(known).collect();
    }
    (0..width)
        .map(|i| {
            let start = i * values.len() / width;
            let end = (i + 1) * values.len() / width;
            let (sum, count) = values[start..end]
                .iter()
                .filter_map(known)
                .fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
            (count > 0).then(|| sum / f64::from(count))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().copied().map(Some).collect()
    }

    #[test]
    fn one_block_per_value_from_lowest_to_highest() {
        let v = some(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(sparkline(&v, 80, Scale::Auto), "▁▂▃▄▅▆▇█");
        // Scaled to the series' own range, not to zero.
        let v = some(&[50.0, 57.0, 53.5]);
        assert_eq!(sparkline(&v, 80, Scale::Auto), "▁█▅");
    }

    #[test]
    fn unknown_values_are_gaps_not_zero() {
        let v = vec![Some(10.0), None, Some(20.0), Some(f64::NAN)];
        assert_eq!(sparkline(&v, 10, Scale::Auto), "▁ █ ");
        assert_eq!(sparkline(&[None, None], 10, Scale::Auto), "  ");
        assert_eq!(min_max(&v), Some((10.0, 20.0)));
        assert_eq!(min_max(&[None]), None);
    }

    #[test]
    fn flat_series_sit_at_mid_height() {
        assert_eq!(sparkline(&some(&[3.0, 3.0, 3.0]), 5, Scale::Auto), "▄▄▄");
        assert_eq!(sparkline(&[None, Some(0.0)], 5, Scale::Auto), " ▄");
    }

    #[test]
    fn long_series_are_averaged_into_width_buckets() {
        // 8 values into 4 buckets: means 0.5, 2.5, 4.5, 6.5 over a 0..7 range.
        let v = some(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(sparkline(&v, 4, Scale::Auto), "▂▄▆█");
        assert_eq!(sparkline(&v, 4, Scale::Auto).chars().count(), 4);
        // A bucket with only unknown values is a gap; one known value is enough.
        let v = vec![None, None, Some(1.0), None, Some(9.0), Some(9.0)];
        assert_eq!(sparkline(&v, 3, Scale::Auto), " ▁█");
        // 100 values into 7 uneven buckets still gives exactly 7 characters.
        let v: Vec<Option<f64>> = (0..100).map(|i| Some(f64::from(i))).collect();
        let line = sparkline(&v, 7, Scale::Auto);
        assert_eq!(line.chars().count(), 7);
        assert!(line.starts_with('▁') && line.ends_with('█'), "{line}");
    }

    #[test]
    fn percentages_keep_their_meaning_and_others_use_their_range() {
        // 2.88 → 2.90 % is flat and low on 0–100, not `▁▁█`.
        let v = some(&[2.88, 2.88, 2.90]);
        assert_eq!(sparkline(&v, 10, scale_for(Metric::ErrorRate)), "▁▁▁");
        assert_eq!(sparkline(&v, 10, scale_for(Metric::ResponseTimeMs)), "▁▁█");
        assert_eq!(scale_for(Metric::CpuPercent), Scale::Fixed(0.0, 100.0));
    }

    #[test]
    fn zero_width_or_no_values_is_empty() {
        assert_eq!(sparkline(&some(&[1.0, 2.0]), 0, Scale::Auto), "");
        assert_eq!(sparkline(&[], 10, Scale::Auto), "");
    }

    #[test]
    fn newest_draws_the_tail_on_a_fixed_or_own_scale() {
        let v: Vec<Option<f64>> = (0..100).map(|i| Some(f64::from(i))).collect();
        assert_eq!(newest(&v, 5, Scale::Auto), "▁▃▅▆█");
        let v = [Some(0.0), Some(50.0), Some(100.0), Some(250.0)];
        assert_eq!(newest(&v, 10, Scale::Fixed(0.0, 100.0)), "▁▅██");
        let v = [Some(5.0), None, Some(5.0), Some(f64::NAN)];
        assert_eq!(newest(&v, 10, Scale::Auto), "▄ ▄ ");
        assert_eq!(newest(&[], 10, Scale::Auto), "");
    }
}
