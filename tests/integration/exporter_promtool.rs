//! `promtool check metrics` (Debian `prometheus`) on `monitor --serve`'s `/metrics`, with every
//! sample metric known and one endpoint up and one down: no lint findings. The endpoints are a
//! `file://` page and a closed loopback port; only 127.0.0.1 is contacted.

use crate::common;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `promtool` on PATH, or why the test cannot run (it always can in CI: .ci/run installs it).
fn promtool() -> Option<&'static str> {
    common::tool_present("promtool", "prometheus").then_some("promtool")
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text.split_once("\r\n\r\n").unwrap().1.to_string()
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn promtool_finds_nothing_to_lint_on_the_exporter_page() {
    let Some(promtool) = promtool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("web.prom");
    std::fs::write(
        &page,
        "# TYPE http_connections_active gauge\nhttp_connections_active 3\n",
    )
    .unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut child = Killed(
        Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
            .env_clear()
            .env("HOME", dir.path())
            .env("NO_COLOR", "1")
            .arg("--history")
            .arg(dir.path().join("h.jsonl"))
            .args(["monitor", "--no-host", "--instance", "test"])
            .args(["--serve", "127.0.0.1:0", "--interval", "300ms"])
            .args(["--current-replicas", "5", "--timeout", "1s"])
            .args(["--endpoint", &format!("file://{}", page.display())])
            .args(["--endpoint", &format!("http://{closed}/metrics")])
            .args([
                "--metric",
                "cpu_percent=95",
                "--metric",
                "memory_percent=85",
            ])
            .args([
                "--metric",
                "requests_per_second=150",
                "--metric",
                "cache_hit_rate=90",
            ])
            .args([
                "--metric",
                "error_rate=0.5",
                "--metric",
                "response_time_ms=250",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut err = BufReader::new(child.0.stderr.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert!(err.read_line(&mut line).unwrap() > 0, "no serving line");
        if let Some(rest) = line.strip_prefix("rizk-scale: serving http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep reading stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    let start = Instant::now();
    let body = loop {
        let body = get(&addr, "/metrics");
        if body.contains("rizk_scale_target_up") && body.contains("rizk_response_time_seconds") {
            break body;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "{body}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(body.contains("rizk_response_time_seconds 0.25\n"), "{body}");
    assert!(body.contains(&format!(
        "rizk_scale_target_up{{target=\"http://{closed}/metrics\"}} 0\n"
    )));
    assert!(body.contains("rizk_scale_target_scrape_duration_seconds{target=\"file://"));
    let mut check = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    check
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = check.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool: {said}\n{body}"
    );
}
