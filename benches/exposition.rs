//! Criterion benchmark: parsing a ~10 MB realistic exposition (text 0.0.4 and OpenMetrics),
//! strictly (`parse`, `--strict-exposition`) and as leniently as Prometheus (the default).

#[path = "common/gen.rs"]
mod generator;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rizk_scale::sources::exposition::{Format, Strictness, parse, parse_with};

fn bench(c: &mut Criterion) {
    let text = generator::generate(10 * 1024 * 1024);
    // The same families as OpenMetrics: counters need `_total` samples under a family without
    // it, and the body ends with `# EOF` (integer timestamps are valid float seconds).
    let om = format!(
        "{}# EOF\n",
        text.replace("_http_requests_total Total", "_http_requests Total")
            .replace("_http_requests_total counter", "_http_requests counter")
    );
    assert!(
        parse(&om, Format::OpenMetrics).is_ok(),
        "the OpenMetrics variant must parse"
    );
    let samples = parse(&text, Format::PrometheusText)
        .map(|e| e.sample_count())
        .unwrap_or(0);
    assert!(samples > 50_000, "{samples} samples");

    let mut group = c.benchmark_group("exposition");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("text_0.0.4_10MB", |b| {
        b.iter(|| parse(black_box(&text), Format::PrometheusText))
    });
    group.bench_function("text_0.0.4_10MB_lenient", |b| {
        b.iter(|| {
            parse_with(
                black_box(&text),
                Format::PrometheusText,
                Strictness::Prometheus,
            )
        })
    });
    group.throughput(Throughput::Bytes(om.len() as u64));
    group.bench_function("openmetrics_10MB", |b| {
        b.iter(|| parse(black_box(&om), Format::OpenMetrics))
    });
    group.bench_function("openmetrics_10MB_lenient", |b| {
        b.iter(|| parse_with(black_box(&om), Format::OpenMetrics, Strictness::Prometheus))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
