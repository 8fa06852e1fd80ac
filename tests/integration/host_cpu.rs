//! Host CPU and memory, end to end with the real binary: CPU over the interval since the
//! previous sample (file and Redis histories) agrees with `/proc/stat` read independently by
//! the test under a load the test generates; inside a real cgroup (v1 on this machine's hybrid
//! layout, v2 in the unified hierarchy) the figure follows the cgroup's quota or the request,
//! not the host. Tests that cannot create their cgroup say why and return.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

/// The tests that load the CPU run one at a time (they would skew each other's cgroups).
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn bin() -> PathBuf {
    Command::cargo_bin("rizk-scale")
        .unwrap()
        .get_program()
        .into()
}

/// A busy-looping shell, at most 30 s (`timeout`), killed when dropped. `prelude` runs first
/// in the shell (e.g. moving itself into a cgroup).
struct Load(Child);

impl Load {
    fn start(prelude: &str) -> Load {
        let script = format!("{prelude} exec timeout 30 sh -c 'while :; do :; done'");
        Load(
            Command::new("sh")
                .args(["-c", &script])
                .stdin(Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        // timeout passes SIGTERM on to the loop.
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

/// `collect --json` with `args`, run by `sh` after `prelude` (so it can join a cgroup first).
fn collect(history: &str, prelude: &str, args: &[&str]) -> (Value, String) {
    let mut script =
        format!("{prelude} exec \"$0\" --history \"$1\" -v collect --json --instance host-test");
    for (i, _) in args.iter().enumerate() {
        script.push_str(&format!(" \"${}\"", i + 2));
    }
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .arg(bin())
        .arg(history)
        .args(args)
        .env_remove("RIZK_SCALE_CONFIG")
        .env_remove("RIZK_SCALE_MAX_AGE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "collect failed: {stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = crate::common::schema::validate(&crate::common::schema::schema("collect"), &json);
    assert!(errors.is_empty(), "{errors:?}\n{json:#}");
    (json, stderr)
}

fn cpu(json: &Value) -> f64 {
    json["sample"]["cpu_percent"].as_f64().unwrap()
}

/// Busy and total ticks of `/proc/stat`'s aggregate line, read by the test itself.
fn proc_stat() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/stat").unwrap();
    let line = text.lines().next().unwrap();
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().unwrap())
        .collect();
    let total: u64 = v.iter().sum();
    (total - v[3] - v[4], total)
}

fn percent_between(a: (u64, u64), b: (u64, u64)) -> f64 {
    (b.0 - a.0) as f64 / (b.1 - a.1) as f64 * 100.0
}

fn have_proc_stat() -> bool {
    let ok = Path::new("/proc/stat").exists();
    if !ok {
        eprintln!("skipped: no /proc/stat on this system (CPU is sysinfo's there)");
    }
    ok
}

#[test]
fn interval_cpu_agrees_with_proc_stat_under_a_known_load() {
    if !have_proc_stat() {
        return;
    }
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.jsonl");
    let history = history.to_str().unwrap();
    let _load = Load::start("");
    std::thread::sleep(Duration::from_millis(300));
    let (first, _) = collect(history, "", &[]);
    assert_eq!(first["cpu_basis"], "window", "{first:#}");
    let before = proc_stat();
    std::thread::sleep(Duration::from_secs(3));
    let after = proc_stat();
    let started = Instant::now();
    let (second, stderr) = collect(history, "", &[]);
    let took = started.elapsed();
    assert_eq!(second["cpu_basis"], "interval", "{second:#}\n{stderr}");
    assert_eq!(second["cpu_relative_to"], "host");
    let interval = second["cpu_interval_s"].as_f64().unwrap();
    assert!((3.0..4.0).contains(&interval), "{interval}");
    assert!(
        stderr.contains("over the interval since the previous sample"),
        "{stderr}"
    );
    let independent = percent_between(before, after);
    let measured = cpu(&second);
    eprintln!(
        "interval CPU {measured:.2} % vs /proc/stat read by the test {independent:.2} % \
         (difference {:.2} points; collect took {took:?})",
        (measured - independent).abs()
    );
    assert!(
        (measured - independent).abs() <= 3.0,
        "measured {measured} vs independent {independent}"
    );
    // The load itself is one busy CPU of this machine's CPUs.
    let cpus = std::thread::available_parallelism().unwrap().get() as f64;
    assert!(independent >= 100.0 / cpus * 0.8, "{independent}");
}

#[test]
fn the_window_is_used_when_forced_too_old_or_for_another_instance() {
    if !have_proc_stat() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.jsonl");
    let history = history.to_str().unwrap();
    collect(history, "", &[]);
    let (forced, stderr) = collect(history, "", &["--cpu-window", "300ms"]);
    assert_eq!(forced["cpu_basis"], "window");
    assert!(forced["cpu_interval_s"].as_f64().unwrap() >= 0.3);
    assert!(stderr.contains("(--cpu-window)"), "{stderr}");
    std::thread::sleep(Duration::from_millis(50));
    let (old, stderr) = collect(history, "", &["--max-age", "10ms"]);
    assert_eq!(old["cpu_basis"], "window");
    assert!(stderr.contains("(--max-age 10ms)"), "{stderr}");
    let (warm, _) = collect(history, "", &[]);
    assert_eq!(warm["cpu_basis"], "interval");
    // The counters are kept in every sample line.
    let text = std::fs::read_to_string(history).unwrap();
    assert_eq!(text.lines().count(), 4);
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v["host_raw"]["stat"]["idle"].as_u64().is_some(), "{line}");
    }
}

#[test]
fn redis_history_gives_the_interval_too() {
    if !have_proc_stat() {
        return;
    }
    let Some(redis) = crate::common::redis::Standalone::start(None) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = redis.server.url();
    let prelude = format!(
        "export HOME='{}' XDG_STATE_HOME='{}/state';",
        dir.path().display(),
        dir.path().display()
    );
    let (first, _) = collect(&url, &prelude, &[]);
    assert_eq!(first["cpu_basis"], "window");
    std::thread::sleep(Duration::from_millis(500));
    let (second, stderr) = collect(&url, &prelude, &[]);
    assert_eq!(second["cpu_basis"], "interval", "{stderr}");
    let interval = second["cpu_interval_s"].as_f64().unwrap();
    assert!((0.4..5.0).contains(&interval), "{interval}");
}

/// A cgroup directory made by the test, removed when dropped (its processes are gone first).
struct Made(Vec<PathBuf>);

impl Drop for Made {
    fn drop(&mut self) {
        for dir in &self.0 {
            // A cgroup is removable once its last process has exited.
            for _ in 0..50 {
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if dir.exists() {
                eprintln!("could not remove cgroup {}", dir.display());
            }
        }
    }
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// Make `name` under each of `roots`; `Err` says why not (the test is then skipped).
fn make_cgroups(roots: &[&Path], name: &str) -> Result<Made, String> {
    let mut made = Made(Vec::new());
    for root in roots {
        if !root.join("cgroup.procs").exists() {
            return Err(format!(
                "{} is not a mounted cgroup hierarchy",
                root.display()
            ));
        }
        let dir = root.join(name);
        std::fs::create_dir(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
        made.0.push(dir);
    }
    Ok(made)
}

fn join_script(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| format!("echo $$ > '{}/cgroup.procs' || exit 97;", d.display()))
        .collect()
}

fn read_u64(path: &Path, key: Option<&str>) -> u64 {
    let text = std::fs::read_to_string(path).unwrap();
    match key {
        None => text.trim().parse().unwrap(),
        Some(k) => text
            .lines()
            .find_map(|l| l.strip_prefix(k)?.trim().parse().ok())
            .unwrap(),
    }
}

/// Two collects 2 s apart in the cgroup (a busy loop in it): the second's figure, and the
/// figure the test computes from the cgroup's own counter over the same time, against
/// `cores`; plus the cgroup's usage relative to the whole host, and the host's CPU.
struct InCgroup {
    json: Value,
    independent: f64,
    /// The figure from the two counters collect recorded (`host_raw.cgroup`), each checked to
    /// lie between the test's own readings of the cgroup's counter just before and after that
    /// collect ran: the counter collect read is this cgroup's.
    recorded: f64,
    of_host: f64,
    host: f64,
}

/// collect's figure is its recorded counters' (up to rounding and the ms of `t_ms`), and near the cgroup's
/// counter over the test's own 2 s window — which is shorter than collect's interval (that one
/// also holds the two collects' own start-up and exit, and other tests load the machine), so
/// the second check allows 15 points: still far from the host-relative figure (a tenth) or the
/// wrong basis (half or twice).
fn close_to_the_cgroup(measured: f64, r: &InCgroup) {
    assert!(
        (measured - r.recorded).abs() <= 1.0,
        "collect {measured} vs {} from the counters it recorded",
        r.recorded
    );
    assert!(
        (measured - r.independent).abs() <= 15.0,
        "collect {measured} vs the cgroup's counter over the test's window {}",
        r.independent
    );
}

/// `host_raw.cgroup.usage_us` and `host_raw.t_ms` of the history's last line.
fn recorded_counters(history: &str) -> (u64, i64) {
    let text = std::fs::read_to_string(history).unwrap();
    let line: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let raw = &line["host_raw"];
    (
        raw["cgroup"]["usage_us"].as_u64().unwrap(),
        raw["t_ms"].as_i64().unwrap(),
    )
}

/// Run collect, checking that the cgroup counter it recorded lies within the test's readings
/// around the run; returns its JSON, stderr and the recorded (usage µs, time ms).
fn collect_bracketed(
    history: &str,
    join: &str,
    args: &[&str],
    usage: &impl Fn() -> u64,
) -> (Value, String, (u64, i64)) {
    let before = usage();
    let (json, stderr) = collect(history, join, args);
    let after = usage();
    let recorded = recorded_counters(history);
    assert!(
        (before..=after).contains(&recorded.0),
        "collect recorded usage {} µs, the cgroup's counter read {before}..{after} µs around it",
        recorded.0
    );
    (json, stderr, recorded)
}

fn run_in_cgroup(join: &str, usage: impl Fn() -> u64, cores: f64, args: &[&str]) -> InCgroup {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.jsonl");
    let history = history.to_str().unwrap();
    let _load = Load::start(join);
    std::thread::sleep(Duration::from_millis(500));
    let (_, _, first) = collect_bracketed(history, join, args, &usage);
    let (u0, t0, h0) = (usage(), Instant::now(), proc_stat());
    std::thread::sleep(Duration::from_secs(2));
    let (u1, t1, h1) = (usage(), Instant::now(), proc_stat());
    let (json, stderr, second) = collect_bracketed(history, join, args, &usage);
    assert_eq!(json["cpu_basis"], "interval", "{stderr}");
    let recorded =
        (second.0 - first.0) as f64 / 1e6 / ((second.1 - first.1) as f64 / 1e3) / cores * 100.0;
    let used_cores = (u1 - u0) as f64 / 1e6 / (t1 - t0).as_secs_f64();
    // The loop did run in the cgroup (a failed join would leave it idle, proving nothing).
    assert!(
        used_cores >= 0.3 * cores,
        "the cgroup used only {used_cores} CPUs"
    );
    let cpus = std::thread::available_parallelism().unwrap().get() as f64;
    let r = InCgroup {
        independent: used_cores / cores * 100.0,
        recorded,
        of_host: used_cores / cpus * 100.0,
        host: percent_between(h0, h1),
        json,
    };
    eprintln!(
        "in the cgroup: collect says {:.2} % ({}), from the counters it recorded {:.2} %, the \
         cgroup's counter over the test's 2 s {:.2} %; the same usage of the whole host {:.2} %, \
         the host's CPU {:.2} %",
        cpu(&r.json),
        r.json["cpu_relative_to"],
        r.recorded,
        r.independent,
        r.of_host,
        r.host
    );
    r
}

#[test]
fn cgroup_v1_cpu_follows_the_quota_and_memory_the_limit() {
    if !have_proc_stat() {
        return;
    }
    let base = Path::new("/sys/fs/cgroup");
    let roots = [base.join("cpu"), base.join("cpuacct"), base.join("memory")];
    let name = unique("rizk-v1");
    let made = match make_cgroups(
        &roots.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
        &name,
    ) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: cannot create a cgroup v1 to run in: {why}");
            return;
        }
    };
    let _serial = serial();
    let cpu_dir = &made.0[0];
    // A quota of 20 % of one CPU, and a 512 MiB memory limit.
    std::fs::write(cpu_dir.join("cpu.cfs_period_us"), "100000").unwrap();
    std::fs::write(cpu_dir.join("cpu.cfs_quota_us"), "20000").unwrap();
    std::fs::write(made.0[2].join("memory.limit_in_bytes"), "536870912").unwrap();
    let join = join_script(&made.0);
    let acct = made.0[1].join("cpuacct.usage");
    let usage = || read_u64(&acct, None) / 1000;

    let r = run_in_cgroup(&join, usage, 0.2, &[]);
    assert_eq!(r.json["cpu_relative_to"], "limit", "{:#}", r.json);
    let measured = cpu(&r.json);
    close_to_the_cgroup(measured, &r);
    // The quota binds the busy loop, and the figure is relative to it: ten times what the
    // same usage is of this 2-CPU host.
    assert!(measured <= 110.0, "{measured}");
    assert!(measured >= 3.0 * r.of_host, "{measured} vs {}", r.of_host);
    assert_eq!(r.json["memory_relative_to"], "limit");
    let memory = r.json["sample"]["memory_percent"].as_f64().unwrap();
    assert!(memory > 0.0 && memory < 50.0, "{memory}");

    // Against a request of 100m the same usage is about twice the quota's figure.
    let r = run_in_cgroup(
        &join,
        usage,
        0.1,
        &["--cpu-request", "100m", "--memory-request", "64Mi"],
    );
    assert_eq!(r.json["cpu_relative_to"], "request");
    assert_eq!(r.json["memory_relative_to"], "request");
    let measured = cpu(&r.json);
    close_to_the_cgroup(measured, &r);
    drop(made);
    assert!(
        !roots[0].join(&name).exists(),
        "the test's cgroup is removed"
    );
}

#[test]
fn cgroup_v2_cpu_follows_the_request_and_the_quota_where_the_controller_is() {
    if !have_proc_stat() {
        return;
    }
    // On the hybrid layout the unified hierarchy is at /sys/fs/cgroup/unified; on a v2-only
    // machine at /sys/fs/cgroup itself.
    let base = Path::new("/sys/fs/cgroup");
    let root = if base.join("unified/cgroup.procs").exists() {
        base.join("unified")
    } else if base.join("cgroup.controllers").exists() {
        base.to_path_buf()
    } else {
        eprintln!("skipped: no cgroup v2 (unified) hierarchy mounted at /sys/fs/cgroup[/unified]");
        return;
    };
    let name = unique("rizk-v2");
    let made = match make_cgroups(&[&root], &name) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: cannot create a cgroup v2 to run in: {why}");
            return;
        }
    };
    let _serial = serial();
    let dir = made.0[0].clone();
    let join = join_script(&made.0);
    let stat = dir.join("cpu.stat");
    let usage = || read_u64(&stat, Some("usage_usec "));

    // usage_usec is kept for every v2 cgroup; against a 500m request.
    let r = run_in_cgroup(&join, usage, 0.5, &["--cpu-request", "500m"]);
    assert_eq!(r.json["cpu_relative_to"], "request", "{:#}", r.json);
    let measured = cpu(&r.json);
    close_to_the_cgroup(measured, &r);
    assert!(measured >= 2.0 * r.of_host, "{measured} vs {}", r.of_host);

    let controllers = std::fs::read_to_string(root.join("cgroup.controllers")).unwrap_or_default();
    if !controllers.split_whitespace().any(|c| c == "cpu") {
        eprintln!(
            "skipped the cpu.max part: the cpu controller is not in the unified hierarchy here \
             (cgroup.controllers: '{}'; it is bound to v1), so no cgroup v2 quota can be set — \
             cpu.max parsing is covered by the unit tests",
            controllers.trim()
        );
        return;
    }
    let enable = std::fs::write(root.join("cgroup.subtree_control"), "+cpu");
    if let Err(e) = enable.and_then(|()| std::fs::write(dir.join("cpu.max"), "20000 100000")) {
        eprintln!("skipped the cpu.max part: cannot set a v2 quota: {e}");
        return;
    }
    let r = run_in_cgroup(&join, usage, 0.2, &[]);
    assert_eq!(r.json["cpu_relative_to"], "limit", "{:#}", r.json);
    let measured = cpu(&r.json);
    close_to_the_cgroup(measured, &r);
    assert!(measured <= 110.0, "{measured}");
}

#[test]
fn config_host_section_sets_the_requests_and_flags_win() {
    if !have_proc_stat() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.jsonl");
    let history = history.to_str().unwrap();
    let config = dir.path().join("rizk-scale.toml");
    std::fs::write(
        &config,
        "[host]\ncpu_request = 0.25\nmemory_request = \"64Mi\"\ncpu_window = \"250ms\"\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let (json, _) = collect(history, "", &["--config", config]);
    assert_eq!(json["cpu_relative_to"], "request");
    assert_eq!(json["memory_relative_to"], "request");
    assert_eq!(
        json["cpu_basis"], "window",
        "host.cpu_window forces the window"
    );
    assert!(json["cpu_interval_s"].as_f64().unwrap() >= 0.25);
    // A flag wins over the file; without a request the host's figures are back.
    let (json, _) = collect(history, "", &["--config", config, "--cpu-request", "2"]);
    assert_eq!(json["cpu_relative_to"], "request");
    let cpus = std::thread::available_parallelism().unwrap().get() as f64;
    // Against a request of 2 CPUs, all of this host's CPUs busy is at most cpus / 2 × 100 %.
    assert!(cpu(&json) <= cpus / 2.0 * 100.0 + 0.01, "{json:#}");
    let (json, _) = collect(history, "", &[]);
    assert_ne!(json["cpu_relative_to"], "request");
}
