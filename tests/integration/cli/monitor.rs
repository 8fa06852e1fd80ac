//! `monitor`: the loop's NDJSON and plain output, signals, the exporter, `--exec-on-change`,
//! failing ticks.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::cli::util::*;

const HOT: [&str; 6] = [
    "--metric",
    "cpu_percent=95",
    "--metric",
    "memory_percent=85",
    "--metric",
    "requests_per_second=150",
];

/// One `monitor --json` line, held to the contract.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TickJson {
    schema_version: u32,
    tick: u64,
    sample: rizk_scale::sample::Sample,
    #[serde(default)]
    targets: Vec<TargetJson>,
    /// Metric → why it is unknown (the texts are checked in `unknown_reasons`).
    #[allow(dead_code)]
    unknown: std::collections::BTreeMap<String, String>,
    recommendation: RecommendJson,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetJson {
    url: String,
    ok: bool,
    error: Option<String>,
    duration_ms: u64,
}

/// A service on a loopback port whose request counter grows by 50 per scrape; the `fail`-th
/// scrape (1-based; 0 = never) answers 500. Runs until the test process ends.
fn service(fail: u64) -> String {
    service_with(fail, 0)
}

/// As [`service`], and the `hang`-th scrape (0 = never) does not answer for a minute.
fn service_with(fail: u64, hang: u64) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let scrapes = Arc::new(AtomicU64::new(0));
            let app = axum::Router::new().route(
                "/metrics",
                axum::routing::get(move || {
                    let scrapes = scrapes.clone();
                    async move {
                        let n = scrapes.fetch_add(1, Ordering::SeqCst) + 1;
                        if n == hang {
                            tokio::time::sleep(Duration::from_secs(60)).await;
                        }
                        if n == fail {
                            return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, String::new());
                        }
                        let body = format!(
                            "# TYPE http_requests_total counter\nhttp_requests_total{{code=\"200\"}} {}\n\
                             # TYPE http_connections_active gauge\nhttp_connections_active 7\n",
                            n * 50
                        );
                        (axum::http::StatusCode::OK, body)
                    }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}/metrics", rx.recv().unwrap())
}

fn monitor(env: &Env) -> Command {
    let mut cmd = env.cmd();
    cmd.args(["monitor", "--no-host", "--instance", "test"]);
    cmd
}

fn kill(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Wait for a child with a deadline (a hung loop fails the test instead of hanging it).
fn wait_with_deadline(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("monitor did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read_all(mut r: impl Read) -> String {
    let mut s = String::new();
    r.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn json_count_3_writes_3_samples_and_prints_3_ndjson_lines() {
    let env = Env::new();
    let start = Instant::now();
    let out = monitor(&env)
        .args([
            "--count",
            "3",
            "--interval",
            "100ms",
            "--json",
            "--current-replicas",
            "5",
        ])
        .args(HOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Two waits of 100 ms between three ticks.
    assert!(start.elapsed() >= Duration::from_millis(200));
    let text = stdout(&out);
    let ticks: Vec<TickJson> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(ticks.len(), 3, "{text}");
    assert_eq!(
        ticks.iter().map(|t| t.tick).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(
        ticks
            .iter()
            .all(|t| t.schema_version == 1 && t.recommendation.schema_version == 1)
    );
    assert_eq!(ticks[0].recommendation.action, "wait");
    assert_eq!(ticks[0].recommendation.samples, 1);
    let last = &ticks[2].recommendation;
    assert_eq!(
        (last.action.as_str(), last.replica_delta, last.samples),
        ("scale_up", 3, 3)
    );
    assert_eq!(
        (last.current_replicas, last.target_replicas),
        (Some(5), Some(8))
    );
    assert_eq!(ticks[2].sample.requests_per_second, Some(150.0));
    assert_eq!(ticks[2].sample.cpu_percent, Some(95.0));
    // The history holds exactly the three samples printed.
    assert_eq!(assert_history_valid(&env.history()), 3);
    let stored: Vec<rizk_scale::sample::Sample> = env
        .read_history()
        .lines()
        .map(|l| rizk_scale::sample::Sample::from_line(l).unwrap())
        .collect();
    assert_eq!(
        stored,
        ticks.into_iter().map(|t| t.sample).collect::<Vec<_>>()
    );
    let err = stderr(&out);
    assert_eq!(
        err,
        "rizk-scale: monitor stopped after --count ticks: 3 ticks (0 failed); actions: scale_up 1, wait 2; flaps: 1\n"
    );
}

#[test]
fn json_count_3_against_a_real_local_endpoint() {
    let env = Env::new();
    let url = service(0);
    let out = monitor(&env)
        .args([
            "--count",
            "3",
            "--interval",
            "500ms",
            "--json",
            "--endpoint",
            &url,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ticks: Vec<TickJson> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(ticks.len(), 3);
    for t in &ticks {
        assert_eq!(t.targets.len(), 1);
        assert!(
            t.targets[0].ok && t.targets[0].error.is_none(),
            "{:?}",
            t.targets
        );
        assert_eq!(t.targets[0].url, url);
        assert!(t.targets[0].duration_ms < 5_000);
        assert_eq!(t.sample.active_connections, Some(7.0));
        assert!(
            !t.sample.extra.contains_key("raw"),
            "raw counters are not shown"
        );
    }
    // The first scrape has no previous counters: no rate yet. Then 50 requests per ~500 ms
    // (long enough that the few ms between a scrape and its sample's timestamp, which grow on a
    // loaded machine, stay well inside the tolerance).
    assert_eq!(ticks[0].sample.requests_per_second, None);
    // 50 more requests per scrape: the rate is 50 over the time between the scrapes, which
    // the sample timestamps approximate (they are taken just after each scrape).
    let rps = ticks[2].sample.requests_per_second.unwrap();
    let secs = |t: &TickJson| t.sample.timestamp.unwrap().as_millisecond() as f64 / 1000.0;
    let expected = 50.0 / (secs(&ticks[2]) - secs(&ticks[1]));
    assert!((rps / expected - 1.0).abs() < 0.25, "{rps} vs {expected}");
    assert_eq!(assert_history_valid(&env.history()), 3);
}

#[test]
fn a_failing_scrape_is_a_failed_tick_and_the_loop_goes_on() {
    let env = Env::new();
    let url = service(2);
    let out = monitor(&env)
        .args([
            "--count",
            "3",
            "--interval",
            "50ms",
            "--json",
            "--endpoint",
            &url,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0]["sample"].is_object());
    assert_eq!(lines[1]["tick"], 2);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(error.contains("HTTP 500"), "{error}");
    assert_eq!(lines[2]["recommendation"]["samples"], 2);
    assert!(stderr(&out).contains("3 ticks (1 failed)"));
    assert_eq!(assert_history_valid(&env.history()), 2);
}

#[test]
fn a_signal_during_a_hung_scrape_abandons_the_tick() {
    let env = Env::new();
    let url = service_with(0, 3);
    let mut child = monitor(&env)
        .args([
            "--interval",
            "50ms",
            "--json",
            "--timeout",
            "60s",
            "--endpoint",
            &url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    for _ in 0..2 {
        out.read_line(&mut line).unwrap();
    }
    // Tick 3 is now waiting on the hung scrape.
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    kill(&child, "-TERM");
    let status = wait_with_deadline(&mut child, Duration::from_secs(10));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "the scrape was waited for"
    );
    assert_eq!(status.code(), Some(0));
    let err = read_all(child.stderr.take().unwrap());
    assert!(
        err.contains("monitor stopped on SIGTERM: 2 ticks (0 failed)"),
        "{err}"
    );
    assert_eq!(assert_history_valid(&env.history()), 2);
}

#[test]
fn plain_lines_when_not_a_terminal() {
    let env = Env::new();
    let out = monitor(&env)
        .args(["--count", "3", "--interval", "0"])
        .args(HOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(!text.contains('\x1b'));
    assert!(lines[0].contains(
        " tick=1 action=wait delta=0 cpu=95.0 mem=85.0 rps=150.0 rt_ms=- err=- samples=1"
    ));
    assert!(
        lines[2].contains(" tick=3 action=scale_up delta=+3 "),
        "{}",
        lines[2]
    );
    let ts = lines[2].split(' ').next().unwrap();
    assert!(ts.parse::<jiff::Timestamp>().is_ok(), "{ts}");
}

#[test]
fn a_closed_stdout_ends_the_loop_quietly() {
    let env = Env::new();
    let mut child = monitor(&env)
        .args(["--interval", "50ms"])
        .args(HOT)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("tick=1"));
    // The reader is dropped here: the next write fails with EPIPE.
    let status = wait_with_deadline(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    assert!(read_all(child.stderr.take().unwrap()).contains("stopped as stdout was closed"));
}

/// Start a long-running monitor, wait until it has written `ticks` lines, send `signal`.
fn stop_with(signal: &str) -> (Env, std::process::Output) {
    let env = Env::new();
    let mut child = monitor(&env)
        .args(["--capacity", "1000000", "--interval", "0", "--json"])
        .args(HOT)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    for _ in 0..20 {
        line.clear();
        out.read_line(&mut line).unwrap();
    }
    kill(&child, signal);
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let status = wait_with_deadline(&mut child, Duration::from_secs(10));
    let err = read_all(child.stderr.take().unwrap());
    let output = std::process::Output {
        status,
        stdout: rest.into_bytes(),
        stderr: err.into_bytes(),
    };
    (env, output)
}

#[test]
fn sigterm_mid_run_leaves_every_tick_in_a_valid_history_and_exits_0() {
    let (env, out) = stop_with("-TERM");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let summary = err.lines().last().unwrap();
    assert!(
        summary.starts_with("rizk-scale: monitor stopped on SIGTERM: "),
        "{err}"
    );
    // Every tick either fully landed or never started: the history has one line per tick.
    let ticks: usize = summary
        .split(": ")
        .nth(2)
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(ticks >= 20);
    assert_eq!(assert_history_valid(&env.history()), ticks);
    assert!(!env.dir.path().join(".history.jsonl.tmp").exists());
    // The last line printed is whole JSON.
    let last = stdout(&out).lines().last().map(str::to_string);
    if let Some(l) = last {
        serde_json::from_str::<TickJson>(&l).unwrap();
    }
}

#[test]
fn sigint_stops_the_same_way_and_exits_0() {
    let (env, out) = stop_with("-INT");
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("monitor stopped on SIGINT: "));
    assert!(assert_history_valid(&env.history()) >= 20);
}

#[test]
fn a_failing_tick_is_shown_counted_and_the_loop_goes_on() {
    let env = Env::new();
    // The history is a symbolic link: the store refuses it, so the first tick fails.
    let real = env.dir.path().join("real.jsonl");
    std::fs::write(&real, "").unwrap();
    std::os::unix::fs::symlink(&real, env.history()).unwrap();
    let mut child = monitor(&env)
        .args(["--count", "3", "--interval", "500ms", "--json"])
        .args(HOT)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["tick"], 1);
    assert!(
        v["error"].as_str().unwrap().contains("symbolic link"),
        "{first}"
    );
    assert!(v.get("sample").is_none());
    // Repair it: the next ticks succeed.
    std::fs::remove_file(env.history()).unwrap();
    let rest: Vec<TickJson> = out
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let status = wait_with_deadline(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    assert_eq!(rest.iter().map(|t| t.tick).collect::<Vec<_>>(), vec![2, 3]);
    assert_eq!(rest[1].recommendation.samples, 2);
    assert_eq!(assert_history_valid(&env.history()), 2);
    let err = read_all(child.stderr.take().unwrap());
    assert!(err.contains("rizk-scale: error: tick 1 failed: "), "{err}");
    assert!(err.contains("3 ticks (1 failed)"), "{err}");
}

#[test]
fn when_no_tick_succeeds_the_exit_is_2() {
    let env = Env::new();
    let out = env
        .cmd()
        .arg("--history")
        .arg(env.dir.path())
        .args(["monitor", "--no-host", "--count", "2", "--interval", "0"])
        .args(HOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("is a directory").count(), 2, "{err}");
    assert!(err.contains("2 ticks (2 failed)"));
    assert!(
        err.ends_with("rizk-scale: error: no tick succeeded (2 failed)\n"),
        "{err}"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    let out = monitor(&env)
        .args(["--min-replicas", "9", "--max-replicas", "3"])
        .args(HOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--min-replicas '9' is greater than --max-replicas '3'"));
    let out = monitor(&env).args(["--count", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nothing to collect"));
    let out = monitor(&env)
        .args(["--interval", "soon"])
        .args(HOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!env.history().exists());
}

// ---------------------------------------------------------------------------------------------
// The exporter.

/// A minimal HTTP/1.1 GET: (status, content type, body).
fn get(addr: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let text = read_all(s);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let ctype = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    (status, ctype, body.to_string())
}

/// Read stderr until the "serving" line; return the address.
fn served_addr(stderr: &mut BufReader<ChildStderr>) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no serving line");
        if let Some(rest) = line.strip_prefix("rizk-scale: serving http://") {
            return rest.split('/').next().unwrap().to_string();
        }
    }
}

/// Check a /metrics page line by line: HELP then TYPE then series, names and values valid.
fn check_exposition(text: &str) -> Vec<(String, f64)> {
    let mut series = Vec::new();
    let mut declared: Option<String> = None;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap();
            let ty = lines[i + 1].strip_prefix("# TYPE ").unwrap();
            let (tname, kind) = ty.split_once(' ').unwrap();
            assert_eq!(tname, name);
            assert!(kind == "gauge" || kind == "counter", "{ty}");
            declared = Some(name.to_string());
        } else if line.starts_with("# TYPE ") {
            continue;
        } else {
            let (key, value) = line.rsplit_once(' ').unwrap();
            let name = key.split('{').next().unwrap();
            assert_eq!(
                Some(name),
                declared.as_deref(),
                "series without HELP/TYPE: {line}"
            );
            series.push((key.to_string(), value.parse::<f64>().unwrap()));
        }
    }
    series
}

#[test]
fn exporter_serves_metrics_health_and_ready() {
    let env = Env::new();
    let mut child = monitor(&env)
        .args([
            "--serve",
            "127.0.0.1:0",
            "--interval",
            "400ms",
            "--current-replicas",
            "5",
        ])
        .args(HOT)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let addr = served_addr(&mut err);
    assert!(addr.starts_with("127.0.0.1:"));
    // Bound before the first tick: at most one sample yet.
    let (code, _, body) = get(&addr, "/ready");
    assert_eq!(code, 503, "{body}");
    assert!(body.starts_with("not ready: "), "{body}");
    let (code, _, body) = get(&addr, "/health");
    assert_eq!(code, 200, "{body}");
    let start = Instant::now();
    while get(&addr, "/ready").0 != 200 {
        assert!(start.elapsed() < Duration::from_secs(10), "never ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (code, ctype, page) = get(&addr, "/metrics");
    assert_eq!(code, 200);
    assert_eq!(ctype, "text/plain; version=0.0.4; charset=utf-8");
    let series = check_exposition(&page);
    let value = |k: &str| series.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
    assert_eq!(
        value("rizk_scale_recommendation{action=\"scale_up\"}"),
        Some(1.0)
    );
    for a in ["scale_down", "maintain", "wait"] {
        assert_eq!(
            value(&format!("rizk_scale_recommendation{{action=\"{a}\"}}")),
            Some(0.0)
        );
    }
    assert_eq!(value("rizk_scale_replica_delta"), Some(3.0));
    assert_eq!(value("rizk_scale_target_replicas"), Some(8.0));
    assert!(value("rizk_scale_history_samples").unwrap() >= 3.0);
    assert_eq!(value("rizk_requests_per_second"), Some(150.0));
    assert_eq!(value("rizk_cpu_percent"), Some(95.0));
    assert_eq!(
        value("rizk_response_time_seconds"),
        None,
        "unknown metrics are omitted"
    );
    assert_eq!(value("rizk_scale_collect_errors_total"), Some(0.0));
    assert_eq!(
        value(&format!(
            "rizk_scale_build_info{{version=\"{}\"}}",
            env!("CARGO_PKG_VERSION")
        )),
        Some(1.0)
    );
    // Our own parser accepts the page, with every family typed and documented.
    let format = rizk_scale::sources::exposition::Format::from_content_type(&ctype).unwrap();
    let parsed = rizk_scale::sources::exposition::parse(&page, format).unwrap();
    assert!(parsed.families.iter().all(|f| f.help.is_some()));
    let rps = parsed.family("rizk_requests_per_second").unwrap();
    assert_eq!(rps.kind, rizk_scale::sources::exposition::MetricType::Gauge);
    assert_eq!(rps.samples[0].value, 150.0);
    assert_eq!(get(&addr, "/nope").0, 404);
    kill(&child, "-TERM");
    let status = wait_with_deadline(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    assert!(
        TcpStream::connect(&addr).is_err(),
        "the exporter stops with the loop"
    );
}

#[test]
fn health_turns_503_when_ticks_are_late() {
    let env = Env::new();
    // A tick that takes longer than 3 intervals (and the 3 s floor): a hook cannot do that,
    // the history lock can. Hold the lock, and the tick blocks on it.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(env.dir.path().join("history.jsonl.lock"))
        .unwrap();
    let mut child = monitor(&env)
        .args(["--serve", "127.0.0.1:0", "--interval", "100ms"])
        .args(HOT)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let addr = served_addr(&mut err);
    while get(&addr, "/ready").0 != 200 {
        std::thread::sleep(Duration::from_millis(50));
    }
    lock.lock().unwrap();
    let start = Instant::now();
    let body = loop {
        let (code, _, body) = get(&addr, "/health");
        if code == 503 {
            break body;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "never stale");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(body.starts_with("stale: last tick "), "{body}");
    assert!(start.elapsed() >= Duration::from_secs(2), "stale too soon");
    lock.unlock().unwrap();
    let start = Instant::now();
    while get(&addr, "/health").0 != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never healthy again"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    kill(&child, "-TERM");
    assert_eq!(
        wait_with_deadline(&mut child, Duration::from_secs(10)).code(),
        Some(0)
    );
    assert_history_valid(&env.history());
}

#[test]
fn a_busy_port_is_a_failure() {
    let env = Env::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = monitor(&env)
        .args(["--serve", &addr, "--count", "1"])
        .args(HOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with(&format!("rizk-scale: error: binding exporter '{addr}': ")));
    assert!(!env.history().exists(), "no tick before the exporter is up");
}

// ---------------------------------------------------------------------------------------------
// --exec-on-change.

fn hook_script(env: &Env) -> std::path::PathBuf {
    let script = env.dir.path().join("hook.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '%s|%s|%s|%s|%s\\n' \"$1\" \"$RIZK_ACTION\" \"$RIZK_REPLICA_DELTA\" \
         \"$RIZK_TARGET_REPLICAS\" \"$RIZK_REASON\" >> \"$2\"\necho hook-ran\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn exec_on_change_gets_the_environment_on_each_change() {
    let env = Env::new();
    let script = hook_script(&env);
    let log = env.dir.path().join("hook.log");
    let out = monitor(&env)
        .args([
            "--count",
            "4",
            "--interval",
            "300ms",
            "--json",
            "--current-replicas",
            "5",
        ])
        .args(HOT)
        .arg("--exec-on-change")
        .arg(&script)
        .args(["--exec-arg", "first-arg", "--exec-arg"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // wait (ticks 1–2), then scale_up +3 (ticks 3–4): two changes, each announced once.
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "first-arg|wait|0|5|Insufficient metrics history: 1 of 3 samples; waiting for 2 more samples\n\
         first-arg|scale_up|3|8|cpu_percent 95 > 70, memory_percent 85 > 80, requests_per_second 150 > 100: \
         3 of 5 scale-up conditions, 2 needed; High resource usage: CPU 95.0%, Memory 85.0%, Response Time unknown\n"
    );
    // The program's stdout goes to stderr: stdout stays pure NDJSON.
    assert_eq!(stdout(&out).lines().count(), 4);
    assert!(stdout(&out).lines().all(|l| l.starts_with('{')));
    assert_eq!(stderr(&out).matches("hook-ran").count(), 2);
}

#[test]
fn exec_on_change_failures_are_reported_and_the_loop_goes_on() {
    let env = Env::new();
    let out = monitor(&env)
        .args([
            "--count",
            "2",
            "--interval",
            "0",
            "--exec-on-change",
            "false",
            "--json",
        ])
        .args(HOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().count(), 2);
    let err = stderr(&out);
    assert!(err.contains("rizk-scale: warning: --exec-on-change 'false' failed (exit status: 1) for action wait +0"), "{err}");
    // A program that cannot be started is a warning, and the loop goes on.
    let out = monitor(&env)
        .args(HOT)
        .args(["--count", "1", "--interval", "0"])
        .args(["--exec-on-change", "/nonexistent/hook"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("--exec-on-change '/nonexistent/hook' could not run: "));
}

#[test]
fn monitor_takes_the_same_policy_flags_as_recommend() {
    let env = Env::new();
    let out = monitor(&env)
        .args(["--count", "3", "--interval", "10ms", "--json"])
        .args([
            "--metric",
            "cpu_percent=91",
            "--metric",
            "memory_percent=50",
        ])
        .args(["--policy", "hpa", "--current-replicas", "4"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let last: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    let rec = &last["recommendation"];
    assert_eq!(rec["policy"], "hpa", "{rec}");
    // cpu 91 / 70 = 1.3 → ceil(4 × 1.3) = 6; memory 50 / 80 proposes fewer: cpu wins.
    assert_eq!(
        (rec["target_replicas"].as_u64(), rec["winner"].as_str()),
        (Some(6), Some("cpu_percent"))
    );
    let out = monitor(&env)
        .args([
            "--count",
            "1",
            "--metric",
            "cpu_percent=1",
            "--policy",
            "hpa",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--current-replicas"),
        "{}",
        stderr(&out)
    );
}
