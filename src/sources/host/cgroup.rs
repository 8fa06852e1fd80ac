//! The process's own cgroup, v2 or v1: CPU usage and quota, memory working set and limit.
//!
//! Where the cgroup is comes from `/proc/self/cgroup` (one line per hierarchy: `0::/path` for
//! v2, `4:cpu,cpuacct:/path` for v1) and `/proc/self/mountinfo` (where each hierarchy is
//! mounted, and which part of it: inside a container the mount's root is the container's
//! cgroup). Files read, as the kubelet and cAdvisor read them:
//!
//! | | v2 | v1 |
//! |---|---|---|
//! | CPU used | `cpu.stat` `usage_usec` | `cpuacct.usage` (ns) |
//! | CPU quota | `cpu.max` (`QUOTA PERIOD`, `max` = none) | `cpu.cfs_quota_us` / `cpu.cfs_period_us` (−1 = none) |
//! | memory used | `memory.current` − `inactive_file` | `memory.usage_in_bytes` − `total_inactive_file` |
//! | memory limit | `memory.max` (`max` = none) | `hierarchical_memory_limit`, else `memory.limit_in_bytes` |
//!
//! Memory "used" is the working set (usage less inactive page cache), which the kubelet
//! evicts on and metrics-server reports to the HPA. Quotas and v2 memory limits are the
//! smallest set on the cgroup or its ancestors within the mount, since those bind too.
//! Everything but [`Cgroup::detect`] and the `read_*` methods is pure parsing.

use std::path::{Path, PathBuf};

/// A cgroup hierarchy version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

impl Version {
    /// 1 or 2 (as stored in the history's `host_raw.cgroup.version`).
    pub fn number(self) -> u8 {
        match self {
            Version::V1 => 1,
            Version::V2 => 2,
        }
    }
}

/// One line of `/proc/self/cgroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The hierarchy id (`0` for v2).
    pub hierarchy: String,
    /// The v1 controllers of the hierarchy (empty for v2).
    pub controllers: Vec<String>,
    /// The cgroup's path in the hierarchy, e.g. `/kubepods/pod1/c1`.
    pub path: String,
}

/// A cgroup file system mounted (from `/proc/self/mountinfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// The part of the hierarchy mounted (`/` unless a container sees only its own cgroup).
    pub root: String,
    /// Where.
    pub point: PathBuf,
    /// `cgroup2` (v2) or `cgroup` (v1).
    pub version: Version,
    /// The v1 controllers it carries (from the super options; empty for v2).
    pub controllers: Vec<String>,
}

/// A cgroup directory of the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The directory holding its files.
    pub dir: PathBuf,
    /// The mount point it is under (ancestors are looked at up to here).
    pub mount: PathBuf,
    /// Its path in the hierarchy.
    pub path: String,
}

/// The process's cgroups for the controllers this reader uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cgroup {
    /// The v2 (unified) cgroup.
    pub v2: Option<Place>,
    /// The v1 `cpu` controller's cgroup (quota).
    pub cpu: Option<Place>,
    /// The v1 `cpuacct` controller's cgroup (usage).
    pub cpuacct: Option<Place>,
    /// The v1 `memory` controller's cgroup.
    pub memory: Option<Place>,
}

/// The cgroup's CPU: usage counter and quota.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuReading {
    /// Which hierarchy the usage is from.
    pub version: Version,
    /// The cgroup's path (usage of different cgroups is not comparable).
    pub path: String,
    /// CPU time used, microseconds.
    pub usage_us: u64,
    /// The quota in CPUs (e.g. 0.5), `None` without one.
    pub quota_cores: Option<f64>,
}

/// The cgroup's memory: working set and limit.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryReading {
    /// Which hierarchy.
    pub version: Version,
    /// Bytes in use less inactive page cache.
    pub working_set: u64,
    /// The limit in bytes, `None` without one (v1's "unlimited" is a huge number: the caller
    /// compares limits with the host's memory).
    pub limit: Option<u64>,
}

/// Parse `/proc/self/cgroup`.
pub fn parse_proc_cgroup(text: &str) -> Vec<Membership> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let hierarchy = parts.next()?.to_string();
            let controllers = parts.next()?;
            let path = parts.next()?.to_string();
            let controllers = controllers
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            Some(Membership {
                hierarchy,
                controllers,
                path,
            })
        })
        .collect()
}

/// The cgroup mounts of `/proc/self/mountinfo`: `ID PARENT MAJ:MIN ROOT POINT OPTIONS
/// [OPTIONAL…] - FSTYPE SOURCE SUPER_OPTIONS`.
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let (left, right) = line.split_once(" - ")?;
            let fields: Vec<&str> = left.split(' ').collect();
            let mut right = right.split(' ');
            let fstype = right.next()?;
            let super_options = right.nth(1).unwrap_or("");
            let version = match fstype {
                "cgroup2" => Version::V2,
                "cgroup" => Version::V1,
                _ => return None,
            };
            let controllers = match version {
                Version::V2 => Vec::new(),
                Version::V1 => super_options
                    .split(',')
                    .filter(|o| !matches!(*o, "rw" | "ro") && !o.contains('='))
                    .map(str::to_string)
                    .collect(),
            };
            Some(Mount {
                root: unescape(fields.get(3)?),
                point: PathBuf::from(unescape(fields.get(4)?)),
                version,
                controllers,
            })
        })
        .collect()
}

/// mountinfo escapes space, tab, newline and backslash as `\ooo` octal.
fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                let v = d.iter().fold(0u32, |a, c| a * 8 + u32::from(c - b'0'));
                out.push(u8::try_from(v).unwrap_or(b'?'));
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where each of the process's cgroups is on disk.
pub fn resolve(memberships: &[Membership], mounts: &[Mount]) -> Cgroup {
    let place = |m: &Membership, mount: &Mount| {
        let rel = match m.path.strip_prefix(mount.root.trim_end_matches('/')) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => m.path.as_str(),
        };
        Place {
            dir: mount.point.join(rel.trim_start_matches('/')),
            mount: mount.point.clone(),
            path: m.path.clone(),
        }
    };
    let mut cgroup = Cgroup::default();
    for m in memberships {
        if m.hierarchy == "0" && m.controllers.is_empty() {
            if let Some(mount) = mounts.iter().find(|x| x.version == Version::V2) {
                cgroup.v2 = Some(place(m, mount));
            }
            continue;
        }
        for (name, slot) in [
            ("cpu", &mut cgroup.cpu),
            ("cpuacct", &mut cgroup.cpuacct),
            ("memory", &mut cgroup.memory),
        ] {
            if !m.controllers.iter().any(|c| c == name) {
                continue;
            }
            let mount = mounts
                .iter()
                .find(|x| x.version == Version::V1 && x.controllers.iter().any(|c| c == name));
            if let Some(mount) = mount {
                *slot = Some(place(m, mount));
            }
        }
    }
    cgroup
}

/// `usage_usec` of a v2 `cpu.stat`.
pub fn parse_cpu_stat_v2(text: &str) -> Option<u64> {
    key_value(text, "usage_usec")
}

/// A v2 `cpu.max` (`QUOTA PERIOD`, quota `max` for none) as CPUs; `Some(None)` is "no quota".
pub fn parse_cpu_max(text: &str) -> Option<Option<f64>> {
    let mut fields = text.split_ascii_whitespace();
    let quota = fields.next()?;
    let period: f64 = fields.next().map_or(Some(100_000.0), |p| p.parse().ok())?;
    if quota == "max" {
        return Some(None);
    }
    let quota: f64 = quota.parse().ok()?;
    (period > 0.0 && quota > 0.0).then_some(Some(quota / period))
}

/// A v1 quota from `cpu.cfs_quota_us` and `cpu.cfs_period_us` (−1: none).
pub fn parse_cfs_quota(quota: &str, period: &str) -> Option<Option<f64>> {
    let quota: i64 = quota.trim().parse().ok()?;
    let period: f64 = period.trim().parse().ok()?;
    if quota < 0 {
        return Some(None);
    }
    (period > 0.0 && quota > 0).then_some(Some(quota as f64 / period))
}

/// A memory limit file (v2 `memory.max`: `max` for none; v1: bytes).
pub fn parse_memory_limit(text: &str) -> Option<Option<u64>> {
    match text.trim() {
        "max" => Some(None),
        v => v.parse().ok().map(Some),
    }
}

/// The value of `key` in a `KEY VALUE` per line file (`cpu.stat`, `memory.stat`).
pub fn key_value(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok())?
    })
}

/// Working set: usage less inactive file pages (never below 0).
pub fn working_set(usage: u64, stat: &str, version: Version) -> u64 {
    let key = match version {
        Version::V2 => "inactive_file",
        Version::V1 => "total_inactive_file",
    };
    usage.saturating_sub(key_value(stat, key).unwrap_or(0))
}

fn read(dir: &Path, file: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(file)).ok()
}

/// The smallest limit `parse` finds in `place`'s directory and its ancestors within the mount.
fn smallest_up(place: &Place, mut parse: impl FnMut(&Path) -> Option<f64>) -> Option<f64> {
    let mut dir = place.dir.as_path();
    let mut best: Option<f64> = None;
    loop {
        if let Some(v) = parse(dir) {
            best = Some(best.map_or(v, |b| b.min(v)));
        }
        if dir == place.mount {
            return best;
        }
        match dir.parent() {
            Some(p) if p.starts_with(&place.mount) => dir = p,
            _ => return best,
        }
    }
}

impl Cgroup {
    /// Find the process's cgroups (two small reads); empty where there are none (not Linux).
    pub fn detect() -> Cgroup {
        let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        resolve(&parse_proc_cgroup(&own), &parse_mountinfo(&mounts))
    }

    /// A v2 cgroup that is not the host's root (the root has no `cpu.max`/`memory.max`; in a
    /// container's namespace `/` is the container and has them).
    fn v2_own(&self, limit_file: &str) -> Option<&Place> {
        self.v2
            .as_ref()
            .filter(|p| p.path != "/" || p.dir.join(limit_file).exists())
    }

    /// The CPU usage and quota: the hierarchy with a quota first, else one where the process is
    /// below the root; `None` at the root of both (host figures then).
    pub fn read_cpu(&self) -> Option<CpuReading> {
        let v2 = self.v2_own("cpu.max").and_then(|p| {
            let usage_us = parse_cpu_stat_v2(&read(&p.dir, "cpu.stat")?)?;
            let quota_cores = smallest_up(p, |d| parse_cpu_max(&read(d, "cpu.max")?)?);
            Some(CpuReading {
                version: Version::V2,
                path: p.path.clone(),
                usage_us,
                quota_cores,
            })
        });
        let v1 = self
            .cpuacct
            .as_ref()
            .filter(|p| p.path != "/")
            .and_then(|p| {
                let ns: u64 = read(&p.dir, "cpuacct.usage")?.trim().parse().ok()?;
                let quota_cores = self.cpu.as_ref().and_then(|c| {
                    smallest_up(c, |d| {
                        parse_cfs_quota(
                            &read(d, "cpu.cfs_quota_us")?,
                            &read(d, "cpu.cfs_period_us")?,
                        )?
                    })
                });
                Some(CpuReading {
                    version: Version::V1,
                    path: p.path.clone(),
                    usage_us: ns / 1000,
                    quota_cores,
                })
            });
        let limited = |r: &Option<CpuReading>| r.as_ref().is_some_and(|r| r.quota_cores.is_some());
        if limited(&v2) || (v2.is_some() && !limited(&v1)) {
            v2
        } else {
            v1
        }
    }

    /// The memory working set and limit, from the hierarchy that has the memory controller
    /// for the process (`None` at the root).
    pub fn read_memory(&self) -> Option<MemoryReading> {
        if let Some(p) = self.v2_own("memory.max") {
            let current = read(&p.dir, "memory.current").and_then(|t| t.trim().parse().ok());
            if let Some(current) = current {
                let stat = read(&p.dir, "memory.stat").unwrap_or_default();
                let limit = smallest_up(p, |d| {
                    parse_memory_limit(&read(d, "memory.max")?)?.map(|v| v as f64)
                });
                return Some(MemoryReading {
                    version: Version::V2,
                    working_set: working_set(current, &stat, Version::V2),
                    limit: limit.map(|v| v as u64),
                });
            }
        }
        let p = self.memory.as_ref().filter(|p| p.path != "/")?;
        let usage: u64 = read(&p.dir, "memory.usage_in_bytes")?.trim().parse().ok()?;
        let stat = read(&p.dir, "memory.stat").unwrap_or_default();
        let limit = key_value(&stat, "hierarchical_memory_limit")
            .or_else(|| parse_memory_limit(&read(&p.dir, "memory.limit_in_bytes")?)?);
        Some(MemoryReading {
            version: Version::V1,
            working_set: working_set(usage, &stat, Version::V1),
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // /proc/self/cgroup and mountinfo of a pod on a cgroup v2 node (containerd, no cgroup
    // namespace: the container sees the whole hierarchy) and of a hybrid v1 host.
    const V2_CGROUP: &str = "0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-c1.scope\n";
    const V2_MOUNTS: &str = "\
24 30 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
";
    const V1_CGROUP: &str = "\
9:name=systemd:/
4:memory:/process_api/5cca
2:cpu,cpuacct:/docker/abc
0::/
";
    const V1_MOUNTS: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";

    #[test]
    fn resolves_a_v2_pod() {
        let c = resolve(&parse_proc_cgroup(V2_CGROUP), &parse_mountinfo(V2_MOUNTS));
        let v2 = c.v2.unwrap();
        assert_eq!(
            v2.dir,
            PathBuf::from(
                "/sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice/cri-containerd-c1.scope"
            )
        );
        assert_eq!(v2.mount, PathBuf::from("/sys/fs/cgroup"));
        assert_eq!((c.cpu, c.cpuacct, c.memory), (None, None, None));
    }

    #[test]
    fn resolves_hybrid_v1_with_a_container_mount_root() {
        let mounts = parse_mountinfo(V1_MOUNTS);
        assert_eq!(mounts.len(), 4, "tmpfs is not a cgroup mount");
        assert_eq!(mounts[0].controllers, ["cpu", "cpuacct"]);
        assert!(
            mounts[2].controllers.is_empty(),
            "name=systemd is no controller"
        );
        let c = resolve(&parse_proc_cgroup(V1_CGROUP), &mounts);
        // The mount's root is the container's cgroup: its files are at the mount point.
        let cpu = c.cpu.unwrap();
        assert_eq!(cpu.dir, PathBuf::from("/sys/fs/cgroup/cpu,cpuacct"));
        assert_eq!(cpu.path, "/docker/abc");
        assert_eq!(c.cpuacct.unwrap().dir, cpu.dir);
        assert_eq!(
            c.memory.unwrap().dir,
            PathBuf::from("/sys/fs/cgroup/memory/process_api/5cca")
        );
        assert_eq!(c.v2.unwrap().dir, PathBuf::from("/sys/fs/cgroup/unified"));
    }

    #[test]
    fn mount_points_are_unescaped() {
        let m = parse_mountinfo("1 2 0:3 / /mnt/a\\040b rw - cgroup2 none rw\n");
        assert_eq!(m[0].point, PathBuf::from("/mnt/a b"));
        assert_eq!(unescape("a\\134b\\9"), "a\\b\\9");
    }

    #[test]
    fn parses_v2_cpu_files() {
        let stat =
            "usage_usec 375337130\nuser_usec 291822699\nsystem_usec 83514430\nnr_periods 10\n";
        assert_eq!(parse_cpu_stat_v2(stat), Some(375_337_130));
        assert_eq!(parse_cpu_stat_v2("user_usec 5\n"), None);
        assert_eq!(parse_cpu_max("50000 100000\n"), Some(Some(0.5)));
        assert_eq!(parse_cpu_max("200000 100000"), Some(Some(2.0)));
        assert_eq!(parse_cpu_max("max 100000\n"), Some(None));
        assert_eq!(parse_cpu_max("max\n"), Some(None));
        assert_eq!(parse_cpu_max("lots 100000"), None);
        assert_eq!(parse_cpu_max(""), None);
        assert_eq!(parse_cpu_max("5000 0"), None);
    }

    #[test]
    fn parses_v2_memory_files() {
        assert_eq!(parse_memory_limit("max\n"), Some(None));
        assert_eq!(parse_memory_limit("268435456\n"), Some(Some(268_435_456)));
        assert_eq!(parse_memory_limit("much"), None);
        let stat = "anon 1000\nfile 9000\nactive_file 3000\ninactive_file 6000\n";
        assert_eq!(working_set(10_000, stat, Version::V2), 4000);
        assert_eq!(working_set(5000, stat, Version::V2), 0, "never below 0");
        assert_eq!(working_set(5000, "", Version::V2), 5000);
    }

    #[test]
    fn parses_v1_files() {
        assert_eq!(parse_cfs_quota("50000\n", "100000\n"), Some(Some(0.5)));
        assert_eq!(parse_cfs_quota("-1\n", "100000\n"), Some(None));
        assert_eq!(parse_cfs_quota("x", "100000"), None);
        let stat = "cache 5\ninactive_file 10\ntotal_inactive_file 400\nhierarchical_memory_limit 9223372036854771712\n";
        assert_eq!(working_set(1000, stat, Version::V1), 600);
        assert_eq!(
            key_value(stat, "hierarchical_memory_limit"),
            Some(9_223_372_036_854_771_712)
        );
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rizk-cg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pod/c1")).unwrap();
        dir
    }

    #[test]
    fn reads_v2_files_with_the_smallest_quota_up_the_tree() {
        let root = scratch("v2");
        let w = |p: &str, t: &str| std::fs::write(root.join(p), t).unwrap();
        w("pod/c1/cpu.stat", "usage_usec 1500000\nuser_usec 1000000\n");
        w("pod/c1/cpu.max", "max 100000\n");
        w("pod/cpu.max", "25000 100000\n");
        w("pod/c1/memory.current", "1048576\n");
        w("pod/c1/memory.stat", "inactive_file 48576\n");
        w("pod/c1/memory.max", "4194304\n");
        w("pod/memory.max", "max\n");
        let c = Cgroup {
            v2: Some(Place {
                dir: root.join("pod/c1"),
                mount: root.clone(),
                path: "/pod/c1".into(),
            }),
            ..Cgroup::default()
        };
        let cpu = c.read_cpu().unwrap();
        assert_eq!((cpu.version, cpu.usage_us), (Version::V2, 1_500_000));
        assert_eq!(
            cpu.quota_cores,
            Some(0.25),
            "the pod's quota binds the container"
        );
        let mem = c.read_memory().unwrap();
        assert_eq!((mem.working_set, mem.limit), (1_000_000, Some(4_194_304)));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_root_cgroup_is_the_host() {
        let root = scratch("root");
        std::fs::write(root.join("cpu.stat"), "usage_usec 5\n").unwrap();
        let at_root = Place {
            dir: root.clone(),
            mount: root.clone(),
            path: "/".into(),
        };
        let c = Cgroup {
            v2: Some(at_root.clone()),
            cpuacct: Some(at_root.clone()),
            memory: Some(at_root),
            ..Cgroup::default()
        };
        assert_eq!(c.read_cpu(), None);
        assert_eq!(c.read_memory(), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
