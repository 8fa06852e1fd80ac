//! The kernel's cumulative CPU counters: the aggregate `cpu` line of `/proc/stat`, the number
//! of `cpuN` lines (online CPUs) and `btime` (boot time). Parsing is pure; [`read`] is the one
//! read of the file.

use crate::sample::CpuTimes;

/// Where Linux keeps them.
pub const PATH: &str = "/proc/stat";

/// What one read of `/proc/stat` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// The aggregate `cpu` line.
    pub times: CpuTimes,
    /// `cpuN` lines.
    pub cpus: u32,
    /// `btime`, seconds since the epoch.
    pub boot_time: Option<u64>,
}

/// Parse `/proc/stat`. `None` without an aggregate `cpu` line of at least the four fields every
/// kernel has (user nice system idle; later fields are 0 when an old kernel lacks them).
pub fn parse(text: &str) -> Option<Stat> {
    let mut times = None;
    let mut cpus = 0u32;
    let mut boot_time = None;
    for line in text.lines() {
        let mut fields = line.split_ascii_whitespace();
        match fields.next() {
            Some("cpu") => times = parse_times(fields),
            Some(name) if name.starts_with("cpu") => cpus += 1,
            Some("btime") => boot_time = fields.next().and_then(|v| v.parse().ok()),
            _ => {}
        }
    }
    Some(Stat {
        times: times?,
        cpus,
        boot_time,
    })
}

fn parse_times<'a>(fields: impl Iterator<Item = &'a str>) -> Option<CpuTimes> {
    let mut v = [0u64; 8];
    let mut n = 0;
    for (slot, field) in v.iter_mut().zip(fields) {
        *slot = field.parse().ok()?;
        n += 1;
    }
    (n >= 4).then_some(CpuTimes {
        user: v[0],
        nice: v[1],
        system: v[2],
        idle: v[3],
        iowait: v[4],
        irq: v[5],
        softirq: v[6],
        steal: v[7],
    })
}

/// Read and parse `/proc/stat`; `None` where there is no such file (not Linux) or it makes no
/// sense.
pub fn read() -> Option<Stat> {
    std::fs::read_to_string(PATH)
        .ok()
        .as_deref()
        .and_then(parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Layout of proc(5), as on a 6.x kernel (10 fields: guest and guest_nice last).
    const TEXT: &str = "cpu  27227 1154 8091 32301 268 0 52 293 0 0
cpu0 13141 520 3933 16853 94 0 11 140 0 0
cpu1 14085 633 4157 15447 173 0 40 153 0 0
intr 1815339 0 9 0 0
ctxt 4143431
btime 1764625287
processes 21640
procs_running 3
procs_blocked 0
softirq 1036521 0 150386 0 1466 95263 0 3102 495770 0 290534
";

    #[test]
    fn parses_the_aggregate_line_cpus_and_boot_time() {
        let s = parse(TEXT).unwrap();
        assert_eq!(
            s.times,
            CpuTimes {
                user: 27227,
                nice: 1154,
                system: 8091,
                idle: 32301,
                iowait: 268,
                irq: 0,
                softirq: 52,
                steal: 293,
            }
        );
        assert_eq!(s.cpus, 2);
        assert_eq!(s.boot_time, Some(1_764_625_287));
        assert_eq!(
            s.times.total(),
            27227 + 1154 + 8091 + 32301 + 268 + 52 + 293
        );
        assert_eq!(s.times.busy(), 27227 + 1154 + 8091 + 52 + 293);
    }

    #[test]
    fn old_kernels_with_four_fields_parse_and_garbage_does_not() {
        let s = parse("cpu 1 2 3 4\ncpu0 1 2 3 4\n").unwrap();
        assert_eq!((s.times.idle, s.times.steal, s.cpus), (4, 0, 1));
        assert_eq!(s.boot_time, None);
        assert_eq!(parse("cpu 1 2 3\n"), None);
        assert_eq!(parse("cpu 1 two 3 4\n"), None);
        assert_eq!(parse("intr 5\n"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn counters_ahead_mean_a_restart_but_iowait_may_go_back() {
        let a = parse(TEXT).unwrap().times;
        let mut later = a;
        later.user += 10;
        later.idle += 5;
        assert!(!a.ahead_of(&later));
        later.iowait -= 1;
        assert!(!a.ahead_of(&later), "iowait can decrease (proc(5))");
        later.idle = 1;
        assert!(a.ahead_of(&later));
    }

    #[test]
    fn reads_this_machine() {
        if !std::path::Path::new(PATH).exists() {
            eprintln!("skipped: no {PATH} on this system");
            return;
        }
        let s = read().unwrap();
        assert!(s.cpus >= 1 && s.times.total() > 0, "{s:?}");
    }
}
