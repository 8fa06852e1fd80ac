//! The shared history in Redis, end to end: the real `rizk-scale` binary against real
//! `redis-server` processes (standalone with a password, a 3-master/3-replica cluster),
//! concurrent collector processes, and Redis stopped mid-run (spool, then push in order).

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;
use common::redis::{Cluster, Resp, Standalone, cmd};
use rizk_scale::sample::Sample;

const KEY: &str = "rizk-scale:{web}:history";

/// A temp HOME/XDG_STATE_HOME and the history URL every command gets.
struct Env {
    dir: tempfile::TempDir,
    history: String,
}

impl Env {
    fn new(history: String) -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            history,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("rizk-scale").unwrap();
        c.env_clear()
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("NO_COLOR", "1")
            .env("RIZK_SCALE_HISTORY", &self.history)
            .env("RIZK_SCALE_SERVICE", "web")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        c
    }

    fn spool(&self) -> PathBuf {
        self.dir.path().join("state/rizk-scale/spool-web.jsonl")
    }

    /// `collect --no-host` as `instance` with `requests_per_second=seq`.
    fn collect(&self, instance: &str, seq: u32, extra: &[&str]) -> Output {
        let mut c = self.cmd();
        c.args(["collect", "--no-host", "--instance", instance])
            .args(["--metric", &format!("requests_per_second={seq}")]);
        for m in extra {
            c.args(["--metric", m]);
        }
        c.output().unwrap()
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The list at KEY as the server holds it (harness RESP client, not the code under test).
fn list(port: u16, password: Option<&str>) -> Vec<Sample> {
    let reply = match password {
        Some(pw) => common::redis::pipeline(port, &[&["AUTH", pw], &["LRANGE", KEY, "0", "-1"]])
            .unwrap()
            .pop()
            .unwrap(),
        None => cmd(port, &["LRANGE", KEY, "0", "-1"]).unwrap(),
    };
    let Resp::Array(items) = reply else {
        panic!("LRANGE: {reply:?}");
    };
    items
        .iter()
        .map(|i| Sample::from_line(&i.text()).unwrap_or_else(|e| panic!("torn item {i:?}: {e}")))
        .collect()
}

fn int(r: Resp) -> i64 {
    match r {
        Resp::Int(n) => n,
        other => panic!("not an integer: {other:?}"),
    }
}

fn is_master(port: u16) -> bool {
    match cmd(port, &["ROLE"]).unwrap() {
        Resp::Array(parts) => parts.first().is_some_and(|p| p.text() == "master"),
        _ => false,
    }
}

fn seq(s: &Sample) -> u32 {
    s.requests_per_second.unwrap() as u32
}

#[test]
fn standalone_shared_history_is_read_by_recommend_and_hides_the_password() {
    let pw = "fleet-pw-9z";
    let Some(s) = Standalone::start(Some(pw)) else {
        return;
    };
    let env = Env::new(s.server.url());
    for (i, inst) in ["web-1", "web-2", "web-3"].iter().enumerate() {
        let out = env.collect(inst, i as u32, &["cpu_percent=95", "memory_percent=90"]);
        let text = ok(&out);
        assert!(text.contains("key rizk-scale:{web}:history"), "{text}");
        assert!(!text.contains(pw), "{text}");
    }
    let stored = list(s.server.port, Some(pw));
    let who: Vec<&str> = stored
        .iter()
        .map(|s| s.instance.as_deref().unwrap())
        .collect();
    assert_eq!(who, ["web-1", "web-2", "web-3"]);
    assert!(!env.spool().exists(), "nothing spooled while Redis is up");

    let out = env.cmd().args(["recommend", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["samples"], 3);
    assert_eq!(v["action"], "scale_up", "{v}");
    assert_eq!(v["replica_delta"], 3);

    // Another service has its own list.
    let out = env
        .cmd()
        .args(["--service", "api", "recommend", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["samples"], 0);

    // A wrong password: recommend fails with exit 2 and never prints either password.
    let wrong = format!("redis://:wrong-pw-4k@127.0.0.1:{}", s.server.port);
    let out = env
        .cmd()
        .args(["--history", &wrong, "recommend"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("authentication") && !err.contains("wrong-pw-4k"),
        "{err}"
    );
}

#[test]
fn cluster_3x3_shared_history_from_any_seed() {
    let Some(cluster) = Cluster::start(3, 1) else {
        return;
    };
    let seeds = cluster.seeds();
    assert_eq!(seeds.len(), 6);
    // Writers know different seeds; readers know yet another one.
    let a = Env::new(seeds[..2].join(","));
    let b = Env::new(seeds[3..].join(","));
    for i in 0..4 {
        ok(&a.collect("pod-a", i, &["cpu_percent=10"]));
        ok(&b.collect("pod-b", 100 + i, &["cpu_percent=10"]));
    }
    let reader = Env::new(seeds[2].clone());
    let out = reader
        .cmd()
        .args([
            "--capacity",
            "5",
            "collect",
            "--no-host",
            "--instance",
            "pod-c",
        ])
        .args(["--metric", "requests_per_second=200"])
        .output()
        .unwrap();
    assert!(ok(&out).contains("(5 samples"), "trimmed to --capacity 5");
    let out = reader.cmd().args(["recommend", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["samples"], 5);

    // The one list lives on the master owning the hash tag's slot; nothing else was written.
    let slot = int(cmd(cluster.nodes[0].port, &["CLUSTER", "KEYSLOT", KEY]).unwrap()).to_string();
    let owner = cluster
        .nodes
        .iter()
        .find(|n| {
            is_master(n.port)
                && int(cmd(n.port, &["CLUSTER", "COUNTKEYSINSLOT", &slot]).unwrap()) == 1
        })
        .expect("a master holds the list");
    let items = list(owner.port, None);
    let seqs: Vec<u32> = items.iter().map(seq).collect();
    assert_eq!(seqs, [2, 102, 3, 103, 200]);
    let total_keys: i64 = cluster
        .nodes
        .iter()
        .filter(|n| is_master(n.port))
        .map(|n| int(cmd(n.port, &["DBSIZE"]).unwrap()))
        .sum();
    assert_eq!(total_keys, 1);
}

#[test]
fn ten_concurrent_collector_processes_keep_exactly_the_newest_capacity() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let url = s.server.url();
    let envs: Vec<Env> = (0..10).map(|_| Env::new(url.clone())).collect();
    std::thread::scope(|scope| {
        for (w, env) in envs.iter().enumerate() {
            scope.spawn(move || {
                for i in 0..30 {
                    ok(&env.collect(&format!("w{w}"), i, &[]));
                }
            });
        }
    });
    let items = list(s.server.port, None);
    assert_eq!(items.len(), 100, "exactly capacity");
    let unique: HashSet<(String, u32)> = items
        .iter()
        .map(|s| (s.instance.clone().unwrap(), seq(s)))
        .collect();
    assert_eq!(unique.len(), 100, "no duplicates");
    // Trimming drops the globally oldest: what each writer keeps is its newest samples, a
    // contiguous run ending at its last (29), in its own order.
    let mut per: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for s in &items {
        per.entry(s.instance.clone().unwrap())
            .or_default()
            .push(seq(s));
    }
    for (w, seqs) in &per {
        let first = seqs[0];
        let expect: Vec<u32> = (first..30).collect();
        assert_eq!(seqs, &expect, "writer {w}");
    }
    for env in &envs {
        assert!(!env.spool().exists());
    }
}

#[test]
fn redis_stopped_mid_run_spools_locally_then_pushes_in_order() {
    let Some(mut s) = Standalone::start(None) else {
        return;
    };
    let env = Env::new(s.server.url());
    for i in 0..3 {
        ok(&env.collect("web-1", i, &[]));
    }
    cmd(s.server.port, &["SAVE"]).unwrap();
    s.server.kill();

    for i in 3..7 {
        let out = env.collect("web-1", i, &[]);
        let text = ok(&out);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("spool") && err.contains("warning"), "{err}");
        assert!(text.contains(&spool_name(&env.spool())), "{text}");
    }
    let spooled: Vec<u32> = std::fs::read_to_string(env.spool())
        .unwrap()
        .lines()
        .map(|l| seq(&Sample::from_line(l).unwrap()))
        .collect();
    assert_eq!(spooled, [3, 4, 5, 6]);
    // Reading needs Redis: an honest failure, not an empty history.
    let out = env.cmd().arg("recommend").output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    s.server.restart();
    let out = env.collect("web-1", 7, &[]);
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pushed 4 spooled samples"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seqs: Vec<u32> = list(s.server.port, None).iter().map(seq).collect();
    assert_eq!(seqs, (0..8).collect::<Vec<_>>(), "nothing lost, order kept");
    assert_eq!(std::fs::metadata(env.spool()).unwrap().len(), 0);
    // The next write pushes only itself.
    ok(&env.collect("web-1", 8, &[]));
    assert_eq!(list(s.server.port, None).len(), 9);
}

fn spool_name(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn recommend_fleet_aggregates_live_instances_and_lists_stale_ones() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let env = Env::new(s.server.url());
    // An instance last seen long ago, written as an old line straight into the list.
    let old = r#"{"timestamp":"2020-01-01T00:00:00Z","cpu_percent":99,"memory_percent":99,"requests_per_second":900,"instance":"gone"}"#;
    cmd(s.server.port, &["RPUSH", KEY, old]).unwrap();
    for round in 0..3 {
        for (inst, cpu, rps, ms) in [("web-1", 80, 300, 100), ("web-2", 40, 100, 500)] {
            ok(&env.collect(
                inst,
                rps,
                &[
                    &format!("cpu_percent={}", cpu + round),
                    "memory_percent=50",
                    &format!("response_time_ms={ms}"),
                    "error_rate=0.5",
                ],
            ));
        }
    }
    let out = env
        .cmd()
        .args(["recommend", "--fleet", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    let value = |metric: &str| {
        v["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["metric"] == metric)
            .unwrap()["value"]
            .as_f64()
    };
    assert_eq!(value("requests_per_second"), Some(400.0), "{v}");
    assert_eq!(value("response_time_ms"), Some(200.0), "request-weighted");
    assert_eq!(value("cpu_percent"), Some(62.0), "mean of 82 and 42");
    assert_eq!(v["fleet"]["cpu_percent_max"], 82.0);
    let names = |k: &str| -> Vec<String> {
        v["fleet"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["instance"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("instances"), ["web-1", "web-2"]);
    assert_eq!(names("stale"), ["gone"]);
    // The fleet: 400 rps > 100 but CPU 62 and memory 50 under their thresholds → maintain;
    // the stale instance's 900 rps and 99 % CPU were left out.
    assert_eq!(v["action"], "maintain", "{v}");
    // The existing contract is untouched: the same keys as without --fleet, plus "fleet".
    let plain = env.cmd().args(["recommend", "--json"]).output().unwrap();
    let p: serde_json::Value = serde_json::from_str(&ok(&plain)).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert!(p.get("fleet").is_none());
    let mut with_fleet = keys(&p);
    with_fleet.push("fleet".into());
    with_fleet.sort();
    assert_eq!(keys(&v), with_fleet);

    let out = env.cmd().args(["recommend", "--fleet"]).output().unwrap();
    let text = ok(&out);
    assert!(
        text.contains("Fleet: 2 instances counted (web-1, web-2)"),
        "{text}"
    );
    assert!(
        text.contains("Left out, not seen within 15m: gone (last seen 2020-01-01T00:00:00Z)"),
        "{text}"
    );
}

#[test]
fn monitor_writes_the_shared_history_from_inside_its_runtime() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let env = Env::new(s.server.url());
    let out = env
        .cmd()
        .args(["monitor", "--count", "3", "--interval", "50ms", "--json"])
        .args([
            "--no-host",
            "--instance",
            "m1",
            "--metric",
            "cpu_percent=42",
        ])
        .output()
        .unwrap();
    let stdout = ok(&out);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let items = list(s.server.port, None);
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|x| x.cpu_percent == Some(42.0)));
    assert!(!env.spool().exists());
}
