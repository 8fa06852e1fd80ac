//! `monitor --coordinate` as real processes over a real `redis-server`: two monitors elect
//! exactly one leader (NDJSON `leader`, `/metrics` `rizk_scale_leader`, only the leader's
//! `--exec-on-change` runs); SIGKILL the leader and the other takes over within one lease; a
//! clean stop releases the lease; a file history is a usage error.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::redis::{self as harness, Resp, Standalone, free_port};
use serde_json::Value;

/// The lease (`--coordination-interval`); the election ticks every third of it.
const LEASE: Duration = Duration::from_millis(600);
const LEASE_ARG: &str = "600ms";

/// One `rizk-scale monitor --coordinate` process, its NDJSON lines collected by a thread.
struct Monitor {
    name: &'static str,
    child: Child,
    serve: u16,
    lines: Arc<Mutex<Vec<Value>>>,
    hook_log: PathBuf,
    stderr: PathBuf,
}

impl Monitor {
    fn start(name: &'static str, redis_url: &str, dir: &Path) -> Monitor {
        let serve = free_port(false);
        let home = dir.join(name);
        std::fs::create_dir_all(&home).unwrap();
        let hook_log = home.join("hook.log");
        let stderr = home.join("stderr.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
            .env_clear()
            .env("HOME", &home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .args(["--history", redis_url, "--service", "web"])
            .args(["monitor", "--json", "--interval", "100ms"])
            .args(["--coordinate", "--coordination-interval", LEASE_ARG])
            .args(["--no-host", "--instance", name])
            .args([
                "--metric",
                "cpu_percent=50",
                "--metric",
                "memory_percent=50",
            ])
            .args(["--serve", &serve.to_string()])
            .args(["--exec-on-change", "sh", "--exec-arg=-c", "--exec-arg"])
            .arg(format!("echo \"$RIZK_ACTION\" >> '{}'", hook_log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let lines: Arc<Mutex<Vec<Value>>> = Arc::default();
        let out = child.stdout.take().unwrap();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                let value: Value = serde_json::from_str(&line).unwrap();
                sink.lock().unwrap().push(value);
            }
        });
        Monitor {
            name,
            child,
            serve,
            lines,
            hook_log,
            stderr,
        }
    }

    /// The newest NDJSON line, if any.
    fn last(&self) -> Option<Value> {
        self.lines.lock().unwrap().last().cloned()
    }

    /// `rizk_scale_leader` from `/metrics` (None while the exporter does not answer).
    fn leader_gauge(&self) -> Option<u8> {
        let body = http_get(self.serve, "/metrics")?;
        body.lines()
            .find_map(|l| l.strip_prefix("rizk_scale_leader "))
            .and_then(|v| v.trim().parse().ok())
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn hook_runs(&self) -> usize {
        std::fs::read_to_string(&self.hook_log)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bare HTTP/1.0 GET on loopback (the harness does not use the code under test).
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    text.split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
}

fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    cond()
}

fn leads(line: &Value) -> bool {
    line["leader"] == Value::Bool(true)
}

#[test]
fn one_leader_and_a_killed_leader_is_replaced_within_one_lease() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = s.server.url();
    let mut monitors = [
        Monitor::start("a", &url, dir.path()),
        Monitor::start("b", &url, dir.path()),
    ];

    // Both tick, and exactly one leads, seen the same way on stdout and on /metrics.
    let settled = wait_for(Duration::from_secs(10), || {
        let lines: Vec<Option<Value>> = monitors.iter().map(Monitor::last).collect();
        let gauges: Vec<Option<u8>> = monitors.iter().map(Monitor::leader_gauge).collect();
        lines.iter().all(Option::is_some)
            && lines.iter().flatten().filter(|l| leads(l)).count() == 1
            && gauges.iter().flatten().sum::<u8>() == 1
            && gauges.iter().all(Option::is_some)
    });
    assert!(
        settled,
        "no single leader: {:?} / {:?}\n{}\n{}",
        monitors.iter().map(Monitor::last).collect::<Vec<_>>(),
        monitors
            .iter()
            .map(Monitor::leader_gauge)
            .collect::<Vec<_>>(),
        monitors[0].stderr(),
        monitors[1].stderr()
    );
    // Leadership is stable over a few leases: never two leaders in any line seen so far.
    std::thread::sleep(LEASE * 3);
    let li = monitors
        .iter()
        .position(|m| m.last().is_some_and(|l| leads(&l)))
        .unwrap();
    let fi = 1 - li;
    let (leader, follower) = (&monitors[li], &monitors[fi]);
    assert_eq!(leader.leader_gauge(), Some(1));
    assert_eq!(follower.leader_gauge(), Some(0));
    // Every NDJSON line of both roles holds to schema/monitor.schema.json.
    let schema = common::schema::schema("monitor");
    for m in &monitors {
        for line in m.lines.lock().unwrap().iter() {
            let errors = common::schema::validate(&schema, line);
            assert!(errors.is_empty(), "{}: {errors:?}\n{line}", m.name);
        }
    }
    {
        let lines = follower.lines.lock().unwrap();
        assert!(lines.iter().all(|l| !leads(l)), "the follower never led");
        let last = lines.last().unwrap();
        assert_eq!(last["leader"], Value::Bool(false));
        assert!(last.get("recommendation").is_none(), "{last}");
        assert!(
            last["following"].as_str().unwrap().starts_with(leader.name),
            "{last}"
        );
    }
    {
        let lines = leader.lines.lock().unwrap();
        let last = lines.last().unwrap();
        let rec = &last["recommendation"];
        assert!(rec["action"].is_string(), "{last}");
        let counted: Vec<&str> = rec["fleet"]["instances"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["instance"].as_str().unwrap())
            .collect();
        assert_eq!(
            counted,
            ["a", "b"],
            "the leader decides for the fleet: {last}"
        );
    }
    assert!(leader.hook_runs() >= 1, "the leader runs --exec-on-change");
    assert_eq!(follower.hook_runs(), 0, "a follower never runs it");
    // Followers keep collecting into the shared history.
    let items = match harness::cmd(
        s.server.port,
        &["LRANGE", "rizk-scale:{web}:history", "0", "-1"],
    )
    .unwrap()
    {
        Resp::Array(items) => items,
        other => panic!("{other:?}"),
    };
    assert!(
        items
            .iter()
            .any(|i| i.text().contains("\"instance\":\"a\""))
    );
    assert!(
        items
            .iter()
            .any(|i| i.text().contains("\"instance\":\"b\""))
    );

    // SIGKILL the leader: no release, so the follower waits for the lease to run out.
    monitors[li].child.kill().unwrap();
    monitors[li].child.wait().unwrap();
    let killed = Instant::now();
    let tick = LEASE / 3;
    let took_over = wait_for(LEASE * 4, || monitors[fi].leader_gauge() == Some(1));
    let took = killed.elapsed();
    assert!(took_over, "no takeover:\n{}", monitors[fi].stderr());
    eprintln!("takeover after {took:?} (lease {LEASE:?}, election tick {tick:?})");
    assert!(
        took <= LEASE + tick + Duration::from_millis(400),
        "takeover took {took:?}, more than one lease ({LEASE:?}) + one tick"
    );
    assert!(
        took >= LEASE - tick - Duration::from_millis(150),
        "took over after {took:?}, before the dead leader's lease could have expired"
    );
    let new_leader = &monitors[fi];
    assert!(
        wait_for(Duration::from_secs(3), || new_leader
            .last()
            .is_some_and(|l| leads(&l))),
        "the new leader's ticks say so"
    );
    assert!(
        wait_for(Duration::from_secs(3), || new_leader.hook_runs() >= 1),
        "the new leader runs --exec-on-change"
    );
    assert!(
        new_leader
            .stderr()
            .contains("rizk-scale: leading service 'web'"),
        "{}",
        new_leader.stderr()
    );

    // A clean stop (SIGTERM) releases the lease and exits 0.
    let pid = new_leader.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let fi_monitor = &mut monitors[fi];
    let exited = wait_for(Duration::from_secs(5), || {
        fi_monitor.child.try_wait().unwrap().is_some()
    });
    assert!(exited, "SIGTERM stops the monitor");
    let status = fi_monitor.child.wait().unwrap();
    assert!(status.success(), "{status}\n{}", fi_monitor.stderr());
    let holder = harness::cmd(s.server.port, &["GET", "rizk-scale:{web}:leader"]).unwrap();
    assert_eq!(
        holder,
        Resp::Bulk(None),
        "the lease was released on shutdown"
    );
}

#[test]
fn count_end_releases_the_lease_and_a_file_history_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = |history: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
            .env_clear()
            .env("HOME", dir.path())
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .args(["--history", history, "--service", "api"])
            .args(["monitor", "--coordinate", "--no-host", "--instance", "solo"])
            .args(["--metric", "cpu_percent=10"])
            .args(extra)
            .output()
            .unwrap()
    };
    let file = dir.path().join("h.jsonl");
    let out = run(file.to_str().unwrap(), &["--count", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--coordinate needs a shared history"), "{err}");

    let Some(s) = Standalone::start(None) else {
        return;
    };
    let out = run(
        &s.server.url(),
        &[
            "--count",
            "2",
            "--interval",
            "50ms",
            "--coordination-interval",
            "5s",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Alone, it leads from its first tick: the plain line carries the fleet's decision.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" action=") && l.contains(" leader=yes instances=1 stale=0")),
        "{stdout}"
    );
    assert!(stderr.contains("leading service 'api'"), "{stderr}");
    let holder = harness::cmd(s.server.port, &["GET", "rizk-scale:{api}:leader"]).unwrap();
    assert_eq!(holder, Resp::Bulk(None), "--count end releases the lease");
}

#[test]
fn a_follower_says_whom_it_follows_on_its_plain_line() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    // Someone else holds the lease for a minute.
    harness::cmd(
        s.server.port,
        &[
            "SET",
            "rizk-scale:{web}:leader",
            "other/1/000000001",
            "PX",
            "60000",
        ],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
        .env_clear()
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["--history", &s.server.url(), "--service", "web"])
        .args(["monitor", "--coordinate", "--no-host", "--instance", "f"])
        .args(["--metric", "cpu_percent=10", "--count", "1"])
        .args(["--exec-on-change", "sh", "--exec-arg=-c"])
        .args(["--exec-arg", "echo ran; exit 3"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains(" tick=1 following leader=other/1/000000001 cpu=10.0"),
        "{stdout}"
    );
    assert!(!stdout.contains("action="), "{stdout}");
    assert!(
        !stderr.contains("ran"),
        "a follower never runs the hook: {stderr}"
    );
    assert!(stderr.contains("following 'other/1/000000001'"), "{stderr}");
    assert!(
        stderr.contains("followed another leader: 1 tick\n"),
        "{stderr}"
    );
    // The follower did not touch the other holder's lease.
    let holder = harness::cmd(s.server.port, &["GET", "rizk-scale:{web}:leader"]).unwrap();
    assert_eq!(holder.text(), "other/1/000000001");
}
