//! `--prometheus URL` against a real `prometheus` server (Debian's package) that scrapes a
//! local axum endpoint every second: `collect` gets the expected rate and error ratio, a query
//! with no data stays unknown (never 0), overrides apply, a broken query is unknown with a
//! warning; an unreachable Prometheus fails the command only when nothing else was collected.
//!
//! Without the `prometheus` binary the server test prints why and passes, except under
//! `CI=true`, where a missing binary is a failure.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::redis::{dead_port, free_port};
use serde_json::Value;

/// Requests per second the test endpoint's counters grow by: 10 × 200 and 1 × 500.
const OK_RATE: f64 = 10.0;
const ERR_RATE: f64 = 1.0;

/// The `prometheus` binary, if installed. Missing under `CI=true`: panics.
fn prometheus_binary() -> Option<&'static str> {
    common::tool_present("prometheus", "prometheus").then_some("prometheus")
}

/// The scraped application: counters that grow linearly with time, and a gauge.
fn start_app() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let started = Instant::now();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new().route(
                "/metrics",
                axum::routing::get(move || async move {
                    let t = started.elapsed().as_secs_f64();
                    format!(
                        "# TYPE http_requests_total counter\n\
                         http_requests_total{{code=\"200\"}} {}\n\
                         http_requests_total{{code=\"500\"}} {}\n\
                         # TYPE app_connections gauge\n\
                         app_connections 37\n",
                        1000.0 + OK_RATE * t,
                        ERR_RATE * t
                    )
                }),
            );
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    port
}

/// A `prometheus` server; killed on drop.
struct Prometheus {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Prometheus {
    fn start(bin: &str, dir: &Path, app_port: u16) -> Prometheus {
        let port = free_port(false);
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                 scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['127.0.0.1:{app_port}']\n"
            ),
        )
        .unwrap();
        let log = dir.join("prometheus.log");
        let child = Command::new(bin)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Prometheus { child, port, log }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bare HTTP/1.0 GET (the harness does not use the code under test).
fn http_get(port: u16, path_and_query: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET {path_and_query} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())
}

fn rizk(dir: &Path, args: &[&str]) -> Output {
    common::rizk_command(dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .args(args)
        .output()
        .unwrap()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs()
}

#[test]
fn collect_reads_rates_from_a_real_prometheus() {
    let Some(bin) = prometheus_binary() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let app_port = start_app();
    let prom = Prometheus::start(bin, dir.path(), app_port);

    // Bounded wait for 6 s of scrapes. The default `rate(…[1m])` divides by the whole minute
    // (Prometheus extrapolates only up to ~1 scrape interval past the data), so a fresh server
    // would read low until it has a minute of data: the rate is asked over [5s] here, and the
    // default error ratio (a ratio of two such rates) is exact either way.
    let started = Instant::now();
    let probe = "/api/v1/query?query=count_over_time(http_requests_total%7Bcode%3D%22200%22%7D%5B10s%5D)%20%3E%3D%206";
    let ready = loop {
        let body = http_get(prom.port, probe).unwrap_or_default();
        if body.contains("\"result\":[{") {
            break true;
        }
        if started.elapsed() > Duration::from_secs(30) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(
        ready,
        "prometheus had no data after 30 s:\n{}",
        std::fs::read_to_string(&prom.log).unwrap_or_default()
    );
    eprintln!("prometheus had data after {:?}", started.elapsed());

    let out = rizk(
        dir.path(),
        &[
            "collect",
            "--no-host",
            "--prometheus",
            &prom.url(),
            "--prometheus-query",
            "requests_per_second=sum(rate(http_requests_total[5s]))",
            "--prometheus-query",
            "active_connections=sum(app_connections)",
            "--prometheus-query",
            "cache_hit_rate=sum(rate(",
            "--json",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["sample"];
    let rps = s["requests_per_second"].as_f64().unwrap();
    assert!(close(rps, OK_RATE + ERR_RATE, 0.05), "rate {rps}: {v}");
    let err = s["error_rate"].as_f64().unwrap();
    let expected = 100.0 * ERR_RATE / (OK_RATE + ERR_RATE);
    assert!(
        close(err, expected, 0.05),
        "error rate {err} (≈{expected}): {v}"
    );
    assert_eq!(
        s["active_connections"],
        Value::from(37),
        "the override: {v}"
    );
    // No such series in this Prometheus: unknown, never 0.
    assert_eq!(s["response_time_ms"], Value::Null, "{v}");
    assert_eq!(s["cpu_percent"], Value::Null, "{v}");
    assert_eq!(s["memory_percent"], Value::Null, "{v}");
    let readings = v["prometheus"].as_array().unwrap();
    let reading = |m: &str| {
        readings
            .iter()
            .find(|r| r["metric"] == m)
            .unwrap_or_else(|| panic!("no reading for {m}: {v}"))
    };
    assert_eq!(
        reading("response_time_ms")["error"],
        Value::Null,
        "empty is not an error"
    );
    assert_eq!(reading("response_time_ms")["value"], Value::Null);
    // A query Prometheus rejects: unknown, with its error, and a warning.
    let broken = reading("cache_hit_rate");
    assert_eq!(broken["value"], Value::Null);
    let why = broken["error"].as_str().unwrap();
    assert!(why.starts_with("HTTP 400: "), "{why}");
    assert!(
        stderr.contains("warning: prometheus 'http://127.0.0.1:")
            && stderr.contains("cache_hit_rate unknown: HTTP 400"),
        "{stderr}"
    );
    eprintln!(
        "collect: requests_per_second {rps} (expected {}), error_rate {err}",
        OK_RATE + ERR_RATE
    );

    // The sample went to the history, as any collected sample.
    let history = std::fs::read_to_string(dir.path().join("h.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 1);
    assert!(history.contains("\"requests_per_second\":"));
}

#[test]
fn an_unreachable_prometheus_fails_only_when_it_was_the_only_source() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", dead_port());
    let out = rizk(
        dir.path(),
        &[
            "collect",
            "--no-host",
            "--prometheus",
            &url,
            "--timeout",
            "2s",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "rizk-scale: error: prometheus '{url}': all 6 queries failed"
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("h.jsonl").exists(), "nothing written");

    // With another source, the sample is written and the Prometheus metrics are unknown.
    let out = rizk(
        dir.path(),
        &[
            "collect",
            "--no-host",
            "--prometheus",
            &url,
            "--metric",
            "cpu_percent=12",
            "--json",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sample"]["cpu_percent"], Value::from(12.0));
    assert_eq!(v["sample"]["requests_per_second"], Value::Null, "{v}");
    assert!(stderr.contains("requests_per_second unknown"), "{stderr}");

    // A bad URL is a usage error before anything is sent; a password never shows.
    let out = rizk(
        dir.path(),
        &["collect", "--no-host", "--prometheus", "ftp://u:s3cret@h/"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--prometheus"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

#[test]
fn config_queries_apply_and_flags_win() {
    // A tiny fake Prometheus API on loopback, answering by query.
    let port = free_port(false);
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { break };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).to_string();
            let value = if request.contains("from_config") {
                "5"
            } else if request.contains("from_flag") {
                "7"
            } else {
                ""
            };
            let result = if value.is_empty() {
                String::new()
            } else {
                format!("{{\"metric\":{{}},\"value\":[1,\"{value}\"]}}")
            };
            let body = format!(
                "{{\"status\":\"success\",\"data\":{{\"resultType\":\"vector\",\"result\":[{result}]}}}}"
            );
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rizk-scale.toml"),
        "[prometheus.queries]\nrequests_per_second = \"from_config\"\nerror_rate = \"from_config\"\n",
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let out = Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
        .current_dir(dir.path())
        .env_clear()
        .env("HOME", dir.path())
        .env("NO_COLOR", "1")
        .arg("--history")
        .arg(dir.path().join("h.jsonl"))
        .args(["collect", "--no-host", "--prometheus", &url, "--json"])
        .args(["--prometheus-query", "error_rate=from_flag"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sample"]["requests_per_second"], Value::from(5.0), "{v}");
    assert_eq!(v["sample"]["error_rate"], Value::from(7.0), "{v}");
    assert_eq!(
        v["sample"]["cpu_percent"],
        Value::Null,
        "an empty answer: {v}"
    );
}
