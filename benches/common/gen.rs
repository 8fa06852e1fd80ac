//! Deterministic generator of a realistic Prometheus text exposition, for benchmarks.
//!
//! The same bytes are written by `bench/gen_exposition.py` (checked by
//! `bench/parser_compare.sh`), so the Rust bench and the Python comparison parse one file.

use std::fmt::Write;

/// 64-bit LCG (Knuth's MMIX constants): trivially reproducible in Python.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
const CODES: [&str; 3] = ["200", "404", "500"];
const HANDLERS: [&str; 4] = [
    "/api/v1/items/{id}",
    "/api/v1/users",
    "/healthz",
    "/metrics",
];
const BUCKETS: [&str; 12] = [
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf",
];

/// An exposition of at least `min_bytes` bytes: per application, a counter with 48 series,
/// a histogram with 8 series of 12 buckets, gauges with escaped labels and millisecond
/// timestamps, and a summary.
pub fn generate(min_bytes: usize) -> String {
    let mut out = String::with_capacity(min_bytes + 64 * 1024);
    let mut rng = Lcg(42);
    let mut app = 0;
    while out.len() < min_bytes {
        let instance = format!("10.0.{}.{}:9100", app % 256, (app * 7) % 256);
        let p = format!("app{app}");
        let _ = writeln!(
            out,
            "# HELP {p}_http_requests_total Total HTTP requests, by method, code and handler."
        );
        let _ = writeln!(out, "# TYPE {p}_http_requests_total counter");
        for method in METHODS {
            for code in CODES {
                for handler in HANDLERS {
                    let _ = writeln!(
                        out,
                        "{p}_http_requests_total{{method=\"{method}\",code=\"{code}\",handler=\"{handler}\",instance=\"{instance}\",job=\"web\"}} {}",
                        rng.next() % 1_000_000_000
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP {p}_http_request_duration_seconds Request latency in seconds."
        );
        let _ = writeln!(out, "# TYPE {p}_http_request_duration_seconds histogram");
        for method in &METHODS[..2] {
            for handler in HANDLERS {
                let mut cumulative = 0;
                for le in BUCKETS {
                    cumulative += rng.next() % 1000;
                    let _ = writeln!(
                        out,
                        "{p}_http_request_duration_seconds_bucket{{method=\"{method}\",handler=\"{handler}\",instance=\"{instance}\",le=\"{le}\"}} {cumulative}"
                    );
                }
                let labels =
                    format!("method=\"{method}\",handler=\"{handler}\",instance=\"{instance}\"");
                let _ = writeln!(
                    out,
                    "{p}_http_request_duration_seconds_sum{{{labels}}} {}.{:06}",
                    rng.next() % 100_000,
                    rng.next() % 1_000_000
                );
                let _ = writeln!(
                    out,
                    "{p}_http_request_duration_seconds_count{{{labels}}} {cumulative}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP {p}_file_size_bytes Size of data files (paths are \\\\ escaped)."
        );
        let _ = writeln!(out, "# TYPE {p}_file_size_bytes gauge");
        for k in 0..3 {
            let _ = writeln!(
                out,
                "{p}_file_size_bytes{{path=\"C:\\\\Program Files\\\\app{app}\\\\data{k}.db\",note=\"said \\\"hi\\\"\\nthen left\"}} {}e+06",
                rng.next() % 10_000
            );
        }
        let _ = writeln!(out, "# HELP {p}_temperature_celsius Sensor temperature.");
        let _ = writeln!(out, "# TYPE {p}_temperature_celsius gauge");
        for sensor in 0..8 {
            let _ = writeln!(
                out,
                "{p}_temperature_celsius{{sensor=\"s{sensor}\",rack=\"r{}\"}} {}.{:02} {}",
                sensor % 3,
                rng.next() % 90,
                rng.next() % 100,
                1_700_000_000_000u64 + rng.next() % 1_000_000
            );
        }
        let _ = writeln!(out, "# HELP {p}_rpc_duration_seconds RPC latency summary.");
        let _ = writeln!(out, "# TYPE {p}_rpc_duration_seconds summary");
        for service in 0..3 {
            for q in ["0.5", "0.9", "0.99"] {
                let _ = writeln!(
                    out,
                    "{p}_rpc_duration_seconds{{service=\"svc{service}\",quantile=\"{q}\"}} 0.{:04}",
                    rng.next() % 10_000
                );
            }
            let _ = writeln!(
                out,
                "{p}_rpc_duration_seconds_sum{{service=\"svc{service}\"}} {}",
                rng.next() % 100_000
            );
            let _ = writeln!(
                out,
                "{p}_rpc_duration_seconds_count{{service=\"svc{service}\"}} {}",
                rng.next() % 1_000_000
            );
        }
        let _ = writeln!(out, "{p}_up 1");
        app += 1;
    }
    out
}
