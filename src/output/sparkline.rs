//! Sparklines: a series of optional values drawn with the eight unicode blocks `▁▂▃▄▅▆▇█`.
//!
//! Pure and width-bounded, for `history show` (the whole series, bucketed) and the `monitor`
//! dashboard (the newest values, optionally on a fixed 0–100 scale). Unknown values are a gap (a
//! space), never drawn as 0.

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
/// Heights scale from the smallest to the largest known value of the whole series; a flat series
/// is drawn at mid height. Non-finite values count as unknown.
pub fn sparkline(values: &[Option<f64>], width: usize) -> String {
    draw(bucket(values, width).into_iter(), min_max(values))
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
        assert_eq!(sparkline(&v, 80), "▁▂▃▄▅▆▇█");
        // Scaled to the series' own range, not to zero.
        let v = some(&[50.0, 57.0, 53.5]);
        assert_eq!(sparkline(&v, 80), "▁█▅");
    }

    #[test]
    fn unknown_values_are_gaps_not_zero() {
        let v = vec![Some(10.0), None, Some(20.0), Some(f64::NAN)];
        assert_eq!(sparkline(&v, 10), "▁ █ ");
        assert_eq!(sparkline(&[None, None], 10), "  ");
        assert_eq!(min_max(&v), Some((10.0, 20.0)));
        assert_eq!(min_max(&[None]), None);
    }

    #[test]
    fn flat_series_sit_at_mid_height() {
        assert_eq!(sparkline(&some(&[3.0, 3.0, 3.0]), 5), "▄▄▄");
        assert_eq!(sparkline(&[None, Some(0.0)], 5), " ▄");
    }

    #[test]
    fn long_series_are_averaged_into_width_buckets() {
        // 8 values into 4 buckets: means 0.5, 2.5, 4.5, 6.5 over a 0..7 range.
        let v = some(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(sparkline(&v, 4), "▂▄▆█");
        assert_eq!(sparkline(&v, 4).chars().count(), 4);
        // A bucket with only unknown values is a gap; one known value is enough.
        let v = vec![None, None, Some(1.0), None, Some(9.0), Some(9.0)];
        assert_eq!(sparkline(&v, 3), " ▁█");
        // 100 values into 7 uneven buckets still gives exactly 7 characters.
        let v: Vec<Option<f64>> = (0..100).map(|i| Some(f64::from(i))).collect();
        let line = sparkline(&v, 7);
        assert_eq!(line.chars().count(), 7);
        assert!(line.starts_with('▁') && line.ends_with('█'), "{line}");
    }

    #[test]
    fn zero_width_or_no_values_is_empty() {
        assert_eq!(sparkline(&some(&[1.0, 2.0]), 0), "");
        assert_eq!(sparkline(&[], 10), "");
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
