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

#[test]
fn usage_errors_are_one_line_and_keep_clap_s_tips() {
    let env = Env::new();
    let out = env.run(&["recomend"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "rizk-scale: error: unrecognized subcommand 'recomend' (a similar subcommand exists: 'recommend'); see 'rizk-scale --help'"
    );
    // --help still prints the help, on stdout, exit 0.
    let out = env.run(&["recommend", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Replicas:"));
}

#[test]
fn a_negative_replica_count_is_a_value_error() {
    let env = Env::new();
    for cmd in ["recommend", "replay", "monitor"] {
        let out = env.run(&[cmd, "--current-replicas", "-1"]);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert_eq!(
            one_line(&out),
            "rizk-scale: error: invalid value '-1' for '--current-replicas <N>': '-1' is not a replica count (a whole number, 0 or more); see 'rizk-scale --help'",
            "{cmd}"
        );
    }
}

#[test]
fn exec_on_change_swallows_no_rizk_scale_flag() {
    let env = Env::new();
    let hook = env.path("hook.sh");
    std::fs::write(&hook, "#!/bin/sh\necho \"args:$#\" >> hook.log\n").unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let h = env.path("h.jsonl");
    let history = h.to_str().unwrap();
    let out = env.run(&[
        "--history",
        history,
        "monitor",
        "--no-host",
        "--metric",
        "cpu_percent=5",
        "--interval",
        "0",
        "--exec-on-change",
        "./hook.sh",
        "--count",
        "1",
    ]);
    // --count 1 is rizk-scale's: one tick, then the hook ran once with no arguments.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(env.path("hook.log")).unwrap(),
        "args:0\n"
    );
    // Arguments are given one by one; anything else after the program is an error.
    let out = env.run(&[
        "--history",
        history,
        "monitor",
        "--exec-on-change",
        "sh",
        "-c",
        "echo hi",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let line = one_line(&out);
    assert!(
        line.starts_with("rizk-scale: error: unexpected argument '-c' found"),
        "{line}"
    );
}

#[test]
fn config_commands_act_on_the_file_they_name() {
    let env = Env::new();
    std::fs::write(env.path("rizk-scale.toml"), "bad = [").unwrap();
    std::fs::write(env.path("other.toml"), "[history]\ncapacity = 50\n").unwrap();
    let out = env.run(&["config", "check", "other.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "other.toml: ok\n");
    let out = env.run(&["config", "check", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "rizk-scale: error: config 'missing.toml' not found"
    );
    let out = env.run(&["config", "init", "new.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "wrote new.toml\n");
    // Again: our own message, without "(os error 17)" after it.
    let out = env.run(&["config", "init", "new.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "rizk-scale: error: config 'new.toml' exists (use --force to overwrite)"
    );
    // The broken file in the directory is still reported where it is in effect.
    let out = env.run(&["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        one_line(&out).contains("rizk-scale.toml:1:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn serve_accepts_localhost() {
    let env = Env::new();
    let h = env.path("h.jsonl");
    let out = env.run(&[
        "--history",
        h.to_str().unwrap(),
        "monitor",
        "--no-host",
        "--metric",
        "cpu_percent=5",
        "--count",
        "1",
        "--interval",
        "0",
        "--serve",
        "localhost:0",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("rizk-scale: serving http://127.0.0.1:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn monitor_into_head_stops_when_the_pipe_closes() {
    use std::io::{BufRead, BufReader};
    let env = Env::new();
    let h = env.path("h.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
        .env_clear()
        .current_dir(env.dir.path())
        .env("HOME", env.dir.path())
        .args(["--history", h.to_str().unwrap(), "monitor", "--no-host"])
        .args(["--metric", "cpu_percent=5", "--interval", "60s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // `head -1`: read one line, then close the pipe.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains(" tick=1 "), "{first}");
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("monitor still running 10s after its stdout closed (the interval is 60s)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    // No second sample was taken.
    assert_eq!(std::fs::read_to_string(&h).unwrap().lines().count(), 1);
}
