//! Benchmarks, ignored by default (run with `cargo test --release --test integration fleet_bench --
//! --ignored --nocapture`): shared-history append latency on loopback, and the fleet
//! recommendation over 1000 instances' samples. Figures are printed, and the append p99 is
//! held to the 5 ms goal.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::common;

use std::time::{Duration, Instant};

use common::redis::Standalone;
use rizk_scale::history::redis::RedisStore;
use rizk_scale::policy::fleet::fleet_view;
use rizk_scale::policy::threshold::{self, ThresholdPolicy};
use rizk_scale::sample::Sample;
use rizk_scale::sources::redis::{Timeouts, connect};

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    (at(0.50), at(0.99), *v.last().unwrap())
}

fn sample(i: usize) -> Sample {
    Sample {
        timestamp: Some(jiff::Timestamp::now()),
        instance: Some(format!("web-{}", i % 1000)),
        cpu_percent: Some((i % 97) as f64),
        memory_percent: Some(50.0),
        requests_per_second: Some(12.5),
        response_time_ms: Some(120.0),
        error_rate: Some(0.1),
        cache_hit_rate: Some(90.0),
        active_connections: Some(7.0),
        ..Sample::default()
    }
}

#[test]
#[ignore = "benchmark"]
fn bench_shared_history_append() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let n = 2000;
    // Multi-threaded, as `rizk_scale::run` builds it: the store blocks in place on it.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // The primitive on a kept connection (what a long-running monitor pays per tick).
    let kept = rt.block_on(async {
        let mut conn = connect(&[s.server.url()], Timeouts::default())
            .await
            .unwrap();
        let mut times = Vec::with_capacity(n);
        for i in 0..n {
            let line = sample(i).to_line().unwrap();
            let t = Instant::now();
            conn.append_trim("rizk-scale:{bench}:history", &[line], 100)
                .await
                .unwrap();
            times.push(t.elapsed());
        }
        times
    });
    // The whole store write as `monitor` does it each tick: one connection kept by the store.
    let dir = tempfile::tempdir().unwrap();
    let store = RedisStore::new(
        &s.server.url(),
        "rizk-scale:{bench2}:history".into(),
        100,
        dir.path().join("spool.jsonl"),
    )
    .unwrap();
    let fresh = rt.block_on(async {
        let mut fresh = Vec::with_capacity(n / 4);
        for i in 0..n / 4 {
            let one = [sample(i)];
            let t = Instant::now();
            let r = store.append(&one).unwrap();
            fresh.push(t.elapsed());
            assert!(r.spooled.is_none());
        }
        fresh
    });
    let (p50, p99, max) = percentiles(kept);
    println!("append_trim, kept connection, {n} appends: p50 {p50:?} p99 {p99:?} max {max:?}");
    let (f50, f99, fmax) = percentiles(fresh);
    println!(
        "RedisStore::append (kept connection), {} appends: p50 {f50:?} p99 {f99:?} max {fmax:?}",
        n / 4
    );
    assert!(
        p99 < Duration::from_millis(5),
        "p99 {p99:?} over the 5 ms goal"
    );
}

#[test]
#[ignore = "benchmark"]
fn bench_fleet_recommend_1000_instances() {
    // 1000 instances × 3 samples each, interleaved as a shared history holds them.
    let history: Vec<Sample> = (0..3000).map(sample).collect();
    let policy = ThresholdPolicy::default();
    let now = jiff::Timestamp::now();
    let mut times = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let view = fleet_view(&history, now, Some(Duration::from_secs(900)), 3);
        let rec = threshold::recommend(&view.series, &policy, now);
        times.push(t.elapsed());
        assert_eq!(view.counted.len(), 1000);
        assert_eq!(rec.samples, 3);
        assert_eq!(view.series[2].requests_per_second, Some(12500.0));
    }
    let (p50, p99, max) = percentiles(times);
    println!(
        "fleet view + recommend, 1000 instances × 3 samples: p50 {p50:?} p99 {p99:?} max {max:?}"
    );
}
