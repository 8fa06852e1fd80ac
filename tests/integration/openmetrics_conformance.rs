//! The OpenMetrics project's 211 parser test cases: the strict parser (`--strict-exposition`)
//! must agree with every `shouldParse`; the default (Prometheus-lenient) parser accepts every
//! case the strict one accepts, with the same samples.

use std::fs;
use std::path::Path;

use rizk_scale::sources::exposition::{Format, Strictness, parse_with};

#[test]
fn all_openmetrics_parser_cases_agree_with_should_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openmetrics-parsers");
    let mut cases: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 211, "the fixture set has 211 cases");

    let (mut accepted, mut rejected, mut lenient_accepted) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let spec: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(case.join("test.json")).unwrap()).unwrap();
        assert_eq!(spec["type"], "text", "{name}: only text cases exist");
        let file = spec["file"].as_str().unwrap_or("metrics");
        let should_parse = spec["shouldParse"].as_bool().unwrap();
        let bytes = fs::read(case.join(file)).unwrap();
        // Every case is UTF-8; a non-UTF-8 body would be rejected before parsing.
        let outcome = match std::str::from_utf8(&bytes) {
            Ok(text) => {
                let strict = parse_with(text, Format::OpenMetrics, Strictness::Strict);
                let lenient = parse_with(text, Format::OpenMetrics, Strictness::Prometheus);
                if let Ok(l) = &lenient {
                    lenient_accepted += 1;
                    if let Ok(s) = &strict {
                        assert_eq!(l.sample_count(), s.sample_count(), "{name}");
                    }
                }
                if strict.is_ok() && lenient.is_err() {
                    disagreements.push(format!("{name}: strict accepts, lenient rejects"));
                }
                strict.map(|_| ())
            }
            Err(e) => panic!("{name}: not UTF-8: {e}"),
        };
        if outcome.is_ok() {
            accepted += 1;
        } else {
            rejected += 1;
        }
        if outcome.is_ok() != should_parse {
            disagreements.push(match outcome {
                Ok(()) => format!("{name}: accepted, but shouldParse is false"),
                Err(e) => format!("{name}: rejected ({e}), but shouldParse is true"),
            });
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    assert_eq!((accepted, rejected), (44, 167));
    println!(
        "lenient (Prometheus) mode accepts {lenient_accepted} of {}",
        cases.len()
    );
    assert!(lenient_accepted >= accepted);
}
