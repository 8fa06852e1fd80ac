//! The OpenMetrics project's 211 parser test cases: the strict parser (`--strict-exposition`)
//! must agree with every `shouldParse`; the default (Prometheus-lenient) parser must agree with
//! a real Prometheus 2.42, case by case: it accepts a case exactly when Prometheus's scrape of it
//! succeeded (`up` 1), with Prometheus's `scrape_samples_scraped` as its sample count
//! (tests/fixtures/openmetrics-parsers/prometheus-2.42-scrape.tsv, made by prometheus_scrape.sh).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rizk_scale::sources::exposition::{Format, Strictness, parse_with};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openmetrics-parsers")
}

/// Every case as (directory name, exposition text, shouldParse), sorted by name.
fn cases() -> Vec<(String, String, bool)> {
    let mut dirs: Vec<_> = fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 211, "the fixture set has 211 cases");
    dirs.iter()
        .map(|case| {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let spec: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(case.join("test.json")).unwrap()).unwrap();
            assert_eq!(spec["type"], "text", "{name}: only text cases exist");
            let file = spec["file"].as_str().unwrap_or("metrics");
            let bytes = fs::read(case.join(file)).unwrap();
            // Every case is UTF-8; a non-UTF-8 body would be rejected before parsing.
            let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, text, spec["shouldParse"].as_bool().unwrap())
        })
        .collect()
}

#[test]
fn all_openmetrics_parser_cases_agree_with_should_parse() {
    let cases = cases();
    let (mut accepted, mut rejected) = (0, 0);
    let mut disagreements = Vec::new();
    for (name, text, should_parse) in &cases {
        let strict = parse_with(text, Format::OpenMetrics, Strictness::Strict);
        let lenient = parse_with(text, Format::OpenMetrics, Strictness::Prometheus);
        match (&strict, &lenient) {
            (Ok(s), Ok(l)) => assert_eq!(l.sample_count(), s.sample_count(), "{name}"),
            (Ok(_), Err(_)) => {
                disagreements.push(format!("{name}: strict accepts, lenient rejects"))
            }
            _ => {}
        }
        if strict.is_ok() {
            accepted += 1;
        } else {
            rejected += 1;
        }
        if strict.is_ok() != *should_parse {
            disagreements.push(match strict {
                Ok(_) => format!("{name}: accepted, but shouldParse is false"),
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
}

/// prometheus-2.42-scrape.tsv: case → (up, scrape_samples_scraped).
fn prometheus_scrapes() -> BTreeMap<String, (bool, usize)> {
    fs::read_to_string(root().join("prometheus-2.42-scrape.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l.split('\t').collect::<Vec<_>>()[..] {
            [case, up, samples] => {
                assert!(up == "0" || up == "1", "{l}");
                (case.to_owned(), (up == "1", samples.parse().unwrap()))
            }
            _ => panic!("not case<TAB>up<TAB>samples: {l:?}"),
        })
        .collect()
}

/// How Prometheus 2.42 counts `scrape_samples_scraped`: every sample line of the page, a
/// `_created` line included (2.42 ingests it as a series of its own), an exemplar adding none.
/// So the figure is the number of lines that do not start with '#', which is our sample count.
fn sample_lines(text: &str) -> usize {
    text.lines().filter(|l| !l.starts_with('#')).count()
}

#[test]
fn the_default_accepts_exactly_what_prometheus_2_42_scrapes() {
    let cases = cases();
    let scrapes = prometheus_scrapes();
    assert_eq!(
        scrapes.keys().collect::<Vec<_>>(),
        cases.iter().map(|(n, _, _)| n).collect::<Vec<_>>(),
        "the table covers exactly the 211 cases"
    );
    let (mut agree, mut counts_agree, mut prometheus_up) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for (name, text, _) in &cases {
        let (up, samples) = scrapes[name];
        if up {
            prometheus_up += 1;
            assert_eq!(
                sample_lines(text),
                samples,
                "{name}: Prometheus's counting rule"
            );
        }
        match parse_with(text, Format::OpenMetrics, Strictness::Prometheus) {
            Ok(e) if up => {
                agree += 1;
                if e.sample_count() == samples {
                    counts_agree += 1;
                } else {
                    disagreements.push(format!(
                        "{name}: {} samples, Prometheus scraped {samples}",
                        e.sample_count()
                    ));
                }
            }
            Err(_) if !up => agree += 1,
            Ok(_) => disagreements.push(format!("{name}: accepted, Prometheus's scrape failed")),
            Err(e) => disagreements.push(format!("{name}: rejected ({e}), Prometheus scraped it")),
        }
    }
    println!(
        "{agree} of {} agree with Prometheus 2.42 on accept/reject, {counts_agree} of \
         {prometheus_up} accepted on sample counts",
        cases.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with Prometheus 2.42:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert_eq!(
        prometheus_up, 115,
        "Prometheus 2.42 scraped 115 of the 211 cases"
    );
}
