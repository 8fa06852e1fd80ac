//! Secrets and permissions, through the real binary: a planted password (in `--history
//! redis://:PW@…`, `--redis`, an endpoint URL, the config file and the environment) and bearer
//! tokens (`--bearer-token-file`, `--header 'Authorization: Bearer …'`) are looked for in every
//! output mode — `collect`, `recommend`, `monitor` (NDJSON, plain, the exporter page), errors,
//! `config show`, `validate`, and the files written (history, spool, rejected, export). Only
//! `***` may appear. Files are created 0600 and the exporter binds loopback by default.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use common::redis::Standalone;

const PW: &str = "Pw-7h1s-1s-s3cr3t";
const TOKEN_FILE: &str = "Tok-f1le-8e4rer-x9";
const TOKEN_HEADER: &str = "Tok-h3ader-77-zz";
const SECRETS: [&str; 3] = [PW, TOKEN_FILE, TOKEN_HEADER];

/// A /metrics service on a loopback port that records the request heads it gets.
fn service() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let heads = seen.clone();
    std::thread::spawn(move || {
        let mut n = 0u64;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            n += 1;
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            heads
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&head).into_owned());
            let body = format!(
                "# TYPE http_requests_total counter\nhttp_requests_total{{code=\"200\"}} {}\n\
                 # TYPE http_connections_active gauge\nhttp_connections_active 3\n",
                n * 100
            );
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("127.0.0.1:{}", addr.port()), seen)
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(env.path("token"), format!("{TOKEN_FILE}\n")).unwrap();
        env
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("rizk-scale").unwrap();
        c.env_clear()
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.path("state"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("NO_COLOR", "1")
            .env("RIZK_SCALE_HISTORY", self.path("history.jsonl"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdin(Stdio::null());
        c
    }
}

/// Run with a deadline.
fn run(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("rizk-scale did not finish within 30s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// No planted secret in `text` (what `what` names).
fn clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{what} leaks a secret '{secret}':\n{text}"
        );
    }
    assert!(!text.contains("panicked"), "{what}: {text}");
}

/// Both streams clean; returns them.
fn clean_out(what: &str, out: &Output) -> (String, String) {
    let o = String::from_utf8_lossy(&out.stdout).into_owned();
    let e = String::from_utf8_lossy(&out.stderr).into_owned();
    clean(&format!("{what} (stdout)"), &o);
    clean(&format!("{what} (stderr)"), &e);
    (o, e)
}

fn clean_file(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    clean(&path.display().to_string(), &text);
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn endpoint_flags(addr: &str) -> Vec<String> {
    vec![
        "--endpoint".into(),
        format!("http://scraper:{PW}@{addr}/metrics"),
        "--bearer-token-file".into(),
        "token".into(),
    ]
}

#[test]
fn endpoint_credentials_are_sent_and_never_shown() {
    let env = Env::new();
    let (addr, heads) = service();
    // collect: table and --json, twice (rates need two scrapes).
    for json in [false, true] {
        let mut c = env.cmd();
        c.args(["collect", "--no-host", "--instance", "t"])
            .args(endpoint_flags(&addr));
        if json {
            c.arg("--json");
        }
        let out = run(c);
        let (o, e) = clean_out("collect", &out);
        assert!(out.status.success(), "{e}");
        if json {
            assert!(o.contains("scraper:***@"), "{o}");
        }
    }
    // A custom Authorization header.
    let mut c = env.cmd();
    c.args([
        "collect",
        "--no-host",
        "--instance",
        "t",
        "--endpoint",
        &format!("http://{addr}/metrics"),
    ])
    .args(["--header", &format!("Authorization: Bearer {TOKEN_HEADER}")]);
    let out = run(c);
    assert!(out.status.success());
    clean_out("collect --header", &out);
    // recommend --collect: table and --json.
    for json in [false, true] {
        let mut c = env.cmd();
        c.args(["recommend", "--collect", "--no-host", "--instance", "t"])
            .args(endpoint_flags(&addr));
        if json {
            c.arg("--json");
        }
        let out = run(c);
        let (_, e) = clean_out("recommend --collect", &out);
        assert!(out.status.success(), "{e}");
    }
    // A bearer token alone (URL userinfo, when present, is sent as Basic auth and wins).
    let mut c = env.cmd();
    c.args(["collect", "--no-host", "--instance", "t", "--json"])
        .args(["--endpoint", &format!("http://{addr}/metrics")])
        .args(["--bearer-token-file", "token"]);
    let out = run(c);
    assert!(out.status.success());
    clean_out("collect --bearer-token-file", &out);
    // The credentials did reach the service.
    let heads = heads.lock().unwrap().join("\n").to_ascii_lowercase();
    assert!(heads.contains(&format!("bearer {}", TOKEN_FILE.to_ascii_lowercase())));
    assert!(heads.contains(&format!("bearer {}", TOKEN_HEADER.to_ascii_lowercase())));
    assert!(heads.contains("authorization: basic"), "{heads}");
    // The files written.
    let history = env.path("history.jsonl");
    clean_file(&history);
    assert!(
        std::fs::read_to_string(&history)
            .unwrap()
            .contains("scraper:***@")
    );
    assert_eq!(mode(&history), 0o600);
    // history show/export: stdout and a file, 0600.
    for args in [
        &["history", "show"][..],
        &["history", "export", "--format", "jsonl"][..],
        &["history", "export", "--format", "json", "-o", "export.json"][..],
    ] {
        let mut c = env.cmd();
        c.args(args);
        let out = run(c);
        assert!(out.status.success());
        clean_out(&args.join(" "), &out);
    }
    clean_file(&env.path("export.json"));
    assert_eq!(mode(&env.path("export.json")), 0o600);
}

#[test]
fn failing_endpoints_never_show_credentials() {
    let env = Env::new();
    let dead = common::redis::dead_port();
    // Unreachable, alone (an error) and among others (a warning), and a redirect refused.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let redirect_addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 302 Found\r\nLocation: http://u:{PW}@localhost:1/x\r\nContent-Length: 0\r\n\r\n"
            );
        }
    });
    let (addr, _) = service();
    for extra in [
        vec![],
        vec![
            "--endpoint".to_string(),
            format!("http://ok:{PW}@{addr}/metrics"),
        ],
    ] {
        for target in [
            format!("http://scraper:{PW}@127.0.0.1:{dead}/metrics"),
            format!("http://scraper:{PW}@{redirect_addr}/metrics"),
            format!("http://{PW}@127.0.0.1:{dead}/metrics"),
            format!("ftp://scraper:{PW}@127.0.0.1/metrics"),
        ] {
            let mut c = env.cmd();
            c.args(["collect", "--no-host", "--json", "--endpoint", &target])
                .args(["--bearer-token-file", "token", "--timeout", "2s"])
                .args(&extra);
            let out = run(c);
            let (_, e) = clean_out(&format!("collect {target}"), &out);
            assert!(!e.is_empty(), "the failure is said");
        }
    }
    // A bearer token file that is not a valid header value.
    std::fs::write(env.path("bad-token"), format!("{TOKEN_FILE}\n\u{7}x")).unwrap();
    let mut c = env.cmd();
    c.args([
        "collect",
        "--no-host",
        "--endpoint",
        &format!("http://{addr}/m"),
    ])
    .args(["--bearer-token-file", "bad-token"]);
    let out = run(c);
    assert_eq!(out.status.code(), Some(2));
    clean_out("invalid bearer token", &out);
    // An invalid header value.
    let mut c = env.cmd();
    c.args([
        "collect",
        "--no-host",
        "--endpoint",
        &format!("http://{addr}/m"),
    ])
    .args(["--header", &format!("X-Key: {TOKEN_HEADER}\u{7}")]);
    let out = run(c);
    assert_eq!(out.status.code(), Some(2));
    clean_out("invalid header", &out);
    clean_file(&env.path("history.jsonl"));
}

/// GET a page from the exporter.
fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    text
}

#[test]
fn monitor_outputs_and_the_exporter_never_show_credentials() {
    let env = Env::new();
    let (addr, _) = service();
    let dead = common::redis::dead_port();
    for json in [true, false] {
        let mut c = env.cmd();
        c.args([
            "monitor",
            "--no-host",
            "--instance",
            "m",
            "--interval",
            "400ms",
        ])
        .args(["--count", "4", "--serve", "127.0.0.1:0"])
        .args(endpoint_flags(&addr))
        .args(["--header", &format!("X-Api-Key: {TOKEN_HEADER}")])
        .args([
            "--endpoint",
            &format!("http://scraper:{PW}@127.0.0.1:{dead}/metrics"),
        ]);
        if json {
            c.arg("--json");
        }
        let mut child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        let start = Instant::now();
        while !first.contains("serving http://") && start.elapsed() < Duration::from_secs(10) {
            first.clear();
            if err.read_line(&mut first).unwrap() == 0 {
                break;
            }
            clean("monitor stderr", &first);
        }
        let bound = first
            .split("serving http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or_else(|| panic!("no 'serving' line: {first}"))
            .to_string();
        assert!(bound.starts_with("127.0.0.1:"), "{bound}");
        std::thread::sleep(Duration::from_millis(900));
        for page in ["/metrics", "/health", "/ready"] {
            clean(&format!("exporter {page}"), &http_get(&bound, page));
        }
        let page = http_get(&bound, "/metrics");
        assert!(page.contains("rizk_scale"), "{page}");
        let mut rest = String::new();
        err.read_to_string(&mut rest).unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let status = child.wait().unwrap();
        clean("monitor stdout", &out);
        clean("monitor stderr", &rest);
        assert!(status.success(), "{rest}");
        assert!(
            rest.contains("scraper:***@"),
            "the failing endpoint is named: {rest}"
        );
        if json {
            assert_eq!(out.lines().count(), 4, "{out}");
        }
    }
    clean_file(&env.path("history.jsonl"));
}

#[test]
fn the_exporter_binds_loopback_by_default() {
    let env = Env::new();
    let mut c = env.cmd();
    c.args([
        "monitor",
        "--no-host",
        "--metric",
        "cpu_percent=5",
        "--count",
        "1",
    ])
    .arg("--serve");
    let out = run(c);
    let err = String::from_utf8_lossy(&out.stderr);
    // The default port may be taken by another program: either way the address is loopback.
    assert!(
        err.contains("serving http://127.0.0.1:9464/metrics") || err.contains("127.0.0.1:9464"),
        "{err}"
    );
    assert!(!err.contains("NOT a loopback"), "{err}");
}

#[test]
fn redis_passwords_never_show() {
    let Some(s) = Standalone::start(Some(PW)) else {
        return;
    };
    let env = Env::new();
    let good = s.server.url();
    assert!(good.contains(PW));
    let wrong = format!("redis://:{PW}-wrong@127.0.0.1:{}", s.server.port);
    let dead = format!("redis://:{PW}@127.0.0.1:{}", common::redis::dead_port());
    // Cluster seeds, comma-separated, each with the password.
    let seeds = format!(
        "redis://:{PW}@127.0.0.1:{},rediss://:{PW}@127.0.0.1:{}",
        common::redis::dead_port(),
        common::redis::dead_port()
    );
    let history_cmd = |url: &str, args: &[&str]| {
        let mut c = env.cmd();
        c.env("RIZK_SCALE_HISTORY", url)
            .env("RIZK_SCALE_SERVICE", "web");
        c.args(args);
        c
    };
    let collect = [
        "collect",
        "--no-host",
        "--metric",
        "cpu_percent=50",
        "--instance",
        "r",
    ];
    for url in [&good, &wrong, &dead, &seeds] {
        for args in [
            &collect[..],
            &[
                "collect",
                "--no-host",
                "--metric",
                "cpu_percent=50",
                "--json",
            ][..],
            &["recommend"][..],
            &["recommend", "--json"][..],
            &["history", "show"][..],
            &["config", "show"][..],
            &["config", "show", "--json"][..],
            &["-v", "recommend"][..],
        ] {
            let out = run(history_cmd(url, args));
            let (o, e) = clean_out(&format!("{} with {url}", args.join(" ")), &out);
            if args[0] == "config" {
                assert!(o.contains("***@"), "{o}");
            }
            let _ = e;
        }
    }
    // The monitor with a Redis history: NDJSON, plain.
    for json in [true, false] {
        let mut c = history_cmd(
            &good,
            &[
                "monitor",
                "--no-host",
                "--metric",
                "cpu_percent=50",
                "--interval",
                "200ms",
                "--count",
                "2",
            ],
        );
        if json {
            c.arg("--json");
        }
        let out = run(c);
        assert!(out.status.success());
        clean_out("monitor with a Redis history", &out);
    }
    // The spool written while Redis was unreachable, and its rights.
    let spool = env.path("state/rizk-scale/spool-web.jsonl");
    clean_file(&spool);
    assert_eq!(mode(&spool), 0o600);
    // validate --redis: table and JSON, right, wrong and unreachable.
    for url in [&good, &wrong, &dead, &seeds] {
        for json in [false, true] {
            let mut c = env.cmd();
            c.args(["validate", "--redis", url, "--timeout", "2s"])
                .args(["--endpoint", &format!("http://u:{PW}@127.0.0.1:1/metrics")])
                .args(["--health-url", &format!("http://u:{PW}@127.0.0.1:1/health")]);
            if json {
                c.arg("--json");
            }
            let out = run(c);
            clean_out(&format!("validate --redis {url}"), &out);
        }
    }
    // Sentinel URLs.
    for json in [false, true] {
        let mut c = env.cmd();
        c.args(["validate", "--timeout", "1s", "--sentinel-master", "m"])
            .args(["--redis-sentinel", &format!("redis://:{PW}@127.0.0.1:1")]);
        if json {
            c.arg("--json");
        }
        clean_out("validate --redis-sentinel", &run(c));
    }
    // A config file naming the Redis history with its password; and the environment.
    std::fs::write(
        env.path("rizk-scale.toml"),
        format!("[history]\npath = \"{dead}\"\ncapacity = 50\n"),
    )
    .unwrap();
    for args in [
        &["config", "show"][..],
        &["config", "show", "--json"][..],
        &["config", "check"][..],
    ] {
        let mut c = env.cmd();
        c.env_remove("RIZK_SCALE_HISTORY").args(args);
        let out = run(c);
        clean_out(&format!("{} (config file)", args.join(" ")), &out);
    }
}

#[test]
fn files_are_created_0600() {
    let env = Env::new();
    let mut c = env.cmd();
    c.args(["collect", "--no-host", "--metric", "cpu_percent=5"]);
    assert!(run(c).status.success());
    assert_eq!(mode(&env.path("history.jsonl")), 0o600);
    assert_eq!(mode(&env.path("history.jsonl.lock")), 0o600);
    // A bad line is moved aside into a 0600 file.
    let mut text = std::fs::read_to_string(env.path("history.jsonl")).unwrap();
    text.push_str("not json\n");
    std::fs::write(env.path("history.jsonl"), text).unwrap();
    let mut c = env.cmd();
    c.args(["collect", "--no-host", "--metric", "cpu_percent=6"]);
    assert!(run(c).status.success());
    assert_eq!(mode(&env.path("history.jsonl.rejected")), 0o600);
    assert_eq!(mode(&env.path("history.jsonl")), 0o600);
    // Export to a file and config init.
    let mut c = env.cmd();
    c.args(["history", "export", "--format", "csv", "-o", "out.csv"]);
    assert!(run(c).status.success());
    assert_eq!(mode(&env.path("out.csv")), 0o600);
    let mut c = env.cmd();
    c.args(["config", "init", "new.toml"]);
    assert!(run(c).status.success());
    assert_eq!(mode(&env.path("new.toml")), 0o600);
    // A history whose directory does not exist yet: the directory is made 0700.
    let mut c = env.cmd();
    c.env("RIZK_SCALE_HISTORY", env.path("deep/er/h.jsonl"))
        .args(["collect", "--no-host", "--metric", "cpu_percent=5"]);
    assert!(run(c).status.success());
    assert_eq!(mode(&env.path("deep/er/h.jsonl")), 0o600);
    assert_eq!(mode(&env.path("deep/er")), 0o700);
}
