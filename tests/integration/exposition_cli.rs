//! The exposition modes through the CLI: `file://` format by extension or content (said under
//! `-v`), `--strict-exposition` on collect and validate, and validate's warning for a page that
//! Prometheus reads but its format forbids. Files only: no network.

use crate::common;
use std::path::Path;
use std::process::Output;

fn rizk(dir: &Path, args: &[&str]) -> Output {
    common::rizk(dir, args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// client_golang's OpenMetrics page from the exporter corpus, copied into `dir`.
fn golang_page(dir: &Path) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exporters/client_golang-1.14.0.om");
    let dst = dir.join("go.om");
    std::fs::copy(src, &dst).unwrap();
    format!("file://{}", dst.display())
}

fn collected(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["sample"].clone()
}

#[test]
fn file_targets_are_read_by_extension_or_content_and_verbose_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("m.json");
    std::fs::write(&json, "{\"cpuUsage\": 85.5}\n").unwrap();
    // A node_exporter textfile whose last line happens to be '# EOF' (a comment in text).
    let textfile = dir.path().join("conns");
    std::fs::write(
        &textfile,
        "# active connections\nhttp_connections_active 7\n# EOF\n",
    )
    .unwrap();
    let args = |url: &str| {
        let url = format!("file://{url}");
        rizk(
            dir.path(),
            &["-v", "collect", "--no-host", "--json", "--endpoint", &url],
        )
    };
    let out = args(&json.display().to_string());
    assert_eq!(collected(&out)["cpu_percent"], 85.5);
    assert!(
        text(&out.stderr).contains("m.json: read as JSON (extension .json)"),
        "{}",
        text(&out.stderr)
    );
    let out = args(&textfile.display().to_string());
    assert_eq!(collected(&out)["active_connections"], 7.0);
    assert!(
        text(&out.stderr).contains("conns: read as text 0.0.4 (content: not valid OpenMetrics)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn client_golang_openmetrics_is_read_by_default_and_rejected_under_strict_exposition() {
    let dir = tempfile::tempdir().unwrap();
    let url = golang_page(dir.path());
    let out = rizk(
        dir.path(),
        &["collect", "--no-host", "--json", "--endpoint", &url],
    );
    let sample = collected(&out);
    assert_eq!(sample["targets_ok"], 1, "{sample}");
    let out = rizk(
        dir.path(),
        &[
            "collect",
            "--no-host",
            "--json",
            "--strict-exposition",
            "--endpoint",
            &url,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("metadata for 'go_memstats_alloc_bytes' after its samples"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn validate_warns_on_a_page_prometheus_reads_but_openmetrics_forbids() {
    let dir = tempfile::tempdir().unwrap();
    let url = golang_page(dir.path());
    let check = |strict: bool| {
        let mut args = vec![
            "validate",
            "--json",
            "--only",
            "configuration.monitoring",
            "--endpoint",
            &url,
        ];
        if strict {
            args.push("--strict-exposition");
        }
        let out = rizk(dir.path(), &args);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let check = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "configuration.monitoring")
            .unwrap()
            .clone();
        (out.status.code(), check)
    };
    let (code, c) = check(false);
    assert_eq!((code, c["status"].as_str()), (Some(0), Some("warn")), "{c}");
    let msg = c["message"].as_str().unwrap();
    assert!(
        msg.contains("57 samples, but OpenMetrics 1.0 forbids it: line 19, column 1: metadata for 'go_memstats_alloc_bytes' after its samples"),
        "{msg}"
    );
    let (code, c) = check(true);
    assert_eq!((code, c["status"].as_str()), (Some(1), Some("fail")), "{c}");
}
