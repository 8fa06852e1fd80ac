//! CPU and memory utilization from counters (pure): which earlier sample to measure from, CPU
//! over the interval between two readings, memory against a limit or a request.
//!
//! CPU is busy time over elapsed time. On the host that is the `/proc/stat` busy ticks over all
//! ticks (0–100, every CPU counted); in a cgroup it is the cgroup's CPU seconds per second,
//! in CPUs, divided by its quota, or by `--cpu-request` (the HPA's `averageUtilization`,
//! which exceeds 100 when the container uses more than it requested). With a request and no
//! cgroup of its own, the host's busy CPUs are divided by the request.

use std::time::Duration;

use serde::Serialize;

use crate::sample::{HostRaw, Sample};

/// How the CPU figure was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CpuBasis {
    /// Over the interval since the previous sample of this instance (no wait).
    Interval,
    /// Over a short window waited for now.
    Window,
    /// By sysinfo where there is no `/proc/stat` (a window too).
    Sysinfo,
}

impl CpuBasis {
    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            CpuBasis::Interval => "interval",
            CpuBasis::Window => "window",
            CpuBasis::Sysinfo => "sysinfo",
        }
    }
}

/// What a utilization is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelativeTo {
    /// The whole host (all CPUs; memory total).
    Host,
    /// The cgroup's CPU quota or memory limit.
    Limit,
    /// `--cpu-request` / `--memory-request`.
    Request,
}

impl RelativeTo {
    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            RelativeTo::Host => "host",
            RelativeTo::Limit => "limit",
            RelativeTo::Request => "request",
        }
    }
}

/// A CPU utilization and what it is relative to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuFigure {
    /// Percent (may exceed 100 against a request).
    pub percent: f64,
    /// Of what.
    pub relative_to: RelativeTo,
}

/// The denominators CPU may be measured against.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuLimits {
    /// The cgroup's quota in CPUs, if limited.
    pub quota_cores: Option<f64>,
    /// `--cpu-request` in CPUs.
    pub request_cores: Option<f64>,
}

/// Shorter intervals are too coarse for ticks of 10 ms (USER_HZ 100): measure at least this.
pub const MIN_INTERVAL: Duration = Duration::from_millis(200);

/// Boot times further apart than this are two boots (`btime` itself moves by a second or so
/// when the clock is adjusted).
const BOOT_TIME_SLACK_S: u64 = 2;

/// The counters of the newest sample of `instance` that has them, if they can be measured from
/// at `now_ms`: not older than `max_age` (none: any age), not from the future. The error says
/// why not (for `-v`).
pub fn previous<'a>(
    samples: &'a [Sample],
    instance: Option<&str>,
    now_ms: i64,
    max_age: Option<Duration>,
) -> Result<&'a HostRaw, String> {
    let who = instance.unwrap_or("(unnamed)");
    let raw = samples
        .iter()
        .rev()
        .filter(|s| s.instance.as_deref() == instance)
        .find_map(|s| s.host_raw.as_ref())
        .ok_or_else(|| format!("no earlier sample of instance '{who}' with host counters"))?;
    let age_ms = now_ms - raw.t_ms;
    if age_ms < 0 {
        return Err(format!(
            "the previous sample of '{who}' is {} ms in the future (clock change)",
            -age_ms
        ));
    }
    let age = Duration::from_millis(age_ms.unsigned_abs());
    if let Some(max) = max_age.filter(|m| age > *m) {
        return Err(format!(
            "the previous sample of '{who}' is {} old (--max-age {})",
            humantime::format_duration(Duration::from_secs(age.as_secs())),
            humantime::format_duration(max)
        ));
    }
    Ok(raw)
}

/// CPU over `interval` between readings `a` and `b`. The cgroup's counter is used when both
/// readings have it for the same cgroup and there is a quota or a request; otherwise the
/// host's. The error says why the pair cannot be used (reboot, another cgroup, …).
pub fn cpu_between(
    a: &HostRaw,
    b: &HostRaw,
    interval: Duration,
    limits: CpuLimits,
) -> Result<CpuFigure, String> {
    let seconds = interval.as_secs_f64();
    if seconds <= 0.0 {
        return Err("no time passed between the readings".into());
    }
    if let (Some(x), Some(y)) = (a.boot_time, b.boot_time)
        && x.abs_diff(y) > BOOT_TIME_SLACK_S
    {
        return Err("the host rebooted since the previous sample".into());
    }
    let denominator = limits
        .request_cores
        .map(|r| (r, RelativeTo::Request))
        .or(limits.quota_cores.map(|q| (q, RelativeTo::Limit)));
    if let (Some(now), Some((cores, relative_to))) = (&b.cgroup, denominator) {
        let before = a
            .cgroup
            .as_ref()
            .filter(|c| c.path == now.path && c.version == now.version)
            .ok_or_else(|| {
                format!(
                    "the previous sample has no counters of cgroup '{}'",
                    now.path
                )
            })?;
        let used_us = now
            .usage_us
            .checked_sub(before.usage_us)
            .ok_or("the cgroup's CPU counter went back (restarted)")?;
        let used_cores = used_us as f64 / 1e6 / seconds;
        return Ok(CpuFigure {
            percent: used_cores / cores * 100.0,
            relative_to,
        });
    }
    let (Some(x), Some(y)) = (&a.stat, &b.stat) else {
        return Err("no /proc/stat counters in both readings".into());
    };
    if x.ahead_of(y) {
        return Err("the CPU counters went back (the host restarted)".into());
    }
    let total = y.total().saturating_sub(x.total());
    if total == 0 {
        return Err("no CPU ticks passed between the readings".into());
    }
    let busy = y.busy().saturating_sub(x.busy()).min(total) as f64 / total as f64;
    Ok(match limits.request_cores {
        Some(request) => CpuFigure {
            percent: busy * f64::from(b.cpus.unwrap_or(1).max(1)) / request * 100.0,
            relative_to: RelativeTo::Request,
        },
        None => CpuFigure {
            percent: busy * 100.0,
            relative_to: RelativeTo::Host,
        },
    })
}

/// Memory in use as a percentage of the host, a cgroup limit or a request.
///
/// `host` is (total, available) — `(total − available) / total`, the figure psutil's
/// `virtual_memory().percent` reports, "available" counting reclaimable page cache as free.
/// `cgroup` is the process's cgroup's (working set, limit): a limit below the host's memory
/// makes it the whole (v1 says "unlimited" with a huge number). A request divides the
/// cgroup's working set (the host's use outside a cgroup) instead and may give more than 100.
pub fn memory_percent(
    host: (u64, u64),
    cgroup: Option<(u64, Option<u64>)>,
    request: Option<u64>,
) -> (f64, RelativeTo) {
    let ratio = |used: u64, whole: u64| used as f64 / whole as f64 * 100.0;
    let host_used = host.0.saturating_sub(host.1);
    if let Some(request) = request.filter(|r| *r > 0) {
        let used = cgroup.map_or(host_used, |c| c.0);
        return (ratio(used, request), RelativeTo::Request);
    }
    match cgroup {
        Some((ws, Some(limit))) if limit > 0 && limit < host.0 => {
            (ratio(ws, limit).min(100.0), RelativeTo::Limit)
        }
        _ if host.0 == 0 => (0.0, RelativeTo::Host),
        _ => (ratio(host_used, host.0).clamp(0.0, 100.0), RelativeTo::Host),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{CgroupCpu, CpuTimes};

    fn raw(t_ms: i64, busy: u64, idle: u64) -> HostRaw {
        HostRaw {
            t_ms,
            boot_time: Some(1_000),
            cpus: Some(2),
            stat: Some(CpuTimes {
                user: busy,
                idle,
                ..CpuTimes::default()
            }),
            cgroup: None,
        }
    }

    fn with_cgroup(mut r: HostRaw, path: &str, usage_us: u64) -> HostRaw {
        r.cgroup = Some(CgroupCpu {
            version: 2,
            path: path.into(),
            usage_us,
        });
        r
    }

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn host_cpu_is_busy_ticks_over_all_ticks() {
        // 60 s on 2 CPUs at USER_HZ 100: 12 000 ticks, 3 000 of them busy.
        let f = cpu_between(
            &raw(0, 500, 1000),
            &raw(60_000, 3500, 10_000),
            60 * SECOND,
            CpuLimits::default(),
        )
        .unwrap();
        assert_eq!(f.relative_to, RelativeTo::Host);
        assert!((f.percent - 25.0).abs() < 1e-9, "{f:?}");
    }

    #[test]
    fn a_request_without_a_cgroup_divides_the_hosts_busy_cpus() {
        // 25 % of 2 CPUs = 0.5 CPU, against a 200m request: 250 %.
        let limits = CpuLimits {
            quota_cores: None,
            request_cores: Some(0.2),
        };
        let f = cpu_between(&raw(0, 0, 0), &raw(1, 3000, 9000), SECOND, limits).unwrap();
        assert_eq!(f.relative_to, RelativeTo::Request);
        assert!((f.percent - 250.0).abs() < 1e-9, "{f:?}");
    }

    #[test]
    fn cgroup_cpu_is_relative_to_the_quota_or_the_request() {
        // The cgroup used 1.5 CPU-seconds in 3 s: 0.5 CPU.
        let a = with_cgroup(raw(0, 0, 0), "/pod/c1", 10_000_000);
        let b = with_cgroup(raw(3000, 6000, 0), "/pod/c1", 11_500_000);
        let quota = CpuLimits {
            quota_cores: Some(0.5),
            request_cores: None,
        };
        let f = cpu_between(&a, &b, 3 * SECOND, quota).unwrap();
        assert_eq!(f.relative_to, RelativeTo::Limit);
        assert!(
            (f.percent - 100.0).abs() < 1e-9,
            "the host's 100 % is not used"
        );
        let request = CpuLimits {
            request_cores: Some(0.25),
            ..quota
        };
        let f = cpu_between(&a, &b, 3 * SECOND, request).unwrap();
        assert_eq!(f.relative_to, RelativeTo::Request);
        assert!((f.percent - 200.0).abs() < 1e-9, "{f:?}");
        // No quota and no request: the host's figure even inside a cgroup.
        let f = cpu_between(&a, &b, 3 * SECOND, CpuLimits::default()).unwrap();
        assert_eq!((f.relative_to, f.percent), (RelativeTo::Host, 100.0));
    }

    #[test]
    fn unusable_pairs_say_why() {
        let quota = CpuLimits {
            quota_cores: Some(1.0),
            request_cores: None,
        };
        let b = with_cgroup(raw(1000, 10, 10), "/pod/c1", 50);
        let other = with_cgroup(raw(0, 0, 0), "/pod/c2", 10);
        assert!(
            cpu_between(&other, &b, SECOND, quota)
                .unwrap_err()
                .contains("cgroup '/pod/c1'")
        );
        let restarted = with_cgroup(raw(0, 0, 0), "/pod/c1", 60);
        assert!(
            cpu_between(&restarted, &b, SECOND, quota)
                .unwrap_err()
                .contains("went back")
        );
        let none = CpuLimits::default();
        assert!(
            cpu_between(&raw(0, 20, 5), &raw(1000, 10, 10), SECOND, none)
                .unwrap_err()
                .contains("restarted")
        );
        let mut rebooted = raw(0, 0, 0);
        rebooted.boot_time = Some(900);
        assert!(
            cpu_between(&rebooted, &raw(1000, 10, 10), SECOND, none)
                .unwrap_err()
                .contains("rebooted")
        );
        assert!(cpu_between(&raw(0, 1, 1), &raw(1000, 1, 1), SECOND, none).is_err());
        assert!(cpu_between(&raw(0, 1, 1), &raw(0, 2, 2), Duration::ZERO, none).is_err());
    }

    fn sample(instance: &str, raw_at: Option<i64>) -> Sample {
        Sample {
            instance: Some(instance.into()),
            host_raw: raw_at.map(|t| raw(t, 0, 0)),
            ..Sample::default()
        }
    }

    #[test]
    fn the_previous_sample_is_the_newest_of_this_instance_with_counters() {
        let history = [
            sample("web-1", Some(1000)),
            sample("web-1", Some(2000)),
            sample("web-2", Some(3000)),
            sample("web-1", None),
        ];
        let max = Some(Duration::from_secs(60));
        assert_eq!(
            previous(&history, Some("web-1"), 4000, max).unwrap().t_ms,
            2000
        );
        assert_eq!(
            previous(&history, Some("web-2"), 4000, max).unwrap().t_ms,
            3000
        );
        let e = previous(&history, Some("web-3"), 4000, max).unwrap_err();
        assert!(e.contains("'web-3'"), "{e}");
        let e = previous(&history, Some("web-1"), 2000 + 61_000, max).unwrap_err();
        assert!(e.contains("1m 1s old (--max-age 1m)"), "{e}");
        assert!(previous(&history, Some("web-1"), 2000 + 61_000, None).is_ok());
        let e = previous(&history, Some("web-1"), 1500, max).unwrap_err();
        assert!(e.contains("future"), "{e}");
    }

    #[test]
    fn memory_against_host_limit_or_request() {
        assert_eq!(
            memory_percent((1000, 250), None, None),
            (75.0, RelativeTo::Host)
        );
        assert_eq!(memory_percent((0, 0), None, None), (0.0, RelativeTo::Host));
        assert_eq!(
            memory_percent((1000, 900), Some((50, Some(200))), None),
            (25.0, RelativeTo::Limit)
        );
        // v1's "unlimited" (a huge number) and no limit are the host.
        for limit in [Some(u64::MAX), None, Some(0)] {
            assert_eq!(
                memory_percent((1000, 500), Some((50, limit)), None),
                (50.0, RelativeTo::Host)
            );
        }
        // Against a request: the cgroup's working set, else the host's use; may exceed 100.
        assert_eq!(
            memory_percent((1000, 500), Some((300, Some(200))), Some(200)),
            (150.0, RelativeTo::Request)
        );
        assert_eq!(
            memory_percent((1000, 500), None, Some(250)),
            (200.0, RelativeTo::Request)
        );
    }
}
