//! Endpoint scraping against real HTTP servers on 127.0.0.1 (axum), through the library.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rizk_scale::sources::endpoint::{ScrapeOptions, Scraper, Target};
use rizk_scale::sources::mapping::{self, Obs};

const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Serve `router` on a fresh loopback port.
async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// A port nothing listens on.
async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

fn page(content_type: &'static str, body: impl Into<String>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body.into()).into_response()
}

/// A text 0.0.4 page of a web service with the given counters.
fn web_text(ok: u64, errors: u64, sum: f64, count: u64, buckets: [u64; 2], conns: u64) -> String {
    format!(
        "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n\
         http_requests_total{{code=\"200\",path=\"/a,b=c}}\"}} {ok}\n\
         http_requests_total{{code=\"500\"}} {errors}\n\
         # TYPE http_request_duration_seconds histogram\n\
         http_request_duration_seconds_bucket{{le=\"0.1\"}} {}\n\
         http_request_duration_seconds_bucket{{le=\"0.5\"}} {}\n\
         http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
         http_request_duration_seconds_sum {sum}\n\
         http_request_duration_seconds_count {count}\n\
         # TYPE http_connections_active gauge\nhttp_connections_active {conns}\n",
        buckets[0], buckets[1]
    )
}

fn options() -> ScrapeOptions {
    ScrapeOptions {
        timeout: Duration::from_secs(3),
        ..ScrapeOptions::default()
    }
}

fn target(addr: SocketAddr, path: &str) -> Target {
    Target::parse(&format!("http://{addr}{path}")).unwrap()
}

#[tokio::test]
async fn text_openmetrics_and_json_bodies_are_negotiated_and_parsed() {
    let accept = Arc::new(Mutex::new(String::new()));
    let seen = accept.clone();
    let app = Router::new()
        .route(
            "/text",
            get(move |h: HeaderMap| async move {
                *seen.lock().unwrap() = h[header::ACCEPT].to_str().unwrap().to_string();
                page(TEXT, web_text(90, 10, 2.5, 100, [60, 95], 4))
            }),
        )
        .route(
            "/om",
            get(|| async {
                page(
                    OPENMETRICS,
                    "# TYPE http_requests counter\nhttp_requests_total{code=\"503\"} 7.0 # {trace_id=\"x\"} 1.0\n\
                     http_requests_created{code=\"503\"} 1700000000.0\n\
                     # TYPE nginx_connections_active gauge\nnginx_connections_active 12\n# EOF\n",
                )
            }),
        )
        .route(
            "/json",
            get(|| async {
                page(
                    "application/json",
                    r#"{"cpuUsage": 42.5, "memoryUsage": 61, "requests_per_second": 140.5, "active_connections": 9}"#,
                )
            }),
        );
    let addr = serve(app).await;
    let scraper = Scraper::new(options()).unwrap();

    let text = scraper.scrape(&target(addr, "/text")).await.unwrap();
    assert!(
        accept
            .lock()
            .unwrap()
            .starts_with(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4"
            ),
        "{}",
        accept.lock().unwrap()
    );
    assert_eq!(text.counters.requests, Some(100.0));
    assert_eq!(text.counters.errors, Some(10.0));
    assert_eq!(text.counters.buckets, Some(vec![(0.1, 60.0), (0.5, 95.0)]));
    assert_eq!(text.gauges.active_connections, Some(4.0));

    let om = scraper.scrape(&target(addr, "/om")).await.unwrap();
    assert_eq!(
        (om.counters.requests, om.counters.errors),
        (Some(7.0), Some(7.0))
    );
    assert_eq!(om.gauges.active_connections, Some(12.0));

    let json = scraper.scrape(&target(addr, "/json")).await.unwrap();
    assert_eq!(json.gauges.cpu_percent, Some(42.5));
    assert_eq!(json.gauges.memory_percent, Some(61.0));
    let r = mapping::reading(None, &json);
    assert_eq!(r.requests, Obs::Known(140.5));
    assert_eq!(r.connections, Obs::Known(9.0));
}

#[tokio::test]
async fn two_scrapes_give_exact_rates_and_a_reset_leaves_that_scrape_unknown() {
    let body = Arc::new(Mutex::new(web_text(90, 10, 2.5, 100, [60, 95], 4)));
    let shared = body.clone();
    let app = Router::new().route(
        "/metrics",
        get(move || async move { page(TEXT, shared.lock().unwrap().clone()) }),
    );
    let addr = serve(app).await;
    let scraper = Scraper::new(options()).unwrap();
    let t = target(addr, "/metrics");

    let mut first = scraper.scrape(&t).await.unwrap();
    first.counters.t_ms = 1_000_000;
    let r = mapping::reading(None, &first);
    let a = mapping::aggregate(&[r]);
    assert_eq!(a.requests_per_second, None, "first scrape: unknown, not 0");
    assert_eq!(a.error_rate, None);
    assert_eq!(a.response_time_ms, None);
    assert_eq!(a.active_connections, Some(4.0));

    // 20 s later: +380 ok, +20 errors; +400 observations taking 20 s (50 ms each).
    *body.lock().unwrap() = web_text(470, 30, 22.5, 500, [260, 480], 6);
    let mut second = scraper.scrape(&t).await.unwrap();
    second.counters.t_ms = 1_020_000;
    let a = mapping::aggregate(&[mapping::reading(Some(&first.counters), &second)]);
    assert_eq!(a.requests_per_second, Some(20.0));
    assert_eq!(a.error_rate, Some(5.0));
    assert_eq!(a.response_time_ms, Some(50.0));
    // Δbuckets 200 (≤0.1), 385 (≤0.5), 400: rank 380 lies in (0.1, 0.5]: 0.1 + 0.4 × 180/185.
    let p95 = a.response_time_p95_ms.unwrap();
    assert!(
        (p95 - (100.0 + 400.0 * 180.0 / 185.0)).abs() < 1e-9,
        "{p95}"
    );
    assert_eq!(a.active_connections, Some(6.0));

    // The service restarted: counters start again from 0. The increase across the restart is
    // not known from two scrapes, so the rates are unknown this scrape (never an under-count).
    *body.lock().unwrap() = web_text(95, 5, 1.0, 100, [90, 100], 1);
    let mut third = scraper.scrape(&t).await.unwrap();
    third.counters.t_ms = 1_030_000;
    let a = mapping::aggregate(&[mapping::reading(Some(&second.counters), &third)]);
    assert_eq!(a.requests_per_second, None);
    assert_eq!(a.error_rate, None);
    assert_eq!(a.response_time_ms, None);
    assert_eq!(a.active_connections, Some(1.0));
    // The next scrape has them again: +95 ok, +5 errors in 10 s.
    *body.lock().unwrap() = web_text(190, 10, 2.0, 200, [180, 200], 1);
    let mut fourth = scraper.scrape(&t).await.unwrap();
    fourth.counters.t_ms = 1_040_000;
    let a = mapping::aggregate(&[mapping::reading(Some(&third.counters), &fourth)]);
    assert_eq!(a.requests_per_second, Some(10.0));
    assert_eq!(a.error_rate, Some(5.0));
    assert_eq!(a.response_time_ms, Some(10.0));
}

#[tokio::test]
async fn a_hanging_target_times_out() {
    let app = Router::new().route(
        "/metrics",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "never"
        }),
    );
    let addr = serve(app).await;
    let scraper = Scraper::new(ScrapeOptions {
        timeout: Duration::from_millis(300),
        ..ScrapeOptions::default()
    })
    .unwrap();
    let start = Instant::now();
    let err = scraper.scrape(&target(addr, "/metrics")).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(err.contains("timed out after 300ms"), "{err}");
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_cap() {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let app = Router::new().route(
        "/metrics",
        get(move || async move {
            let chunk = Bytes::from("endless_metric 1\n".repeat(4096));
            let counter = counter.clone();
            let stream = futures_util::stream::repeat(chunk).map(move |c| {
                counter.fetch_add(c.len(), Ordering::Relaxed);
                Ok::<_, Infallible>(c)
            });
            ([(header::CONTENT_TYPE, TEXT)], Body::from_stream(stream))
        }),
    );
    use futures_util::StreamExt;
    let addr = serve(app).await;
    let scraper = Scraper::new(ScrapeOptions {
        max_body: 1024 * 1024,
        timeout: Duration::from_secs(20),
        ..ScrapeOptions::default()
    })
    .unwrap();
    let before = rss_kib();
    let start = Instant::now();
    let err = scraper.scrape(&target(addr, "/metrics")).await.unwrap_err();
    assert!(err.contains("body exceeds the 1048576-byte limit"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // Stopped reading near the cap (the server may have queued a few more chunks in buffers).
    assert!(sent.load(Ordering::Relaxed) < 64 * 1024 * 1024);
    assert!(
        rss_kib().saturating_sub(before) < 64 * 1024,
        "RSS grew by more than 64 MiB"
    );
}

#[tokio::test]
async fn redirects_stay_on_the_same_origin_and_never_loop() {
    let other_hit = Arc::new(AtomicBool::new(false));
    let hit = other_hit.clone();
    let other = serve(Router::new().route(
        "/metrics",
        get(move || async move {
            hit.store(true, Ordering::SeqCst);
            page(TEXT, "x 1\n")
        }),
    ))
    .await;
    let app = Router::new()
        .route(
            "/metrics",
            get(|| async { page(TEXT, "http_requests_total 3\n") }),
        )
        .route("/moved", get(|| async { Redirect::permanent("/metrics") }))
        .route(
            "/elsewhere",
            get(move || async move { Redirect::temporary(&format!("http://{other}/metrics")) }),
        )
        .route("/loop-a", get(|| async { Redirect::temporary("/loop-b") }))
        .route("/loop-b", get(|| async { Redirect::temporary("/loop-a") }))
        .route("/r1", get(|| async { Redirect::temporary("/r2") }))
        .route("/r2", get(|| async { Redirect::temporary("/r3") }))
        .route("/r3", get(|| async { Redirect::temporary("/r4") }))
        .route("/r4", get(|| async { Redirect::temporary("/metrics") }));
    let addr = serve(app).await;
    let scraper = Scraper::new(options()).unwrap();

    let ok = scraper.scrape(&target(addr, "/moved")).await.unwrap();
    assert_eq!(ok.counters.requests, Some(3.0));
    let ok = scraper.scrape(&target(addr, "/r2")).await.unwrap();
    assert_eq!(ok.counters.requests, Some(3.0), "3 redirects are followed");

    let err = scraper
        .scrape(&target(addr, "/elsewhere"))
        .await
        .unwrap_err();
    assert!(
        err.contains(&format!(
            "redirect to another host 'http://{other}/metrics' refused"
        )),
        "{err}"
    );
    assert!(
        !other_hit.load(Ordering::SeqCst),
        "the other host was contacted"
    );

    let err = scraper.scrape(&target(addr, "/loop-a")).await.unwrap_err();
    assert!(err.contains("redirect loop"), "{err}");
    let err = scraper.scrape(&target(addr, "/r1")).await.unwrap_err();
    assert!(err.contains("more than 3 redirects"), "{err}");
}

#[tokio::test]
async fn errors_500_malformed_pages_html_and_refused_connections() {
    let app = Router::new()
        .route(
            "/500",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/bad",
            get(|| async {
                page(
                    TEXT,
                    "http_requests_total 1\nhttp_requests_total{code=\"500\" 2\nok 3\n",
                )
            }),
        )
        .route("/badom", get(|| async { page(OPENMETRICS, "a_total 1\n") }))
        .route(
            "/html",
            get(|| async { page("text/html", "<html>login</html>") }),
        );
    let addr = serve(app).await;
    let scraper = Scraper::new(options()).unwrap();

    let err = scraper.scrape(&target(addr, "/500")).await.unwrap_err();
    assert_eq!(err, "HTTP 500 Internal Server Error");
    let err = scraper.scrape(&target(addr, "/bad")).await.unwrap_err();
    assert!(
        err.starts_with("invalid exposition: line 2, column "),
        "{err}"
    );
    let err = scraper.scrape(&target(addr, "/badom")).await.unwrap_err();
    assert!(err.starts_with("invalid exposition: line "), "{err}");
    let err = scraper.scrape(&target(addr, "/html")).await.unwrap_err();
    assert!(
        err.contains("unsupported Content-Type 'text/html'"),
        "{err}"
    );
    let closed = closed_port().await;
    let err = scraper
        .scrape(&target(closed, "/metrics"))
        .await
        .unwrap_err();
    assert!(err.to_lowercase().contains("connect"), "{err}");
}

#[tokio::test]
async fn file_targets_are_textfiles() {
    let dir = tempfile::tempdir().unwrap();
    let om = dir.path().join("om.prom");
    std::fs::write(
        &om,
        "# TYPE cache_hits counter\ncache_hits_total 9\n# EOF\n",
    )
    .unwrap();
    let text = dir.path().join("text.prom");
    std::fs::write(&text, "cache_misses_total 1\n\n# a comment\n").unwrap();
    let scraper = Scraper::new(options()).unwrap();
    let s = scraper
        .scrape(&Target::parse(&format!("file://{}", om.display())).unwrap())
        .await
        .unwrap();
    assert_eq!(s.counters.cache_hits, Some(9.0));
    // Blank lines and comments: only valid in the text format.
    let s = scraper
        .scrape(&Target::parse(&format!("file://{}", text.display())).unwrap())
        .await
        .unwrap();
    assert_eq!(s.counters.cache_misses, Some(1.0));
    let small = Scraper::new(ScrapeOptions {
        max_body: 10,
        ..options()
    })
    .unwrap();
    let err = small
        .scrape(&Target::parse(&format!("file://{}", om.display())).unwrap())
        .await
        .unwrap_err();
    assert!(err.contains("exceeds the 10-byte limit"), "{err}");
    let err = scraper
        .scrape(&Target::parse(&format!("file://{}/missing.prom", dir.path().display())).unwrap())
        .await
        .unwrap_err();
    assert!(
        err.contains("missing.prom") && err.contains("No such file"),
        "{err}"
    );
}

#[tokio::test]
async fn credentials_are_sent_but_never_shown() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let app = Router::new().route(
        "/metrics",
        get(move |h: HeaderMap| async move {
            let auth = h
                .get(header::AUTHORIZATION)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            let key = h
                .get("x-api-key")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            log.lock().unwrap().push(format!("{auth}|{key}"));
            // Echo the secrets in a failure: they must still not reach the caller.
            (StatusCode::FORBIDDEN, format!("denied {auth} {key}"))
        }),
    );
    let addr = serve(app).await;
    let scraper = Scraper::new(ScrapeOptions {
        bearer_token: Some("tok-SECRET-123".into()),
        headers: vec![("X-Api-Key".into(), "key-SECRET-456".into())],
        ..options()
    })
    .unwrap();
    let err = scraper.scrape(&target(addr, "/metrics")).await.unwrap_err();
    assert_eq!(err, "HTTP 403 Forbidden");
    assert_eq!(
        seen.lock().unwrap()[0],
        "Bearer tok-SECRET-123|key-SECRET-456"
    );

    // Credentials in the URL are sent as basic auth (they take precedence for that target).
    let t = Target::parse(&format!("http://scraper:pw-SECRET-789@{addr}/metrics")).unwrap();
    assert_eq!(t.display(), format!("http://scraper:***@{addr}/metrics"));
    let err = scraper.scrape(&t).await.unwrap_err();
    assert_eq!(err, "HTTP 403 Forbidden");
    assert_eq!(
        seen.lock().unwrap()[1],
        "Basic c2NyYXBlcjpwdy1TRUNSRVQtNzg5|key-SECRET-456"
    );

    // A connection error on a URL with a password and a redirect error naming it.
    let closed = closed_port().await;
    let t = Target::parse(&format!("http://u:pw-SECRET-789@{closed}/metrics")).unwrap();
    let err = scraper.scrape(&t).await.unwrap_err();
    assert!(!err.contains("SECRET"), "{err}");
    let redirect =
        serve(Router::new().route(
            "/m",
            get(move || async move {
                Redirect::temporary(&format!("http://u:pw-SECRET-789@{closed}/x"))
            }),
        ))
        .await;
    let err = scraper.scrape(&target(redirect, "/m")).await.unwrap_err();
    assert!(err.contains("refused") && !err.contains("SECRET"), "{err}");
}

#[tokio::test]
async fn a_fleet_of_120_with_some_down_sums_exactly() {
    // 100 healthy targets, one server each (target i serves i requests, then 3i of which i
    // are 5xx), 10 closed ports and 10 targets answering 500.
    let round = Arc::new(AtomicUsize::new(0));
    let mut targets = Vec::new();
    let mut healthy = Vec::new();
    for i in 1..=100u64 {
        let round = round.clone();
        let app = Router::new().route(
            "/metrics",
            get(move || async move {
                let second = round.load(Ordering::SeqCst) == 1;
                let (ok, err) = if second { (2 * i, i) } else { (i, 0) };
                let cpu = if second { 0.5 * i as f64 / 100.0 } else { 0.0 };
                page(
                    TEXT,
                    format!(
                        "http_requests_total{{code=\"200\"}} {ok}\nhttp_requests_total{{code=\"502\"}} {err}\n\
                         http_connections_active {i}\nprocess_cpu_seconds_total {cpu}\n"
                    ),
                )
            }),
        );
        let addr = serve(app).await;
        healthy.push(targets.len());
        targets.push(target(addr, "/metrics"));
    }
    for _ in 0..10 {
        targets.push(target(closed_port().await, "/metrics"));
    }
    let failing = serve(Router::new().route(
        "/metrics",
        get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
    ))
    .await;
    for _ in 0..10 {
        targets.push(target(failing, "/metrics"));
    }
    let scraper = Scraper::new(ScrapeOptions {
        concurrency: 16,
        ..options()
    })
    .unwrap();

    let first = scraper.scrape_all(&targets).await;
    assert_eq!(first.len(), 120);
    assert_eq!(first.iter().filter(|r| r.result.is_ok()).count(), 100);
    assert!(
        first
            .iter()
            .zip(&targets)
            .all(|(r, t)| r.target == t.display()),
        "results keep the order"
    );
    assert!(first[100..110].iter().all(|r| r.result.is_err()));
    assert!(
        first[110..]
            .iter()
            .all(|r| r.result.as_ref().unwrap_err() == "HTTP 500 Internal Server Error")
    );
    let previous: BTreeMap<String, mapping::Counters> = first
        .iter()
        .filter_map(|r| {
            r.result
                .as_ref()
                .ok()
                .map(|s| (r.target.clone(), s.counters.clone()))
        })
        .map(|(t, mut c)| {
            c.t_ms = 0;
            (t, c)
        })
        .collect();

    round.store(1, Ordering::SeqCst);
    let second = scraper.scrape_all(&targets).await;
    let readings: Vec<_> = second
        .iter()
        .filter_map(|r| {
            let mut s = r.result.clone().ok()?;
            s.counters.t_ms = 10_000;
            Some(mapping::reading(previous.get(&r.target), &s))
        })
        .collect();
    assert_eq!(readings.len(), healthy.len());
    let a = mapping::aggregate(&readings);
    let close = |v: Option<f64>, want: f64| (v.unwrap() - want).abs() < 1e-9;
    // Target i grew from i to 3i requests in 10 s: Σ 2i / 10 = 2 × 5050 / 10.
    assert!(close(a.requests_per_second, 1010.0), "{a:?}");
    // Of those 2i, i were 5xx: 50 %.
    assert!(close(a.error_rate, 50.0), "{a:?}");
    assert_eq!(a.active_connections, Some(5050.0));
    // CPU: 0.5 i / 100 s over 10 s = i/2000 s/s → i/20 %; mean 50.5/20, max 5 %.
    let cpu = a.cpu_percent.unwrap();
    assert!((cpu - 50.5 / 20.0).abs() < 1e-9, "{cpu}");
    assert!((a.cpu_percent_max.unwrap() - 5.0).abs() < 1e-9);
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (now, max) = (in_flight.clone(), peak.clone());
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let (now, max) = (now.clone(), max.clone());
            async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                page(TEXT, "http_connections_active 1\n")
            }
        }),
    );
    let addr = serve(app).await;
    let targets: Vec<Target> = (0..24)
        .map(|i| target(addr, &format!("/metrics?i={i}")))
        .collect();
    let scraper = Scraper::new(ScrapeOptions {
        concurrency: 4,
        ..options()
    })
    .unwrap();
    let results = scraper.scrape_all(&targets).await;
    assert!(results.iter().all(|r| r.result.is_ok()));
    let peak = peak.load(Ordering::SeqCst);
    assert!((2..=4).contains(&peak), "peak in flight {peak}");
}

#[tokio::test]
async fn https_targets_use_tls() {
    // A plain-HTTP port spoken to over TLS: the handshake fails, cleanly.
    let addr = serve(Router::new().route("/metrics", get(|| async { "x 1\n" }))).await;
    let scraper = Scraper::new(options()).unwrap();
    let t = Target::parse(&format!("https://{addr}/metrics")).unwrap();
    let err = scraper.scrape(&t).await.unwrap_err();
    assert!(err.starts_with("error sending request"), "{err}");
}
