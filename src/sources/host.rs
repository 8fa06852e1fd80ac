//! Host metrics from sysinfo: global CPU usage and memory in use (the only module importing it).
//!
//! CPU usage needs two readings of the kernel's counters; one-shot sampling waits sysinfo's
//! `MINIMUM_CPU_UPDATE_INTERVAL` (200 ms on Linux) between them instead of the seed's 1 s, and
//! a long-lived sampler (monitor) measures over the interval between its ticks with no wait.
//!
//! Memory is `(total − available) / total`, the figure psutil's `virtual_memory().percent`
//! reports (so numbers match the seed's): "available" counts reclaimable page cache as free,
//! which `used / total` on some platforms does not. Inside a cgroup with a memory limit lower
//! than the host's memory, the limit is the total and the cgroup's RSS the usage, which is what
//! the container's OOM killer compares.

use std::time::Instant;

use anyhow::{Result, anyhow};
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

/// One reading of the host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostReading {
    /// Global CPU usage, 0–100.
    pub cpu_percent: f64,
    /// Memory in use, 0–100.
    pub memory_percent: f64,
    /// Whether a cgroup memory limit was used as the total.
    pub cgroup_limited: bool,
}

/// A sampler owning the sysinfo state between readings.
pub struct HostSampler {
    system: System,
    last_cpu_refresh: Instant,
}

impl HostSampler {
    /// Start sampling: takes the first CPU reading.
    pub fn new() -> Result<HostSampler> {
        let kind = RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_usage())
            .with_memory(MemoryRefreshKind::nothing().with_ram());
        let system =
            System::new_with_specifics(kind).map_err(|e| anyhow!("reading host metrics: {e}"))?;
        Ok(HostSampler {
            system,
            last_cpu_refresh: Instant::now(),
        })
    }

    /// A reading now, with CPU measured since the previous reading. Waits only if the previous
    /// reading is younger than the minimum interval the kernel's counters need.
    pub fn read(&mut self) -> HostReading {
        let since = self.last_cpu_refresh.elapsed();
        if since < sysinfo::MINIMUM_CPU_UPDATE_INTERVAL {
            std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL - since);
        }
        self.system.refresh_cpu_usage();
        self.last_cpu_refresh = Instant::now();
        self.system
            .refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
        let cpu = f64::from(self.system.global_cpu_usage()).clamp(0.0, 100.0);
        let host = (self.system.total_memory(), self.system.available_memory());
        let cgroup = self.system.cgroup_limits().map(|c| (c.total_memory, c.rss));
        let (memory_percent, cgroup_limited) = memory_percent(host, cgroup);
        HostReading {
            cpu_percent: cpu,
            memory_percent,
            cgroup_limited,
        }
    }
}

/// Memory in use as a percentage, from host (total, available) and an optional cgroup
/// (limit, rss). The cgroup wins when its limit is set and lower than the host total.
pub fn memory_percent(host: (u64, u64), cgroup: Option<(u64, u64)>) -> (f64, bool) {
    let ratio = |used: u64, total: u64| (used as f64 / total as f64 * 100.0).clamp(0.0, 100.0);
    match cgroup {
        Some((limit, rss)) if limit > 0 && limit < host.0 => (ratio(rss, limit), true),
        _ if host.0 == 0 => (0.0, false),
        _ => (ratio(host.0.saturating_sub(host.1), host.0), false),
    }
}

/// This machine's host name (the default `instance`).
pub fn hostname() -> Option<String> {
    System::host_name().ok().filter(|h| !h.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_uses_available_not_free() {
        assert_eq!(memory_percent((1000, 250), None), (75.0, false));
        assert_eq!(memory_percent((0, 0), None), (0.0, false));
    }

    #[test]
    fn a_lower_cgroup_limit_wins() {
        assert_eq!(memory_percent((1000, 900), Some((200, 50))), (25.0, true));
        // A limit at or above the host's memory means "no limit".
        assert_eq!(
            memory_percent((1000, 500), Some((u64::MAX, 50))),
            (50.0, false)
        );
        assert_eq!(memory_percent((1000, 500), Some((0, 50))), (50.0, false));
    }

    #[test]
    fn reads_plausible_values_from_this_machine() {
        let mut sampler = HostSampler::new().unwrap();
        let r = sampler.read();
        assert!((0.0..=100.0).contains(&r.cpu_percent));
        assert!(r.memory_percent > 0.0 && r.memory_percent <= 100.0, "{r:?}");
    }
}
