//! Host metrics: CPU from the kernel's cumulative counters, memory from sysinfo, both measured
//! in the process's own cgroup when it runs in a limited one (the only module importing
//! sysinfo).
//!
//! - [`procstat`] reads `/proc/stat`'s aggregate counters; [`cgroup`] finds the process's
//!   cgroup (v2 or v1) and reads its CPU usage, quota, memory and limit; [`usage`] turns two
//!   readings into a utilization (pure).
//! - A reading keeps its counters ([`HostRaw`], `host_raw` in the history line). A one-shot
//!   `collect` measures CPU over the interval since the previous sample of the same instance,
//!   without waiting, when that sample is recent enough and its counters are comparable;
//!   otherwise it waits a short window ([`DEFAULT_WINDOW`], or `--cpu-window`) between two
//!   readings. A long-lived sampler (monitor) measures over the interval between its ticks.
//! - Where there is no `/proc/stat` (not Linux), sysinfo measures CPU over its minimum window.
//! - Memory is `(total − available) / total` from sysinfo (psutil's `virtual_memory().percent`),
//!   or the cgroup's working set against its limit or `--memory-request`.

pub mod cgroup;
pub mod procstat;
pub mod usage;

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

use crate::sample::{CgroupCpu, HostRaw};
use cgroup::Cgroup;
pub use usage::{CpuBasis, RelativeTo};
use usage::{CpuLimits, MIN_INTERVAL};

/// The window waited when there is no earlier reading to measure from (sysinfo's minimum on
/// Linux, as before the interval measurement).
pub const DEFAULT_WINDOW: Duration = Duration::from_millis(200);

/// What the host measures against, and how (`--cpu-window`, `--cpu-request`,
/// `--memory-request`, config `[host]`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HostOptions {
    /// Always measure CPU over a fresh window of this length.
    pub cpu_window: Option<Duration>,
    /// The container's CPU request, in CPUs.
    pub cpu_request: Option<f64>,
    /// The container's memory request, in bytes.
    pub memory_request: Option<u64>,
}

/// How the CPU figure of a reading was measured.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuMeasure {
    /// Over the interval since an earlier reading, or a window.
    pub basis: CpuBasis,
    /// The seconds measured over.
    pub interval_s: f64,
    /// Whole host, cgroup quota or request.
    pub relative_to: RelativeTo,
    /// Why a window was waited instead of an interval (`None` for an interval).
    pub why_window: Option<String>,
}

/// One reading of the host.
#[derive(Debug, Clone, PartialEq)]
pub struct HostReading {
    /// CPU utilization, percent (over 100 possible against a request).
    pub cpu_percent: f64,
    /// Memory utilization, percent (over 100 possible against a request).
    pub memory_percent: f64,
    /// How the CPU figure was measured.
    pub cpu: CpuMeasure,
    /// What memory is relative to.
    pub memory_relative_to: RelativeTo,
    /// The counters read, for the next sample (`None` without `/proc/stat`).
    pub raw: Option<HostRaw>,
}

/// One read of the counters, with the quota that applies now.
#[derive(Debug, Clone)]
struct Snapshot {
    raw: HostRaw,
    quota_cores: Option<f64>,
    at: Instant,
}

/// A sampler: the process's cgroup, sysinfo's memory state and the last counters read.
pub struct HostSampler {
    options: HostOptions,
    cgroup: Cgroup,
    system: System,
    last: Option<Snapshot>,
    /// Why there is no earlier reading (said when the window is waited).
    why_none: Option<String>,
}

impl HostSampler {
    /// A sampler with no earlier reading: the first [`read`](Self::read) waits a window.
    pub fn new(options: HostOptions) -> Result<HostSampler> {
        let kind = RefreshKind::nothing().with_memory(MemoryRefreshKind::nothing().with_ram());
        let system =
            System::new_with_specifics(kind).map_err(|e| anyhow!("reading host metrics: {e}"))?;
        Ok(HostSampler {
            options,
            cgroup: Cgroup::detect(),
            system,
            last: None,
            why_none: None,
        })
    }

    /// A sampler that starts now (monitor): its first reading measures from here.
    pub fn started(options: HostOptions) -> Result<HostSampler> {
        let mut sampler = HostSampler::new(options)?;
        sampler.last = sampler.snapshot();
        Ok(sampler)
    }

    /// Measure from the counters of an earlier sample (`now_ms` is the current time, ms since
    /// the epoch, which its `t_ms` is compared with).
    pub fn measure_from(&mut self, previous: &HostRaw, now_ms: i64) {
        let age = Duration::from_millis(u64::try_from(now_ms - previous.t_ms).unwrap_or(0));
        let at = Instant::now().checked_sub(age).unwrap_or_else(Instant::now);
        self.last = Some(Snapshot {
            raw: previous.clone(),
            quota_cores: None,
            at,
        });
    }

    /// Whether the next [`read`](Self::read) waits: no earlier reading, a forced window, or an
    /// earlier reading younger than the 200 ms minimum interval.
    pub fn will_wait(&self) -> bool {
        self.options.cpu_window.is_some()
            || self
                .last
                .as_ref()
                .is_none_or(|l| l.at.elapsed() < MIN_INTERVAL)
    }

    /// There is no earlier sample to measure from, for this reason (said with the window).
    pub fn no_previous(&mut self, why: String) {
        self.why_none = Some(why);
    }

    fn snapshot(&self) -> Option<Snapshot> {
        let stat = procstat::read()?;
        let cpu = self.cgroup.read_cpu();
        Some(Snapshot {
            raw: HostRaw {
                t_ms: jiff::Timestamp::now().as_millisecond(),
                boot_time: stat.boot_time,
                cpus: Some(stat.cpus),
                stat: Some(stat.times),
                cgroup: cpu.as_ref().map(|c| CgroupCpu {
                    version: c.version.number(),
                    path: c.path.clone(),
                    usage_us: c.usage_us,
                }),
            },
            quota_cores: cpu.and_then(|c| c.quota_cores),
            at: Instant::now(),
        })
    }

    fn limits(&self, now: &Snapshot) -> CpuLimits {
        CpuLimits {
            quota_cores: now.quota_cores,
            request_cores: self.options.cpu_request,
        }
    }

    /// A reading now. CPU is measured since the earlier reading when there is a usable one
    /// (waiting only if it is younger than 200 ms), else over a window; `--cpu-window` always
    /// waits its window.
    pub fn read(&mut self) -> HostReading {
        let last = self.last.take();
        let (cpu_percent, cpu, raw) = match (last, self.options.cpu_window) {
            (Some(before), None) => {
                let since = before.at.elapsed();
                if since < MIN_INTERVAL {
                    std::thread::sleep(MIN_INTERVAL - since);
                }
                match self.snapshot() {
                    Some(now) => {
                        let interval = now.at.duration_since(before.at);
                        match usage::cpu_between(&before.raw, &now.raw, interval, self.limits(&now))
                        {
                            Ok(f) => (
                                f.percent,
                                CpuMeasure {
                                    basis: CpuBasis::Interval,
                                    interval_s: interval.as_secs_f64(),
                                    relative_to: f.relative_to,
                                    why_window: None,
                                },
                                Some(now.raw),
                            ),
                            Err(why) => self.window(DEFAULT_WINDOW, why),
                        }
                    }
                    None => self.window(DEFAULT_WINDOW, "no /proc/stat".into()),
                }
            }
            (_, Some(w)) => self.window(w, "--cpu-window".into()),
            (None, None) => {
                let why = self
                    .why_none
                    .take()
                    .unwrap_or_else(|| "no earlier reading".into());
                self.window(DEFAULT_WINDOW, why)
            }
        };
        self.last = raw.clone().map(|raw| Snapshot {
            quota_cores: None,
            at: Instant::now(),
            raw,
        });
        let (memory_percent, memory_relative_to) = self.memory();
        HostReading {
            cpu_percent: round2(cpu_percent),
            memory_percent: round2(memory_percent),
            cpu,
            memory_relative_to,
            raw,
        }
    }

    /// CPU over a fresh window (sysinfo's where there is no `/proc/stat`).
    fn window(&mut self, window: Duration, why: String) -> (f64, CpuMeasure, Option<HostRaw>) {
        let window = window.max(MIN_INTERVAL);
        if let Some(a) = self.snapshot() {
            std::thread::sleep(window);
            if let Some(b) = self.snapshot() {
                let interval = b.at.duration_since(a.at);
                if let Ok(f) = usage::cpu_between(&a.raw, &b.raw, interval, self.limits(&b)) {
                    let measure = CpuMeasure {
                        basis: CpuBasis::Window,
                        interval_s: interval.as_secs_f64(),
                        relative_to: f.relative_to,
                        why_window: Some(why),
                    };
                    return (f.percent, measure, Some(b.raw));
                }
            }
        }
        (self.sysinfo_cpu(), sysinfo_measure(why), None)
    }

    fn sysinfo_cpu(&self) -> f64 {
        let kind = RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_usage());
        let Ok(mut system) = System::new_with_specifics(kind) else {
            return 0.0;
        };
        std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
        system.refresh_cpu_usage();
        f64::from(system.global_cpu_usage()).clamp(0.0, 100.0)
    }

    fn memory(&mut self) -> (f64, RelativeTo) {
        self.system
            .refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
        let host = (self.system.total_memory(), self.system.available_memory());
        let cgroup = self.cgroup.read_memory().map(|m| (m.working_set, m.limit));
        usage::memory_percent(host, cgroup, self.options.memory_request)
    }
}

fn sysinfo_measure(why: String) -> CpuMeasure {
    CpuMeasure {
        basis: CpuBasis::Sysinfo,
        interval_s: sysinfo::MINIMUM_CPU_UPDATE_INTERVAL.as_secs_f64(),
        relative_to: RelativeTo::Host,
        why_window: Some(why),
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// This machine's host name (the default `instance`).
pub fn hostname() -> Option<String> {
    System::host_name().ok().filter(|h| !h.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plausible_values_from_this_machine_and_then_measures_an_interval() {
        let mut sampler = HostSampler::new(HostOptions::default()).unwrap();
        let first = sampler.read();
        assert!((0.0..=100.0).contains(&first.cpu_percent), "{first:?}");
        assert!(first.memory_percent > 0.0, "{first:?}");
        if first.raw.is_none() {
            eprintln!("no /proc/stat here: measured by sysinfo, no interval to test");
            assert_eq!(first.cpu.basis, CpuBasis::Sysinfo);
            return;
        }
        assert_eq!(first.cpu.basis, CpuBasis::Window);
        assert!(first.cpu.interval_s >= 0.2, "{first:?}");
        let second = sampler.read();
        assert_eq!(second.cpu.basis, CpuBasis::Interval, "{second:?}");
        assert!(
            second.cpu.interval_s >= 0.2,
            "waits out the minimum interval"
        );
    }

    #[test]
    fn a_forced_window_ignores_the_earlier_reading() {
        let options = HostOptions {
            cpu_window: Some(Duration::from_millis(250)),
            ..HostOptions::default()
        };
        let mut sampler = HostSampler::started(options).unwrap();
        let r = sampler.read();
        if r.raw.is_some() {
            assert_eq!(r.cpu.basis, CpuBasis::Window);
            assert_eq!(r.cpu.why_window.as_deref(), Some("--cpu-window"));
            assert!(r.cpu.interval_s >= 0.25, "{r:?}");
        } else {
            assert_eq!(r.cpu.basis, CpuBasis::Sysinfo);
        }
    }
}
