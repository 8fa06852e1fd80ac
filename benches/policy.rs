//! Criterion benchmark: the pure policy — the seed's rules over 100 and 10 000 samples, one
//! `engine::decide` with 5-minute stabilization windows, and the fleet view over 1000 instances.
//!
//! Histories are deterministic (an LCG, as `benches/common/gen.rs` uses), one sample every 10 s
//! ending now, so a 5m window holds 30 samples and nothing is stale.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use rizk_scale::policy::engine::{self, DecisionRules};
use rizk_scale::policy::fleet::fleet_view;
use rizk_scale::policy::stabilization::Windows;
use rizk_scale::policy::threshold::{self, ThresholdPolicy};
use rizk_scale::sample::Sample;

/// 64-bit LCG (Knuth's MMIX constants): reproducible values without a rand dependency.
struct Lcg(u64);

impl Lcg {
    /// A value in `lo..hi`.
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((self.0 >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// `n` samples from `instances` instances (round-robin), 10 s apart, the newest at `now`.
/// Values span both sides of every threshold, so actions change along the history.
fn history(n: usize, instances: usize, now: Timestamp) -> Vec<Sample> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|i| {
            let round = ((n - 1 - i) / instances) as i64;
            Sample {
                timestamp: now.checked_sub(SignedDuration::from_secs(10 * round)).ok(),
                cpu_percent: Some(rng.uniform(20.0, 95.0)),
                memory_percent: Some(rng.uniform(30.0, 90.0)),
                requests_per_second: Some(rng.uniform(10.0, 200.0)),
                cache_hit_rate: Some(rng.uniform(60.0, 99.0)),
                error_rate: Some(rng.uniform(0.0, 6.0)),
                response_time_ms: Some(rng.uniform(80.0, 1200.0)),
                active_connections: Some(rng.uniform(5.0, 80.0).round()),
                instance: Some(format!("web-{}", i % instances)),
                ..Sample::default()
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let now = Timestamp::now();
    let policy = ThresholdPolicy::default();

    let mut group = c.benchmark_group("policy");
    for n in [100, 10_000] {
        let h = history(n, 1, now);
        group.bench_with_input(BenchmarkId::new("threshold_recommend", n), &h, |b, h| {
            b.iter(|| threshold::recommend(black_box(h), &policy, now))
        });
    }

    let five_minutes = Duration::from_secs(300);
    let settings = DecisionRules {
        windows: Windows {
            scale_up: five_minutes,
            scale_down: five_minutes,
        },
        ..DecisionRules::default()
    };
    for n in [100, 10_000] {
        let h = history(n, 1, now);
        group.bench_with_input(BenchmarkId::new("decide_5m_window", n), &h, |b, h| {
            b.iter(|| engine::decide(black_box(h), &settings, Some(5), now))
        });
    }

    // 1000 instances × 3 samples, interleaved as a shared Redis history holds them.
    let fleet = history(3000, 1000, now);
    let view = fleet_view(&fleet, now, Some(Duration::from_secs(900)), 3);
    assert_eq!(view.counted.len(), 1000, "every instance is live");
    assert_eq!(view.series.len(), 3, "three rounds");
    group.bench_function("fleet_view_1000x3", |b| {
        b.iter(|| fleet_view(black_box(&fleet), now, Some(Duration::from_secs(900)), 3))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
