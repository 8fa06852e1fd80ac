//! A fleet of loopback metrics targets for `bench/fleet.sh`: one process, one axum router,
//! served on N ephemeral ports of 127.0.0.1. Prints one URL per line on stdout, then serves
//! until killed.
//!
//! Usage: `cargo run --release --example fleet_server -- 1000 > urls.txt`

use std::io::Write;

use axum::Router;
use axum::http::header;
use axum::routing::get;

/// A page like a small web service's: request counters by code, a latency histogram with
/// Prometheus client default buckets, connections, cache and process metrics (~2.5 KB).
fn page() -> String {
    let mut p =
        String::from("# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n");
    for (code, n) in [("200", 123_456), ("404", 321), ("500", 42), ("503", 7)] {
        for method in ["GET", "POST"] {
            p.push_str(&format!(
                "http_requests_total{{code=\"{code}\",method=\"{method}\"}} {n}\n"
            ));
        }
    }
    p.push_str("# TYPE http_request_duration_seconds histogram\n");
    let bounds = [
        "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf",
    ];
    for (i, le) in bounds.iter().enumerate() {
        let n = 10_000 * (i as u64 + 1);
        p.push_str(&format!(
            "http_request_duration_seconds_bucket{{le=\"{le}\"}} {n}\n"
        ));
    }
    p.push_str(
        "http_request_duration_seconds_sum 9876.5\nhttp_request_duration_seconds_count 120000\n",
    );
    p.push_str("# TYPE http_connections_active gauge\nhttp_connections_active 17\n");
    p.push_str("# TYPE cache_hits_total counter\ncache_hits_total 9000\n");
    p.push_str("# TYPE cache_misses_total counter\ncache_misses_total 1000\n");
    p.push_str("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1234.56\n");
    p.push_str(
        "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 5.4e+07\n",
    );
    p
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(1000), |a| a.parse())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let body = page();
    runtime.block_on(async move {
        let router = Router::new().route(
            "/metrics",
            get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body) }
            }),
        );
        let mut out = std::io::stdout().lock();
        for _ in 0..n {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            writeln!(out, "http://{}/metrics", listener.local_addr()?)?;
            let router = router.clone();
            tokio::spawn(async move { axum::serve(listener, router).await });
        }
        out.flush()?;
        drop(out);
        std::future::pending::<()>().await;
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    Ok(())
}
