//! Every unknown metric says why, through the real binary against real loopback HTTP servers
//! (axum): a page missing the mapped series (with similar names), a first scrape, a dead port,
//! a counter reset, a Prometheus query that fails or finds nothing, stale history, an invalid
//! history value, and nothing configured — in `collect --json`'s `unknown`, `recommend --json`'s
//! `unknown_reason`, and the tables' footnotes.

use crate::common;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use serde_json::Value;

fn rizk(dir: &Path, args: &[&str]) -> Output {
    common::rizk_command(dir)
        .env("COLUMNS", "80")
        .args(args)
        .output()
        .unwrap()
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

fn json(out: &Output) -> Value {
    let text = ok(out);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Serve `body` (changeable between requests) at `/metrics` and a fake Prometheus API at
/// `/api/v1/query` on a fresh loopback port; returns the base URL.
fn serve(body: Arc<Mutex<String>>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/metrics",
                    axum::routing::get(move || async move { body.lock().unwrap().clone() }),
                )
                .route(
                    "/api/v1/query",
                    axum::routing::get(|q: axum::extract::RawQuery| async move {
                        // The error-rate query fails; every other one finds no series.
                        let q = q.0.unwrap_or_default();
                        if q.contains("5..") || q.contains("5%2E%2E") {
                            r#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#
                        } else {
                            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#
                        }
                    }),
                );
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{addr}")
}

fn web(requests: u64, conns: u64) -> String {
    format!(
        "# TYPE http_requests_total counter\nhttp_requests_total{{code=\"200\"}} {requests}\n\
         http_requests_total{{code=\"500\"}} 0\n\
         # TYPE http_connections_active gauge\nhttp_connections_active {conns}\n"
    )
}

/// The footnote lines under a table (after its bottom border, before the next capitalised
/// line), each joined back into one line (continuations are indented by two spaces).
fn footnotes(text: &str) -> Vec<String> {
    let after = text
        .rfind('└')
        .and_then(|at| text[at..].find('\n').map(|nl| &text[at + nl + 1..]))
        .unwrap_or("");
    let mut notes: Vec<String> = Vec::new();
    for line in after.lines() {
        if let Some(rest) = line.strip_prefix("  ")
            && let Some(last) = notes.last_mut()
        {
            last.push(' ');
            last.push_str(rest);
        } else if line.starts_with(|c: char| c.is_ascii_lowercase()) {
            notes.push(line.to_string());
        } else {
            break;
        }
    }
    notes
}

#[test]
fn a_page_without_the_mapped_series_names_the_selector_the_url_and_similar_series() {
    let dir = tempfile::tempdir().unwrap();
    let body = Arc::new(Mutex::new(
        "api_requests_total 5\napi_request_errors_total 1\njvm_threads_live 40\nhttp_connections_active 3\n"
            .to_string(),
    ));
    let url = format!("{}/metrics", serve(body));
    let v = json(&rizk(
        dir.path(),
        &["collect", "--no-host", "--endpoint", &url, "--json"],
    ));
    assert_eq!(v["sample"]["active_connections"], 3);
    assert_eq!(
        v["unknown"]["requests_per_second"],
        format!(
            "series http_requests_total not found on {url} (similar there: api_requests_total); name the right one in [endpoints.mapping]"
        )
    );
    assert!(v["unknown"].get("active_connections").is_none(), "{v:#}");
    // The table: one footnote per unknown metric, at most 80 columns, broken at spaces.
    let text = ok(&rizk(
        dir.path(),
        &["collect", "--no-host", "--endpoint", &url],
    ));
    let notes = footnotes(&text);
    assert!(
        notes.contains(&format!(
            "requests_per_second, error_rate unknown: series http_requests_total not found on {url} (similar there: api_requests_total); name the right one in [endpoints.mapping]"
        )),
        "{text}"
    );
    // Seven metrics, one known, two sharing a reason: five lines.
    assert_eq!(notes.len(), 5, "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // Written into the line, so recommend can say it later.
    let v = json(&rizk(dir.path(), &["recommend", "--json"]));
    let rps = v["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "requests_per_second")
        .unwrap();
    assert_eq!(rps["state"], "unknown");
    assert!(
        rps["unknown_reason"]
            .as_str()
            .unwrap()
            .starts_with("series http_requests_total not found on"),
        "{rps}"
    );
}

#[test]
fn a_first_scrape_needs_a_second_and_a_counter_reset_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let body = Arc::new(Mutex::new(web(1000, 4)));
    let url = format!("{}/metrics", serve(body.clone()));
    let args = ["collect", "--no-host", "--endpoint", url.as_str(), "--json"];
    let first = json(&rizk(dir.path(), &args));
    let want = format!(
        "rate needs a second scrape: first scrape of {url} (no previous counters); the next collect has it"
    );
    assert_eq!(first["unknown"]["requests_per_second"], want);
    assert_eq!(first["unknown"]["error_rate"], want);
    // recommend's table: the same reason, read back from the history line.
    let text = ok(&rizk(dir.path(), &["recommend"]));
    let notes = footnotes(&text);
    assert!(
        notes.contains(&format!("requests_per_second, error_rate unknown: {want}")),
        "{text}"
    );
    // monitor's NDJSON lines carry the same object; its first tick is a first scrape too.
    let fresh = tempfile::tempdir().unwrap();
    let out = ok(&rizk(
        fresh.path(),
        &[
            "monitor",
            "--no-host",
            "--endpoint",
            &url,
            "--json",
            "--count",
            "2",
            "--interval",
            "0",
        ],
    ));
    let ticks: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(ticks.len(), 2, "{out}");
    assert_eq!(ticks[0]["unknown"]["requests_per_second"], want);
    assert!(
        ticks[1]["unknown"].get("requests_per_second").is_none(),
        "{out}"
    );
    assert_eq!(
        ticks[0]["recommendation"]["conditions"][2]["unknown_reason"],
        ticks[0]["unknown"]["requests_per_second"]
    );
    std::thread::sleep(std::time::Duration::from_millis(50));
    *body.lock().unwrap() = web(1100, 4);
    let second = json(&rizk(dir.path(), &args));
    assert!(second["sample"]["requests_per_second"].as_f64().unwrap() > 0.0);
    assert!(second["unknown"].get("requests_per_second").is_none());
    // The service restarted: its counter went down.
    *body.lock().unwrap() = web(7, 4);
    let third = json(&rizk(dir.path(), &args));
    assert_eq!(third["sample"]["requests_per_second"], Value::Null);
    assert_eq!(
        third["unknown"]["requests_per_second"],
        format!(
            "counter reset this scrape: requests went down on {url} (the target restarted); the next scrape has the rate again"
        )
    );
    let v = json(&rizk(dir.path(), &["recommend", "--json"]));
    let reasons: Vec<&str> = v["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["metric"] == "requests_per_second")
        .map(|c| c["unknown_reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 2, "{v:#}");
    assert!(
        reasons
            .iter()
            .all(|r| r.starts_with("counter reset this scrape"))
    );
}

#[test]
fn a_dead_port_is_a_target_down_with_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{addr}/metrics");
    let v = json(&rizk(
        dir.path(),
        &[
            "collect",
            "--endpoint",
            &url,
            "--allow-partial",
            "--timeout",
            "1s",
            "--json",
        ],
    ));
    assert!(
        v["sample"]["cpu_percent"].is_number(),
        "the host is sampled"
    );
    let rps = v["unknown"]["requests_per_second"].as_str().unwrap();
    assert!(rps.starts_with(&format!("target {url} down: ")), "{rps}");
    assert!(rps.len() > format!("target {url} down: ").len(), "{rps}");
    assert!(v["unknown"].get("cpu_percent").is_none());
}

#[test]
fn prometheus_names_the_query_that_failed_or_found_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let base = serve(Arc::new(Mutex::new(String::new())));
    let v = json(&rizk(
        dir.path(),
        &[
            "collect",
            "--no-host",
            "--metric",
            "cpu_percent=10",
            "--prometheus",
            &base,
            "--json",
        ],
    ));
    let error = v["unknown"]["error_rate"].as_str().unwrap();
    assert!(
        error.starts_with(
            "Prometheus query failed: 100 * sum(rate(http_requests_total{code=~\"5..\"}[1m]))"
        ) && error.ends_with(": parse error at char 3"),
        "{error}"
    );
    assert_eq!(
        v["unknown"]["requests_per_second"],
        "Prometheus query returned no series (or NaN): sum(rate(http_requests_total[1m]))"
    );
    // No default query for connections: the flag that would give one is named.
    assert!(
        v["unknown"]["active_connections"]
            .as_str()
            .unwrap()
            .contains("--prometheus URL --prometheus-query active_connections=QUERY"),
        "{v:#}"
    );
}

#[test]
fn stale_history_makes_every_condition_unknown_and_says_how_old() {
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"timestamp":"2020-01-01T00:00:00Z","cpu_percent":95,"memory_percent":90,"requests_per_second":150,"error_rate":0.5,"response_time_ms":300}"#;
    std::fs::write(
        dir.path().join("h.jsonl"),
        format!("{line}\n{line}\n{line}\n"),
    )
    .unwrap();
    let v = json(&rizk(dir.path(), &["recommend", "--json"]));
    assert_eq!(v["action"], "wait");
    for c in v["conditions"].as_array().unwrap() {
        assert_eq!(c["state"], "unknown", "{c}");
        assert_eq!(c["value"], Value::Null, "{c}");
        let r = c["unknown_reason"].as_str().unwrap();
        assert!(
            r.starts_with("stale: the newest sample is ")
                && r.ends_with(" old (--max-age 15m); collect a fresh one"),
            "{r}"
        );
    }
    let text = ok(&rizk(dir.path(), &["recommend"]));
    let notes = footnotes(&text);
    assert_eq!(notes.len(), 1, "one line for the one reason: {text}");
    assert!(
        notes[0].starts_with(
            "cpu_percent, memory_percent, requests_per_second, response_time_ms, error_rate unknown: stale: the newest sample is "
        ),
        "{text}"
    );
    // A larger max age: fresh again, the values count.
    let v = json(&rizk(
        dir.path(),
        &["recommend", "--json", "--max-age", "100000d"],
    ));
    assert_eq!(v["action"], "scale_up", "{v:#}");
    assert!(v["conditions"][0].get("unknown_reason").is_none());
}

#[test]
fn an_invalid_history_value_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"cpu_percent":50,"memory_percent":50,"requests_per_second":50,"error_rate":0.5,"response_time_ms":300}"#;
    let bad = r#"{"cpu_percent":50,"memory_percent":50,"requests_per_second":50,"error_rate":200,"response_time_ms":300}"#;
    let history = dir.path().join("h.jsonl");
    std::fs::write(&history, format!("{good}\n{good}\n{bad}\n")).unwrap();
    let v = json(&rizk(dir.path(), &["recommend", "--json"]));
    let error: Vec<&Value> = v["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["metric"] == "error_rate")
        .collect();
    let want = format!(
        "invalid value at '{}:3': error_rate 200: error_rate is a percentage (0–100), got 200; fix or remove the value",
        history.display()
    );
    for c in error {
        assert_eq!(c["state"], "unknown");
        assert_eq!(c["unknown_reason"], want.as_str());
    }
    let text = ok(&rizk(dir.path(), &["recommend"]));
    assert!(
        footnotes(&text).contains(&format!("error_rate unknown: {want}")),
        "{text}"
    );
}

#[test]
fn nothing_configured_names_the_flags_that_would_collect_it() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&rizk(
        dir.path(),
        &[
            "collect",
            "--no-host",
            "--metric",
            "cpu_percent=50",
            "--json",
        ],
    ));
    assert_eq!(
        v["unknown"]["requests_per_second"],
        "not configured: no source provides it; add --endpoint URL, --prometheus URL, or --metric requests_per_second=VALUE"
    );
    assert_eq!(
        v["unknown"]["memory_percent"],
        "not configured: --no-host was given and no other source provides it; drop --no-host (the host gives CPU and memory), or add --endpoint URL, --prometheus URL, or --metric memory_percent=VALUE"
    );
    assert!(v["unknown"].get("cpu_percent").is_none());
    // Not kept in the history line: a later reader says it itself.
    let line = std::fs::read_to_string(dir.path().join("h.jsonl")).unwrap();
    assert!(!line.contains("\"unknown\""), "{line}");
    let v = json(&rizk(dir.path(), &["recommend", "--json"]));
    let rps = &v["conditions"][2];
    assert_eq!(rps["metric"], "requests_per_second");
    assert_eq!(
        rps["unknown_reason"],
        "not collected: the newest sample has no value and no recorded reason; collect it with --endpoint URL, --prometheus URL, or --metric requests_per_second=VALUE"
    );
    // Every metric known: `unknown` is an empty object.
    let all: Vec<String> = [
        "cpu_percent=1",
        "memory_percent=1",
        "requests_per_second=1",
        "cache_hit_rate=1",
        "error_rate=1",
        "response_time_ms=1",
        "active_connections=1",
    ]
    .iter()
    .flat_map(|m| ["--metric".to_string(), m.to_string()])
    .collect();
    let mut args = vec!["collect", "--no-host", "--json"];
    args.extend(all.iter().map(String::as_str));
    let v = json(&rizk(dir.path(), &args));
    assert_eq!(v["unknown"], serde_json::json!({}));
}
