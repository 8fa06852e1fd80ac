//! `replay --prometheus` against a real `prometheus` (Debian's package) filled with a known
//! synthetic week by `promtool tsdb create-blocks-from openmetrics`: the samples built equal the
//! backfilled values at every step (gaps and NaN unknown, never 0), the load model's invariant
//! holds at every step, a policy that never scales costs replicas × hours, a known spike is
//! overloaded under a slow policy and not under a fast one, and the HTML report, opened in a
//! real headless Chromium, has one SVG path per policy with the expected number of points and
//! the figures table.
//!
//! Without `promtool`/`prometheus` (or `chromium` for the report part) the test prints why and
//! passes, except under `CI=true`, where a missing tool is a failure.
//!
//! `RIZK_SYNTHETIC_DAYS=N RIZK_SYNTHETIC_OUT=FILE cargo test --test integration --
//! --ignored write_synthetic` writes the same kind of history for the benchmark (bench/).

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::common;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::redis::{dead_port, free_port};
use serde_json::Value;

const STEP: i64 = 30;
const PER_DAY: i64 = 86_400 / STEP;
/// 10-minute segments: the request rate is constant inside one.
const SEGMENT: i64 = 20;

/// The synthetic service at point `k` (time `t0 + 30 k`).
#[derive(Debug, Clone, Copy)]
struct Point {
    rps: f64,
    replicas: u32,
    cpu: Option<f64>,
    memory: f64,
    response_ms: f64,
    error: f64,
}

/// The spike: day 3, 14:00 to 14:20 (40 points) at 95 % CPU on the observed replicas.
fn spike(k: i64) -> bool {
    let s = 3 * PER_DAY + 14 * 120;
    (s..s + 40).contains(&k)
}

/// The hole: day 5, 03:00 to 04:00, the CPU gauge has no samples.
fn hole(k: i64) -> bool {
    let s = 5 * PER_DAY + 3 * 120;
    (s..s + 120).contains(&k)
}

fn point(k: i64) -> Point {
    let seg = (k / SEGMENT) as f64;
    let rps = (300.0 + 200.0 * (std::f64::consts::TAU * seg / 144.0).sin()).round();
    let replicas = ((rps / 80.0).ceil() as u32).clamp(3, 50);
    let cpu = if spike(k) {
        95.0
    } else {
        (0.6 * rps / f64::from(replicas) + 3.0 * (k as f64 / 7.0).sin()).clamp(0.0, 100.0)
    };
    Point {
        rps,
        replicas,
        cpu: (!hole(k)).then_some(cpu),
        memory: 50.0 + 10.0 * (std::f64::consts::TAU * k as f64 / PER_DAY as f64).sin(),
        response_ms: 150.0 + 2.0 * cpu,
        error: if k % 1000 == 500 { f64::NAN } else { 0.5 },
    }
}

/// The OpenMetrics text of `points` points from `t0` (seconds): gauges, a counter, the
/// replica count; each family contiguous, `# EOF` last.
fn openmetrics(t0: i64, points: i64) -> String {
    let mut out = String::with_capacity(points as usize * 300);
    let fam = |out: &mut String, name: &str, kind: &str, value: &dyn Fn(i64) -> Option<f64>| {
        out.push_str(&format!("# TYPE {name} {kind}\n"));
        let series = if kind == "counter" {
            format!("{name}_total")
        } else if name == "kube_deployment_status_replicas" {
            format!("{name}{{deployment=\"web\"}}")
        } else {
            name.to_string()
        };
        for k in 0..points {
            if let Some(v) = value(k) {
                out.push_str(&format!("{series} {v} {}\n", t0 + STEP * k));
            }
        }
    };
    fam(&mut out, "app_cpu_percent", "gauge", &|k| point(k).cpu);
    fam(&mut out, "app_memory_percent", "gauge", &|k| {
        Some(point(k).memory)
    });
    fam(&mut out, "app_response_time_ms", "gauge", &|k| {
        Some(point(k).response_ms)
    });
    fam(&mut out, "app_error_percent", "gauge", &|k| {
        Some(point(k).error)
    });
    fam(&mut out, "kube_deployment_status_replicas", "gauge", &|k| {
        Some(f64::from(point(k).replicas))
    });
    // The counter grows by rps × 30 into each point.
    let mut total = 1000.0;
    let counts: Vec<f64> = (0..points)
        .map(|k| {
            total += point(k).rps * STEP as f64;
            total
        })
        .collect();
    fam(&mut out, "http_requests", "counter", &|k| {
        Some(counts[k as usize])
    });
    out.push_str("# EOF\n");
    out
}

/// The queries that read the synthetic series.
const QUERIES: [&str; 7] = [
    "cpu_percent=max(app_cpu_percent)",
    "memory_percent=max(app_memory_percent)",
    "response_time_ms=max(app_response_time_ms)",
    "error_rate=max(app_error_percent)",
    "requests_per_second=sum(rate(http_requests_total[2m]))",
    "cache_hit_rate=",
    "replicas=max(kube_deployment_status_replicas{deployment=\"web\"})",
];

fn tool(name: &str) -> bool {
    let package = if name == "chromium" {
        "chromium"
    } else {
        "prometheus"
    };
    common::tool_present(name, package)
}

struct Prometheus {
    child: Child,
    port: u16,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Backfill `text` into `dir/data` and serve it; waits (bounded) until ready.
fn prometheus_with(dir: &Path, text: &str) -> Prometheus {
    let om = dir.join("week.om");
    std::fs::write(&om, text).unwrap();
    let data = dir.join("data");
    let out = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&om)
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = dir.join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 1m\n").unwrap();
    let port = free_port(false);
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", data.display()))
        .arg("--storage.tsdb.retention.time=3650d")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("prometheus.log")).unwrap())
        .spawn()
        .unwrap();
    let p = Prometheus { child, port };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() || !ready(port) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "prometheus not ready after 60 s: {}",
            std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    p
}

fn ready(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if write!(s, "GET /-/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    text.starts_with("HTTP/1.0 200") || text.starts_with("HTTP/1.1 200")
}

fn rizk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
        .env_clear()
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .arg("--history")
        .arg(dir.join("unused.jsonl"))
        .arg("replay")
        .args(args)
        .output()
        .unwrap()
}

fn rfc3339(t: i64) -> String {
    jiff::Timestamp::from_second(t).unwrap().to_string()
}

/// The downsampling rule the report documents, written again here: at most 2 × 1000 points
/// drawn whole, else per bucket the first minimum and first maximum.
fn expected_points(values: &[Option<f64>]) -> usize {
    let n = values.len();
    if n <= 2000 {
        return values.iter().flatten().count();
    }
    (0..1000)
        .map(|b| {
            let bucket: Vec<(usize, f64)> = (b * n / 1000..(b + 1) * n / 1000)
                .filter_map(|i| values[i].map(|v| (i, v)))
                .collect();
            let Some(&first) = bucket.first() else {
                return 0;
            };
            let lo = bucket
                .iter()
                .fold(first, |m, &p| if p.1 < m.1 { p } else { m });
            let hi = bucket
                .iter()
                .fold(first, |m, &p| if p.1 > m.1 { p } else { m });
            if lo.0 == hi.0 { 1 } else { 2 }
        })
        .sum()
}

/// Equal up to the last bit serde_json's float parsing may miss (the text is exact).
fn same(v: &Value, expected: f64) -> bool {
    v.as_f64()
        .is_some_and(|x| (x - expected).abs() <= 1e-12 * expected.abs())
}

#[test]
fn a_backfilled_week_replays_with_the_load_model_and_reports() {
    if !tool("promtool") || !tool("prometheus") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A week ending at least a day ago, on a whole hour.
    let now = jiff::Timestamp::now().as_second();
    let t0 = (now / 3600) * 3600 - 8 * 86_400;
    let points = 7 * PER_DAY + 1;
    let prom = prometheus_with(dir.path(), &openmetrics(t0, points));
    let url = format!("http://127.0.0.1:{}", prom.port);
    let (from, to) = (rfc3339(t0), rfc3339(t0 + STEP * (points - 1)));
    let saved = dir.path().join("saved.jsonl");
    let report = dir.path().join("report.html");
    let mut args: Vec<String> = vec![
        "--prometheus".into(),
        url,
        "--from".into(),
        from,
        "--to".into(),
        to,
        "--step".into(),
        "30s".into(),
        "--json".into(),
        "--save-history".into(),
        saved.display().to_string(),
        "--report".into(),
        report.display().to_string(),
        "--compare".into(),
        "seed,min-replicas=6,max-replicas=6".into(),
        "--compare".into(),
        "hpa".into(),
        "--compare".into(),
        "hpa,scale-up-window=30m".into(),
    ];
    for q in QUERIES {
        args.push("--prometheus-query".into());
        args.push(q.into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let out = rizk(
        dir.path(),
        &[&args[..], &["--current-replicas", "6"]].concat(),
    );
    eprintln!("replay took {:?}", started.elapsed());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = points as usize;
    assert_eq!(v["samples"], n);

    // The samples built equal the backfilled values at each step.
    let lines = std::fs::read_to_string(&saved).unwrap();
    let samples: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(samples.len(), n);
    let mut last_cpu_at = 0;
    let (mut holes, mut nans, mut rates) = (0, 0, 0);
    for (k, s) in samples.iter().enumerate() {
        let k = k as i64;
        let p = point(k);
        assert_eq!(s["timestamp"], rfc3339(t0 + STEP * k), "step {k}");
        assert_eq!(s["replicas"], p.replicas, "step {k}");
        assert!(same(&s["memory_percent"], p.memory), "step {k}");
        assert!(same(&s["response_time_ms"], p.response_ms), "step {k}");
        match p.cpu {
            Some(c) => {
                assert!(
                    same(&s["cpu_percent"], c),
                    "step {k}: {} vs {c}",
                    s["cpu_percent"]
                );
                last_cpu_at = k;
            }
            // Prometheus looks back 5 minutes for a gauge: later, the gap is unknown (null).
            None if k - last_cpu_at > 10 => {
                assert!(s["cpu_percent"].is_null(), "step {k}: {}", s["cpu_percent"]);
                holes += 1;
            }
            None => {}
        }
        if p.error.is_nan() {
            assert!(s["error_rate"].is_null(), "NaN is unknown at step {k}");
            nans += 1;
        } else {
            assert!(same(&s["error_rate"], p.error));
        }
        // The rate over 2 minutes is the segment's rate once the window lies inside it.
        if k % SEGMENT >= 5 {
            let got = s["requests_per_second"].as_f64().unwrap();
            assert!(
                (got - p.rps).abs() < 1e-6 * p.rps,
                "step {k}: {got} vs {}",
                p.rps
            );
            rates += 1;
        }
    }
    assert!(
        holes >= 100 && nans >= 19 && rates > 14_000,
        "{holes} {nans} {rates}"
    );
    let queries = v["source"]["queries"].as_array().unwrap();
    assert!(
        queries.iter().all(|q| q.get("error").is_none()),
        "{queries:?}"
    );

    // The load model's invariant at every step, for every policy.
    assert_eq!(v["model"]["applied"], true);
    let tracks = v["tracks"].as_array().unwrap();
    assert_eq!(tracks.len(), 5, "observed + 4 policies");
    for t in &tracks[1..] {
        for (k, s) in samples.iter().enumerate() {
            let sim = t["replicas"][k].as_f64().unwrap();
            let seen = s["replicas"].as_f64().unwrap();
            if let (Some(cpu), Some(obs)) =
                (t["cpu_percent"][k].as_f64(), s["cpu_percent"].as_f64())
            {
                assert!(
                    (cpu * sim - obs * seen).abs() < 1e-6,
                    "{} step {k}",
                    t["name"]
                );
            }
            if let (Some(per), Some(total)) = (
                t["rps_per_replica"][k].as_f64(),
                s["requests_per_second"].as_f64(),
            ) {
                assert!((per * sim - total).abs() < 1e-6, "{} step {k}", t["name"]);
            }
        }
    }

    // A policy that never scales (B: bounds 6..6 from 6) costs 6 × 168 replica-hours.
    let figures = v["figures"].as_array().unwrap();
    let by = |name: &str| figures.iter().find(|f| f["name"] == name).unwrap();
    assert_eq!(by("B")["hours"], 168.0);
    assert_eq!(by("B")["replica_hours"], 6.0 * 168.0);
    assert_eq!(by("B")["scale_events"], 0);
    let observed_hours: f64 = (1..n)
        .map(|k| f64::from(point(k as i64).replicas) * STEP as f64 / 3600.0)
        .sum();
    assert!((by("observed")["replica_hours"].as_f64().unwrap() - observed_hours).abs() < 1e-6);

    // The spike: steps overloaded inside it, under the fast HPA (C) and the one whose
    // scale-up waits for 30 minutes of agreement (D).
    let spike_overloaded = |name: &str| {
        let t = tracks.iter().find(|t| t["name"] == name).unwrap();
        (0..n)
            .filter(|&k| spike(k as i64) && t["overloaded"][k] == true)
            .count()
    };
    let (fast, slow) = (spike_overloaded("C"), spike_overloaded("D"));
    eprintln!("spike: fast {fast} of 40 steps overloaded, slow {slow}");
    assert!(fast <= 2, "fast HPA overloaded {fast} steps of the spike");
    assert!(
        slow >= 38,
        "slow HPA overloaded only {slow} steps of the spike"
    );

    // The report in a real headless Chromium.
    if !tool("chromium") {
        return;
    }
    let profile = tempfile::tempdir().unwrap();
    let page = format!("file://{}", report.display());
    let chromium = |extra: &[&str]| {
        let out = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(&page)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let dom = String::from_utf8(chromium(&["--dump-dom"]).stdout).unwrap();
    let paths: Vec<&str> = dom.split("<path ").skip(1).collect();
    let policy_paths: Vec<&&str> = paths
        .iter()
        .filter(|p| p.starts_with("class=\"policy\""))
        .collect();
    assert_eq!(policy_paths.len(), 4, "one replica path per policy");
    for (i, p) in policy_paths.iter().enumerate() {
        let d = p.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let drawn = d.matches(['M', 'L']).count();
        let values: Vec<Option<f64>> = tracks[i + 1]["replicas"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::as_f64)
            .collect();
        assert_eq!(drawn, expected_points(&values), "policy {i}");
        assert!(p.contains(&format!("data-points=\"{drawn}\"")));
    }
    assert!(dom.contains("<table id=\"figures\">"));
    assert_eq!(dom.matches("<tr data-name=").count(), 5);
    assert!(dom.contains("observed_replicas / simulated_replicas"));
    assert!(!dom.contains("<script"), "no script");
    if let Some(shot) = std::env::var_os("RIZK_REPORT_SCREENSHOT") {
        let shot = Path::new(&shot).to_path_buf();
        chromium(&[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1300,1500",
            "--hide-scrollbars",
        ]);
    }
}

#[test]
fn an_unreachable_prometheus_or_a_bad_range_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", dead_port());
    let out = rizk(dir.path(), &["--prometheus", &url, "--from", "-1h"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "rizk-scale: error: --prometheus '{url}': no data from "
        )),
        "{err}"
    );
    let out = rizk(dir.path(), &["--prometheus", &url, "--from", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--from 'yesterday' is not a time"), "{err}");
    let out = rizk(
        dir.path(),
        &["--prometheus", &url, "--from", "now", "--to", "-1h"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not before --to"));
}

/// Write a synthetic history of `RIZK_SYNTHETIC_DAYS` days as OpenMetrics to
/// `RIZK_SYNTHETIC_OUT` (ending a day ago, on a whole hour), for bench/replay.sh.
#[test]
#[ignore = "writes the benchmark's data when asked"]
fn write_synthetic() {
    let days: i64 = std::env::var("RIZK_SYNTHETIC_DAYS")
        .unwrap()
        .parse()
        .unwrap();
    let out = std::env::var("RIZK_SYNTHETIC_OUT").unwrap();
    let now = jiff::Timestamp::now().as_second();
    let t0 = (now / 3600) * 3600 - (days + 1) * 86_400;
    std::fs::write(&out, openmetrics(t0, days * PER_DAY + 1)).unwrap();
    println!("{} {}", rfc3339(t0), rfc3339(t0 + STEP * days * PER_DAY));
}
