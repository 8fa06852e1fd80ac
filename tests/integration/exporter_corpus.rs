//! Real exporter pages (tests/fixtures/exporters/, see SOURCES.md) served with the Content-Type
//! they were captured with by an axum server on 127.0.0.1: each parses by default with exactly
//! as many samples as a real Prometheus scrape of the same bytes counted
//! (`scrape_samples_scraped`, stored in `expected.tsv`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rizk_scale::sources::endpoint::{ScrapeOptions, Scraper};
use rizk_scale::sources::exposition::{Format, Strictness, parse_with};

/// One captured page: file name, Content-Type, the sample count Prometheus scraped.
struct Page {
    file: String,
    content_type: String,
    prometheus_samples: usize,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exporters")
}

fn pages() -> Vec<Page> {
    let table = std::fs::read_to_string(dir().join("expected.tsv")).unwrap();
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "expected.tsv: {l:?}");
            Page {
                file: cols[0].to_string(),
                content_type: cols[1].to_string(),
                prometheus_samples: cols[2].parse().unwrap(),
            }
        })
        .collect()
}

async fn serve(pages: &[Page]) -> std::net::SocketAddr {
    let types: BTreeMap<String, String> = pages
        .iter()
        .map(|p| (p.file.clone(), p.content_type.clone()))
        .collect();
    let app = Router::new().route(
        "/{file}",
        get(move |Path(file): Path<String>| {
            let types = types.clone();
            async move {
                match types.get(&file) {
                    Some(ct) => {
                        let body = std::fs::read(dir().join(&file)).unwrap();
                        ([(header::CONTENT_TYPE, ct.clone())], body).into_response()
                    }
                    None => Response::builder()
                        .status(StatusCode::NOT_FOUND)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[test]
fn the_corpus_has_at_least_eight_exporters_and_a_client_golang_openmetrics_page() {
    let pages = pages();
    let exporters: std::collections::BTreeSet<&str> = pages
        .iter()
        .map(|p| p.file.split('-').next().unwrap())
        .collect();
    assert!(exporters.len() >= 8, "{exporters:?}");
    assert!(
        pages.iter().any(|p| p.file.starts_with("client_golang")
            && p.content_type.starts_with("application/openmetrics-text")),
        "no client_golang OpenMetrics page"
    );
    for p in &pages {
        assert!(dir().join(&p.file).is_file(), "{} is missing", p.file);
    }
}

#[tokio::test]
async fn every_page_served_with_its_content_type_parses_with_prometheus_sample_counts() {
    let pages = pages();
    let addr = serve(&pages).await;
    let scraper = Scraper::new(ScrapeOptions {
        timeout: Duration::from_secs(5),
        ..ScrapeOptions::default()
    })
    .unwrap();
    let mut wrong = Vec::new();
    for p in &pages {
        let probe = scraper
            .probe(&format!("http://{addr}/{}", p.file), true)
            .await;
        assert_eq!(probe.status, Ok(200), "{}", p.file);
        match probe.parsed {
            Some(Ok(n)) if n == p.prometheus_samples => {}
            other => wrong.push(format!(
                "{}: {other:?}, Prometheus scraped {}",
                p.file, p.prometheus_samples
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn strict_mode_names_the_rule_a_page_breaks_and_the_default_reads_it_anyway() {
    // The default reads every page; strict mode reads the same samples or names the rule the
    // page breaks. client_golang's OpenMetrics page announces the counter
    // go_memstats_alloc_bytes_total as a family go_memstats_alloc_bytes right after the gauge
    // of that name: Prometheus reads it, OpenMetrics forbids it.
    let mut strictly_rejected = BTreeMap::new();
    for p in pages() {
        let body = std::fs::read_to_string(dir().join(&p.file)).unwrap();
        let format = Format::from_content_type(&p.content_type).unwrap();
        let lenient = parse_with(&body, format, Strictness::Prometheus).unwrap();
        match parse_with(&body, format, Strictness::Strict) {
            Ok(strict) => assert_eq!(strict.sample_count(), lenient.sample_count(), "{}", p.file),
            Err(e) => {
                strictly_rejected.insert(p.file, e.to_string());
            }
        }
    }
    let golang = strictly_rejected.get("client_golang-1.14.0.om");
    assert!(
        golang.is_some_and(|e| e.contains("metadata for 'go_memstats_alloc_bytes' after its samples")),
        "{strictly_rejected:?}"
    );
    println!("strict mode rejects: {strictly_rejected:#?}");
}
