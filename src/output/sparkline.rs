//! Sparklines: a series of optional values drawn with the eight Unicode block heights.
//!
//! Unknown values are drawn as a space (never as the lowest bar: unknown is not 0). The scale
//! is either fixed (percentages: 0–100, so 40% always looks like 40%) or the series' own
//! minimum..maximum, where a flat series sits mid-height.

/// The eight bar heights, lowest first.
pub const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// How values map to bar heights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// A fixed range (values outside it are clamped).
    Fixed(f64, f64),
    /// From the smallest to the largest known value shown.
    Auto,
}

/// The newest `width` values of `values` (oldest first) as a sparkline of at most `width` chars.
pub fn sparkline(values: &[Option<f64>], width: usize, scale: Scale) -> String {
    let shown = &values[values.len().saturating_sub(width)..];
    let known = shown.iter().flatten().copied().filter(|v| v.is_finite());
    let (lo, hi) = match scale {
        Scale::Fixed(lo, hi) => (lo, hi),
        Scale::Auto => known.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        }),
    };
    shown
        .iter()
        .map(|v| match v {
            Some(v) if v.is_finite() => bar(*v, lo, hi),
            _ => ' ',
        })
        .collect()
}

fn bar(v: f64, lo: f64, hi: f64) -> char {
    let span = hi - lo;
    if !span.is_finite() || span <= 0.0 {
        return BARS[3];
    }
    let top = (BARS.len() - 1) as f64;
    let level = (((v - lo) / span).clamp(0.0, 1.0) * top).round();
    // `level` lies in 0..=7.
    BARS[level as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_scale_spans_min_to_max() {
        let v: Vec<Option<f64>> = (0..8).map(|i| Some(f64::from(i))).collect();
        assert_eq!(sparkline(&v, 20, Scale::Auto), "▁▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[Some(10.0), Some(20.0)], 20, Scale::Auto), "▁█");
    }

    #[test]
    fn fixed_scale_clamps_and_keeps_meaning() {
        let v = [Some(0.0), Some(50.0), Some(100.0), Some(250.0)];
        assert_eq!(sparkline(&v, 10, Scale::Fixed(0.0, 100.0)), "▁▅██");
    }

    #[test]
    fn unknown_is_a_gap_and_flat_is_mid_height() {
        let v = [Some(5.0), None, Some(5.0), Some(f64::NAN)];
        assert_eq!(sparkline(&v, 10, Scale::Auto), "▄ ▄ ");
        assert_eq!(sparkline(&[None, None], 10, Scale::Auto), "  ");
        assert_eq!(sparkline(&[], 10, Scale::Auto), "");
    }

    #[test]
    fn only_the_newest_width_values_are_drawn() {
        let v: Vec<Option<f64>> = (0..100).map(|i| Some(f64::from(i))).collect();
        let s = sparkline(&v, 5, Scale::Auto);
        assert_eq!(s.chars().count(), 5);
        assert_eq!(s, "▁▃▅▆█");
    }
}
