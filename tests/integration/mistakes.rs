//! Everyday mistakes, each met the way a person makes it, with the exit code and the one line
//! that tells them what happened.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temp dir as the cwd and HOME, a clean environment, no colour.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
            .env_clear()
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .args(args)
            .output()
            .unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The process said exactly one line on stderr; that line.
fn one_line(o: &Output) -> String {
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "not one line on stderr: {err:?}");
    err.trim_end().to_string()
}

fn lines(n: usize, path: &Path) {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("{{\"cpu_percent\":{}}}\n", i % 100));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn recommend_on_a_history_that_does_not_exist_names_it() {
    let env = Env::new();
    let typo = env.path("histroy.jsonl");
    let out = env.run(&["recommend", "--history", typo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        one_line(&out),
        format!(
            "rizk-scale: warning: history '{}' does not exist: no samples yet (check --history or RIZK_SCALE_HISTORY; `rizk-scale collect` creates it)",
            typo.display()
        )
    );
    assert!(
        stdout(&out).starts_with(&format!("History '{}' does not exist.\n", typo.display())),
        "{}",
        stdout(&out)
    );
    // An existing, empty file is just empty.
    std::fs::write(&typo, "").unwrap();
    let out = env.run(&["recommend", "--history", typo.to_str().unwrap()]);
    assert_eq!(stderr(&out), "");
    assert!(stdout(&out).starts_with("History is empty.\n"));
}

#[test]
fn a_history_longer_than_the_capacity_is_trimmed_with_a_warning_once() {
    let env = Env::new();
    let h = env.path("h.jsonl");
    lines(10_000, &h);
    let history = h.to_str().unwrap();
    let collect = |quiet: bool| {
        let mut args = vec!["--history", history, "collect", "--no-host"];
        args.extend(["--metric", "cpu_percent=5"]);
        if quiet {
            args.push("--quiet");
        }
        env.run(&args)
    };
    let out = collect(false);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        one_line(&out),
        format!(
            "rizk-scale: warning: history '{history}' held 10000 samples, more than its capacity 100: kept the newest 100, dropped 9901 (raise --capacity or history.capacity to keep more)"
        )
    );
    assert_eq!(std::fs::read_to_string(&h).unwrap().lines().count(), 100);
    // Once: the next write rolls as usual, silently.
    let out = collect(false);
    assert_eq!(stderr(&out), "");
    // --quiet silences it.
    lines(500, &h);
    let out = collect(true);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
    assert_eq!(std::fs::read_to_string(&h).unwrap().lines().count(), 100);
}

#[test]
fn an_endpoint_without_a_scheme_suggests_http() {
    let env = Env::new();
    let h = env.path("h.jsonl");
    for raw in ["127.0.0.1:9100/metrics", "localhost:9100"] {
        let out = env.run(&[
            "--history",
            h.to_str().unwrap(),
            "collect",
            "--no-host",
            "--endpoint",
            raw,
        ]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            one_line(&out),
            format!("rizk-scale: error: endpoint '{raw}': no scheme: did you mean 'http://{raw}'?")
        );
    }
}

/// A one-connection-at-a-time HTTP server on 127.0.0.1 that answers every request with a
/// metrics page and records the paths asked for (at most `requests`, then it stops).
fn metrics_server(requests: usize) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = reader.read_line(&mut line);
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let path = line.split(' ').nth(1).unwrap_or("").to_string();
            let body = "# TYPE http_requests_total counter\nhttp_requests_total 5\n";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tx.send(path);
        }
    });
    (base, rx)
}

#[test]
fn collect_and_validate_read_the_same_url_the_same_way() {
    let env = Env::new();
    let h = env.path("h.jsonl");
    let (base, paths) = metrics_server(4);
    let wait = || {
        paths
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap()
    };
    // A bare host:port means its /metrics, for both commands; any other path is used as
    // given, by both (no silent /metrics appended by one and not the other).
    for (url, path) in [
        (base.clone(), "/metrics"),
        (format!("{base}/stats"), "/stats"),
    ] {
        let history = h.to_str().unwrap();
        let out = env.run(&[
            "--history",
            history,
            "collect",
            "--no-host",
            "--endpoint",
            &url,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(wait(), path);
        let out = env.run(&["validate", "--endpoint", &url, "--only", "monitoring"]);
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        assert_eq!(wait(), path);
    }
}
