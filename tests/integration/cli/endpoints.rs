//! `collect` / `recommend --collect` with `--endpoint`: real axum servers on 127.0.0.1.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::Value;

use crate::cli::util::*;

/// A server on a loopback port, running until dropped.
pub struct Server {
    pub addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

pub fn start(router: Router) -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(async move { axum::serve(listener, router).await.unwrap() });
    Server {
        addr,
        _runtime: runtime,
    }
}

fn closed_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A server whose `/metrics` page the test changes between scrapes.
fn page_server(initial: &str) -> (Server, Arc<Mutex<String>>) {
    let body = Arc::new(Mutex::new(initial.to_string()));
    let shared = body.clone();
    let app = Router::new()
        .route(
            "/metrics",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    shared.lock().unwrap().clone(),
                )
            }),
        )
        .route(
            "/forbidden",
            get(|| async { (StatusCode::FORBIDDEN, "no").into_response() }),
        );
    (start(app), body)
}

fn web(ok: u64, errors: u64, sum: f64, count: u64, fast: u64, conns: u64) -> String {
    format!(
        "http_requests_total{{code=\"200\"}} {ok}\nhttp_requests_total{{code=\"500\"}} {errors}\n\
         http_request_duration_seconds_bucket{{le=\"0.1\"}} {fast}\n\
         http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
         http_request_duration_seconds_sum {sum}\nhttp_request_duration_seconds_count {count}\n\
         http_connections_active {conns}\ncache_hits_total {ok}\ncache_misses_total {errors}\n"
    )
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[test]
fn two_collects_give_rates_from_the_stored_counters() {
    let (server, body) = page_server(&web(90, 10, 4.0, 100, 50, 3));
    let url = format!("http://{}/metrics", server.addr);
    let env = Env::new();
    let collect = || {
        let out = env
            .cmd()
            .args([
                "collect",
                "--no-host",
                "--json",
                "--instance",
                "t",
                "--endpoint",
                &url,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        json(&out)
    };

    let first = collect();
    let s = &first["sample"];
    assert_eq!(
        s["requests_per_second"],
        Value::Null,
        "first scrape: unknown"
    );
    assert_eq!(s["error_rate"], Value::Null);
    assert_eq!(s["response_time_ms"], Value::Null);
    assert_eq!(s["cache_hit_rate"], Value::Null);
    assert_eq!(s["cpu_percent"], Value::Null);
    assert_eq!(s["active_connections"], 3);
    assert_eq!(
        (s["targets_ok"].as_u64(), s["targets_total"].as_u64()),
        (Some(1), Some(1))
    );
    let t = &first["targets"][0];
    assert_eq!(
        (t["url"].as_str(), t["ok"].as_bool()),
        (Some(url.as_str()), Some(true))
    );
    assert_eq!(t["error"], Value::Null);
    assert!(t["duration_ms"].as_u64().is_some());
    let t1 = s["raw"][&url]["t_ms"].as_i64().unwrap();
    assert_eq!(s["raw"][&url]["requests"], 100.0);

    // +180 ok, +20 errors; 200 observations taking 10 s; 150 of them ≤ 100 ms.
    *body.lock().unwrap() = web(270, 30, 14.0, 300, 200, 5);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = collect();
    let s = &second["sample"];
    let t2 = s["raw"][&url]["t_ms"].as_i64().unwrap();
    let seconds = (t2 - t1) as f64 / 1000.0;
    let expected_rps = (200.0 / seconds * 100.0).round() / 100.0;
    assert_eq!(s["requests_per_second"].as_f64(), Some(expected_rps));
    assert_eq!(s["error_rate"], 10.0);
    assert_eq!(s["response_time_ms"], 50.0);
    assert_eq!(s["cache_hit_rate"], 90.0);
    assert_eq!(s["active_connections"], 5);
    // rank 190 of 200: in (0.1, +Inf] → the highest finite bound, 100 ms.
    assert_eq!(s["response_time_p95_ms"], 100.0);

    let lines: Vec<Value> = env
        .read_history()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].get("raw").is_none(),
        "older lines drop the raw counters"
    );
    assert_eq!(lines[1], second["sample"]);
    assert_history_valid(&env.history());
}

#[test]
fn failed_targets_are_reported_and_excluded() {
    let (server, _body) = page_server(&web(1, 0, 0.1, 1, 1, 7));
    let good = format!("http://{}/metrics", server.addr);
    let down = format!("http://{}/metrics", closed_port());
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "collect",
            "--no-host",
            "--json",
            "--endpoint",
            &good,
            "--endpoint",
            &down,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("rizk-scale: warning: endpoint '{down}': ")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let v = json(&out);
    assert_eq!(
        v["sample"]["active_connections"], 7,
        "a failed target is not counted"
    );
    assert_eq!(
        (
            v["sample"]["targets_ok"].as_u64(),
            v["sample"]["targets_total"].as_u64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(v["targets"][1]["url"], down.as_str());
    assert_eq!(v["targets"][1]["ok"], false);
    assert!(
        v["targets"][1]["error"]
            .as_str()
            .unwrap()
            .contains("onnect")
    );

    // All fail without host sampling: nothing collected, exit 2.
    let out = env
        .cmd()
        .args([
            "collect",
            "--no-host",
            "--endpoint",
            &down,
            "--endpoint",
            &format!("http://{}/forbidden", server.addr),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "rizk-scale: error: all 2 endpoints failed, e.g. endpoint '{down}'"
        )),
        "{err}"
    );
    assert_eq!(env.read_history().lines().count(), 1, "no sample written");

    // All fail but the host is sampled: exit 2 all the same (issue 14) ...
    let out = env
        .cmd()
        .args(["collect", "--json", "--endpoint", &down])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(env.read_history().lines().count(), 1, "no sample written");
    // ... and with --allow-partial a sample with the host's figures.
    let out = env
        .cmd()
        .args(["collect", "--json", "--allow-partial", "--endpoint", &down])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert!(v["sample"]["cpu_percent"].as_f64().is_some());
    assert_eq!(v["sample"]["targets_ok"], 0);
    assert_eq!(v["sample"]["requests_per_second"], Value::Null);
}

#[test]
fn a_malformed_page_rejects_the_scrape_with_line_and_column() {
    let (server, _body) =
        page_server("http_requests_total 1\nhttp_requests_total{code=\"500\" 2\n");
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "collect",
            "--no-host",
            "--endpoint",
            &format!("http://{}/metrics", server.addr),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("rizk-scale: error: endpoint 'http://"),
        "{err}"
    );
    assert!(err.contains("invalid exposition: line 2, column "), "{err}");
    assert!(!env.history().exists());
}

#[test]
fn secrets_never_reach_output_or_history() {
    let (server, _body) = page_server(&web(1, 0, 0.1, 1, 1, 2));
    let env = Env::new();
    let token = env.dir.path().join("token");
    std::fs::write(&token, "tok-SECRET-1\n").unwrap();
    let good = format!("http://scrape:pw-SECRET-2@{}/metrics", server.addr);
    let forbidden = format!("http://scrape:pw-SECRET-2@{}/forbidden", server.addr);
    let down = format!("http://scrape:pw-SECRET-2@{}/metrics", closed_port());
    for args in [
        vec!["collect", "--json"],
        vec!["collect"],
        vec!["recommend", "--collect", "--json"],
    ] {
        let out = env
            .cmd()
            .args(&args)
            .args(["--no-host", "--bearer-token-file"])
            .arg(&token)
            .args(["--header", "X-Key: key-SECRET-3"])
            .args([
                "--endpoint",
                &good,
                "--endpoint",
                &forbidden,
                "--endpoint",
                &down,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains("SECRET"), "{all}");
        assert!(all.contains("scrape:***@"), "{all}");
    }
    let history = env.read_history();
    assert!(!history.contains("SECRET"), "{history}");
    assert!(history.contains("scrape:***@"));
}

#[test]
fn recommend_collect_uses_endpoints() {
    let (server, _body) = page_server(&web(1, 0, 0.1, 1, 1, 2));
    let env = Env::new();
    let url = format!("http://{}/metrics", server.addr);
    for _ in 0..3 {
        let out = env
            .cmd()
            .args([
                "recommend",
                "--collect",
                "--json",
                "--no-host",
                "--endpoint",
                &url,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let rec = parse_recommend(&out);
        assert!(rec.samples >= 1);
    }
    let lines: Vec<Value> = env
        .read_history()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["active_connections"], 2);
    // Unchanged counters: 0 requests per second (known), 0 % errors, latency unknown.
    assert_eq!(lines[2]["requests_per_second"], 0.0);
    assert_eq!(lines[2]["error_rate"], 0.0);
    assert_eq!(lines[2]["response_time_ms"], Value::Null);
}

#[test]
fn endpoint_flags_are_validated() {
    let env = Env::new();
    let cases: [(&[&str], &str); 5] = [
        (&["--endpoint", "ftp://h/x"], "unsupported scheme 'ftp'"),
        (
            &["--endpoint", "http://127.0.0.1:9/", "--max-body", "0"],
            "more than 0",
        ),
        (
            &["--endpoint", "http://127.0.0.1:9/", "--header", "nocolon"],
            "Name: value",
        ),
        (
            &["--endpoint", "http://127.0.0.1:9/", "--timeout", "0"],
            "more than 0",
        ),
        (
            &[
                "--endpoint",
                "http://127.0.0.1:9/",
                "--bearer-token-file",
                "/nonexistent/tok",
            ],
            "'/nonexistent/tok'",
        ),
    ];
    for (args, want) in cases {
        let out = env
            .cmd()
            .args(["collect", "--no-host"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
    assert!(!env.history().exists());
}

#[test]
fn a_hanging_endpoint_is_cut_by_timeout() {
    let app = Router::new().route(
        "/metrics",
        get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            "late"
        }),
    );
    let server = start(app);
    let env = Env::new();
    let start = std::time::Instant::now();
    let out = env
        .cmd()
        .args(["collect", "--no-host", "--timeout", "300ms", "--endpoint"])
        .arg(format!("http://{}/metrics", server.addr))
        .output()
        .unwrap();
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("timed out after 300ms"),
        "{}",
        stderr(&out)
    );
}
