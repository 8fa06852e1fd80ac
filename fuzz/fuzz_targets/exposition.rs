//! Fuzz target for the exposition parser: both formats (picked by the first input byte), any
//! input must yield Ok or a well-formed ParseError, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The parser module is compiled in directly rather than through the `rizk-scale` crate, so the
// fuzz build does not have to instrument reqwest, rustls, redis and tokio (it depends only on
// `thiserror`, like the module itself).
#[allow(dead_code)]
#[path = "../../src/sources/exposition/mod.rs"]
mod exposition;

use exposition::{Format, parse};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let format = if selector & 1 == 0 {
        Format::PrometheusText
    } else {
        Format::OpenMetrics
    };
    match parse(text, format) {
        Ok(exposition) => {
            // Every sample belongs to a family whose name prefixes the sample name.
            for family in &exposition.families {
                for sample in &family.samples {
                    assert!(sample.name.starts_with(family.name.as_ref()));
                }
            }
            let samples = exposition.sample_count();
            assert!(samples <= text.len());
        }
        Err(e) => {
            let lines = text.split('\n').count();
            assert!(e.line >= 1 && e.line <= lines + 1, "{e} ({lines} lines)");
            assert!(e.column >= 1);
            assert!(!e.message.is_empty());
            let _ = e.to_string();
        }
    }
});
