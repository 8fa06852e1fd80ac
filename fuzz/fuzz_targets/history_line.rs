//! Fuzz target for the history-line parser (`history::parse_lines`, hence `Sample::from_line`):
//! any bytes must yield samples and rejected lines, never a panic; every line is accounted for,
//! and every accepted sample survives a rewrite (`to_line` then `from_line`) unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rizk_scale::history::{parse_lines, to_lines};
use rizk_scale::sample::{Metric, Sample};

fuzz_target!(|data: &[u8]| {
    let loaded = parse_lines(data);
    let lines = data.split(|&b| b == b'\n').count();
    assert!(loaded.samples.len() + loaded.rejected.len() <= lines);
    for rejected in &loaded.rejected {
        assert!(rejected.line >= 1 && rejected.line <= lines);
        assert!(!rejected.error.is_empty());
    }
    for sample in &loaded.samples {
        let line = sample.to_line();
        assert!(!line.contains('\n'), "a sample must serialize to one line: {line}");
        let again = Sample::from_line(&line)
            .unwrap_or_else(|e| panic!("a rewritten sample no longer parses: {e}: {line}"));
        for metric in Metric::ALL {
            match (sample.get(metric), again.get(metric)) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    // serde_json's float parser may be off by one ulp; never more.
                    let tolerance = a.abs().max(b.abs()) * 4.0 * f64::EPSILON;
                    assert!((a - b).abs() <= tolerance, "{metric}: {a} became {b}");
                }
                (a, b) => panic!("{metric}: {a:?} became {b:?}"),
            }
        }
        assert_eq!(sample.timestamp, again.timestamp);
        assert_eq!(sample.instance, again.instance);
        let keys: Vec<_> = sample.extra.keys().collect();
        let again_keys: Vec<_> = again.extra.keys().collect();
        assert_eq!(keys, again_keys, "extra fields changed: {line}");
    }
    // The whole file rewritten parses back to as many samples, none rejected.
    let rewritten = parse_lines(to_lines(&loaded.samples).as_bytes());
    assert_eq!(rewritten.samples.len(), loaded.samples.len());
    assert!(rewritten.rejected.is_empty(), "{:?}", rewritten.rejected);
});
