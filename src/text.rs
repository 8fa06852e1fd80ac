//! Wording shared by every layer's messages and screens: counts with their plural, durations as
//! people read them (`8d 2h 35m`) and fixed-width timestamps. Pure.

use std::time::Duration;

use jiff::Timestamp;

/// `1 sample`, `2 samples`, `0 samples` (`many` is the plural).
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A duration in at most three adjacent units from the largest: `8d 2h 35m`, `5m 30s`, `10s`,
/// `1h 5s`; under a second in milliseconds (`250ms`); zero is `0s`.
pub fn duration(d: Duration) -> String {
    if d.is_zero() {
        return "0s".to_string();
    }
    if d < Duration::from_secs(1) {
        return format!("{}ms", d.as_millis().max(1));
    }
    let secs = d.as_secs();
    let units = [
        (secs / 86_400, "d"),
        (secs % 86_400 / 3600, "h"),
        (secs % 3600 / 60, "m"),
        (secs % 60, "s"),
    ];
    let first = units.iter().position(|(n, _)| *n > 0).unwrap_or(3);
    units[first..(first + 3).min(units.len())]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A timestamp in UTC to the second, always 20 columns: `2026-11-23T18:00:00Z`.
pub fn timestamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The short form for narrow tables, 14 columns: `11-23 18:00:00` (UTC).
pub fn short_timestamp(t: Timestamp) -> String {
    t.strftime("%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_their_plural() {
        assert_eq!(count(1u32, "sample", "samples"), "1 sample");
        assert_eq!(count(0u32, "sample", "samples"), "0 samples");
        assert_eq!(count(12u64, "tick", "ticks"), "12 ticks");
    }

    #[test]
    fn durations_read_like_people_write_them() {
        let s = Duration::from_secs;
        assert_eq!(
            duration(s(8 * 86_400 + 2 * 3600 + 35 * 60 + 17)),
            "8d 2h 35m"
        );
        assert_eq!(duration(s(5 * 60 + 30)), "5m 30s");
        assert_eq!(duration(s(10)), "10s");
        assert_eq!(duration(s(3605)), "1h 5s");
        assert_eq!(duration(s(86_400)), "1d");
        assert_eq!(duration(Duration::from_millis(250)), "250ms");
        assert_eq!(duration(Duration::from_millis(1500)), "1s");
        assert_eq!(duration(Duration::ZERO), "0s");
    }

    #[test]
    fn timestamps_are_fixed_width() {
        let with_ms: Timestamp = "2026-11-23T18:00:00.329Z".parse().unwrap();
        let whole: Timestamp = "2026-11-23T18:00:00Z".parse().unwrap();
        assert_eq!(timestamp(with_ms), "2026-11-23T18:00:00Z");
        assert_eq!(timestamp(whole).len(), timestamp(with_ms).len());
        assert_eq!(short_timestamp(with_ms), "11-23 18:00:00");
    }
}
