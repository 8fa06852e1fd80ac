//! When every `--endpoint` fails, `collect` and `recommend --collect` exit 2 even though the
//! host was sampled (cron must not fall back to host-only figures silently); `--allow-partial`
//! keeps the sample; a fleet where some endpoints answer stays a warning and exit 0; an endpoint
//! that answers with none of the series the mapping reads is warned about.

use crate::common;
use std::path::Path;
use std::process::Output;

fn rizk(dir: &Path, args: &[&str]) -> Output {
    common::rizk(dir, args)
}

fn lines(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("h.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// A loopback port nothing listens on.
fn closed() -> String {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    format!("http://{addr}/metrics")
}

#[test]
fn every_endpoint_failing_is_exit_2_unless_partial_results_are_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let down = closed();
    let args = ["--endpoint", down.as_str(), "--timeout", "1s"];
    for cmd in [&["collect"][..], &["recommend", "--collect"][..]] {
        let out = rizk(dir.path(), &[cmd, &args[..]].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(
            err.lines().last().is_some_and(|l| l
                .starts_with(&format!("rizk-scale: error: endpoint '{down}': "))
                && l.ends_with("(every endpoint failed; --allow-partial keeps the host's sample)")),
            "{err}"
        );
        assert_eq!(lines(dir.path()), 0, "{cmd:?}: nothing is written");
    }
    let out = rizk(
        dir.path(),
        &[&["collect", "--allow-partial"][..], &args[..]].concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lines(dir.path()), 1);
    // Some endpoints answer: a warning, exit 0.
    let page = dir.path().join("up.prom");
    std::fs::write(&page, "http_connections_active 4\n").unwrap();
    let up = format!("file://{}", page.display());
    let out = rizk(
        dir.path(),
        &[
            "collect",
            "--endpoint",
            &up,
            "--endpoint",
            &down,
            "--timeout",
            "1s",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(&down));
    assert_eq!(lines(dir.path()), 2);
    // An endpoint that answers with nothing the mapping reads is named, not silently empty.
    let other = dir.path().join("other.prom");
    std::fs::write(&other, "jvm_threads_live 40\n").unwrap();
    let url = format!("file://{}", other.display());
    let out = rizk(dir.path(), &["collect", "--endpoint", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!(
            "endpoint '{url}' answered, but none of the series the metric mapping reads are on its page"
        )),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
