//! Fault injection through the real binary: hostile or broken `/metrics` endpoints (raw TCP
//! servers on 127.0.0.1 that hang, trickle, never end, send a gzip bomb, lie about their content,
//! close mid-body, loop redirects, fail), a history directory that is read-only or full (a tiny
//! tmpfs when the test runs as root and may mount; else skipped with the reason), a history file
//! replaced by garbage, a directory or a symlink, Redis killed and restarted under `monitor`, and
//! a Redis Cluster failover while `validate` runs.
//!
//! Every case checks: one clear line on stderr, the documented exit code, no panic, and the
//! history neither lost nor torn. Every server thread, child process and wait is bounded in time.
//! The table of cases and outcomes is in docs/hardening.md.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::cli::util;
use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::redis::{Cluster, Standalone};
use util::{Env, assert_history_valid, stderr, stdout};

// ---------------------------------------------------------------------------------------------
// Hostile HTTP servers: raw TCP, so a test controls every byte and every pause.

/// A server on a loopback port; it remembers the request heads it received.
struct Hostile {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

/// Serve every connection with `respond(stream, request_head)` on its own thread. The accept
/// loop lives until the test process ends; each responder stops on its own (a write to a closed
/// socket fails, every pause is bounded).
fn hostile(respond: impl Fn(&mut TcpStream, &str) + Send + Sync + 'static) -> Hostile {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let respond = Arc::new(respond);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let respond = respond.clone();
            let seen = seen.clone();
            std::thread::spawn(move || {
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                seen.lock().unwrap().push(head.clone());
                respond(&mut stream, &head);
            });
        }
    });
    Hostile { base, requests }
}

fn path_of(head: &str) -> &str {
    head.split_whitespace().nth(1).unwrap_or("/")
}

const METRICS: &str = "# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 10\n";

fn ok_response(stream: &mut TcpStream) {
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{METRICS}",
        METRICS.len()
    );
}

/// A gzip member that inflates `matches × 258 + 1` zero bytes: one fixed-Huffman deflate block
/// of a literal 0 then back-references (length 258, distance 1), 13 bits per 258 bytes. Its
/// CRC is not computed (nothing may ever inflate it).
fn gzip_bomb(matches: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, len: u32) {
            self.acc |= value << self.n;
            self.n += len;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        // Huffman codes go most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            let reversed = (0..len).fold(0, |r, i| r | ((code >> i) & 1) << (len - 1 - i));
            self.put(reversed, len);
        }
    }
    let mut bits = Bits {
        out: vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3],
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE = fixed Huffman
    bits.code(0x30, 8); // literal 0
    for _ in 0..matches {
        bits.code(0xC5, 8); // length code 285 = 258
        bits.code(0, 5); // distance code 0 = 1
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7); // flush
    let size = (matches * 258 + 1) as u32;
    bits.out.extend_from_slice(&[0, 0, 0, 0]);
    bits.out.extend_from_slice(&size.to_le_bytes());
    bits.out
}

// ---------------------------------------------------------------------------------------------
// Running the binary

/// A temp history with two good samples, so every failure can be checked to leave it intact.
fn seeded_env() -> (Env, String) {
    let env = Env::new();
    env.collect(&["cpu_percent=10", "memory_percent=20"]);
    env.collect(&["cpu_percent=11", "memory_percent=21"]);
    let before = env.read_history();
    (env, before)
}

/// Run with a deadline: a hung binary fails the test instead of hanging it.
fn run_bounded(mut cmd: Command, limit: Duration) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            return (child.wait_with_output().unwrap(), start.elapsed());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "rizk-scale did not finish within {limit:?}; stderr: {}",
                stderr(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn no_panic(out: &Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!stdout(out).contains("panicked"));
}

/// Exit 2 and exactly one line, `rizk-scale: error: …`, containing `needle`.
fn one_line_error(out: &Output, needle: &str) -> String {
    no_panic(out);
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("rizk-scale: error: "), "{err}");
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    eprint!("fault → exit 2: {err}");
    err
}

/// `collect --no-host --endpoint URL` with extra flags.
fn collect_from(env: &Env, url: &str, flags: &[&str], limit: Duration) -> (Output, Duration) {
    let mut cmd = env.cmd();
    cmd.args(["collect", "--no-host", "--instance", "t", "--endpoint", url])
        .args(flags);
    run_bounded(cmd, limit)
}

/// One endpoint fault: `collect` fails with one line naming the endpoint and `needle`, within
/// `within`, and leaves the history byte for byte as it was.
fn endpoint_fault(server: &Hostile, path: &str, flags: &[&str], needle: &str, within: Duration) {
    let (env, before) = seeded_env();
    let url = format!("{}{path}", server.base);
    let (out, took) = collect_from(&env, &url, flags, within + Duration::from_secs(10));
    let err = one_line_error(&out, needle);
    assert!(err.contains(&format!("endpoint '{url}'")), "{err}");
    assert!(took <= within, "took {took:?} (limit {within:?}): {err}");
    assert_eq!(env.read_history(), before, "history changed");
}

// ---------------------------------------------------------------------------------------------
// Endpoint faults

#[test]
fn a_hanging_endpoint_times_out() {
    let server = hostile(|_, _| std::thread::sleep(Duration::from_secs(20)));
    endpoint_fault(
        &server,
        "/metrics",
        &["--timeout", "1s"],
        "timed out after 1s",
        Duration::from_secs(4),
    );
}

#[test]
fn a_trickling_body_is_cut_by_the_total_timeout() {
    let server = hostile(|s, _| {
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4096\r\n\r\n"
        );
        for _ in 0..30 {
            if s.write_all(b"x").and_then(|()| s.flush()).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    endpoint_fault(
        &server,
        "/metrics",
        &["--timeout", "2s"],
        "timed out after 2s",
        Duration::from_secs(5),
    );
}

#[test]
fn trickling_headers_are_cut_by_the_total_timeout() {
    let server = hostile(|s, _| {
        for b in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa"
        {
            if s.write_all(&[*b]).and_then(|()| s.flush()).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    endpoint_fault(
        &server,
        "/metrics",
        &["--timeout", "2s"],
        "timed out after 2s",
        Duration::from_secs(5),
    );
}

#[test]
fn an_endless_body_is_refused_at_the_cap() {
    let server = hostile(|s, _| {
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        let line = "http_requests_total{code=\"200\"} 1\n".repeat(2000);
        let chunk = format!("{:x}\r\n{line}\r\n", line.len());
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if s.write_all(chunk.as_bytes()).is_err() {
                return;
            }
        }
    });
    endpoint_fault(
        &server,
        "/metrics",
        &["--max-body", "1MiB", "--timeout", "20s"],
        "body exceeds the 1048576-byte limit",
        Duration::from_secs(10),
    );
}

#[test]
fn a_huge_declared_length_is_refused_before_reading() {
    let server = hostile(|s, _| {
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10737418240\r\n\r\n"
        );
        std::thread::sleep(Duration::from_secs(10));
    });
    endpoint_fault(
        &server,
        "/metrics",
        &["--timeout", "5s"],
        "body exceeds the 16777216-byte limit",
        Duration::from_secs(3),
    );
}

#[test]
fn a_gzip_bomb_is_never_requested_nor_inflated() {
    // 1.6 MB that would inflate to ~250 MB of zeros; and a small one, under the cap.
    let big = Arc::new(gzip_bomb(1_000_000));
    let small = Arc::new(gzip_bomb(100));
    assert!(big.len() > 1_000_000 && small.len() < 1000);
    let server = hostile(move |s, head| {
        let body = if path_of(head) == "/big" {
            &big
        } else {
            &small
        };
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(body);
    });
    // Over the cap: refused by its length, before any byte is read.
    endpoint_fault(
        &server,
        "/big",
        &["--max-body", "1MiB"],
        "body exceeds the 1048576-byte limit",
        Duration::from_secs(5),
    );
    // Under the cap: read as the bytes it is (not text), never decoded.
    endpoint_fault(
        &server,
        "/small",
        &[],
        "body is not UTF-8",
        Duration::from_secs(5),
    );
    for head in server.requests.lock().unwrap().iter() {
        let lower = head.to_ascii_lowercase();
        assert!(!lower.contains("accept-encoding"), "{head}");
    }
}

#[test]
fn wrong_content_types_are_refused() {
    let server = hostile(|s, head| {
        let (ct, body) = match path_of(head) {
            "/html" => (
                "text/html; charset=utf-8",
                "<html><body>Login</body></html>",
            ),
            _ => ("application/octet-stream", "\u{1}\u{2}binary"),
        };
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
    });
    endpoint_fault(
        &server,
        "/html",
        &[],
        "unsupported Content-Type 'text/html; charset=utf-8'",
        Duration::from_secs(5),
    );
    endpoint_fault(
        &server,
        "/bin",
        &[],
        "unsupported Content-Type 'application/octet-stream'",
        Duration::from_secs(5),
    );
}

#[test]
fn a_connection_closed_mid_body_is_an_error_not_a_short_sample() {
    let server = hostile(|s, head| {
        if path_of(head) == "/length" {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{METRICS}"
            );
        } else {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{METRICS}\r\n",
                METRICS.len()
            );
        }
        let _ = s.flush();
        let _ = s.shutdown(std::net::Shutdown::Both);
    });
    // What hyper calls it varies; the contract is one line, exit 2, nothing appended.
    endpoint_fault(&server, "/length", &[], "", Duration::from_secs(5));
    endpoint_fault(&server, "/chunked", &[], "", Duration::from_secs(5));
}

#[test]
fn redirect_loops_chains_and_other_hosts_are_refused() {
    let other = hostile(|s, _| ok_response(s));
    let other_base = other.base.replace("127.0.0.1", "localhost");
    let server = hostile(move |s, head| {
        let to = match path_of(head) {
            "/a" => "/b".to_string(),
            "/b" => "/a".to_string(),
            "/r1" => "/r2".to_string(),
            "/r2" => "/r3".to_string(),
            "/r3" => "/r4".to_string(),
            "/r4" => "/r5".to_string(),
            "/r5" => "/r6".to_string(),
            _ => format!("{other_base}/metrics"),
        };
        let _ = write!(
            s,
            "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n"
        );
    });
    endpoint_fault(&server, "/a", &[], "redirect loop", Duration::from_secs(5));
    endpoint_fault(
        &server,
        "/r1",
        &[],
        "more than 3 redirects",
        Duration::from_secs(5),
    );
    endpoint_fault(
        &server,
        "/away",
        &[],
        "redirect to another host",
        Duration::from_secs(5),
    );
    assert!(other.requests.lock().unwrap().is_empty());
}

#[test]
fn server_errors_fail_and_a_partial_fleet_still_collects() {
    let server = hostile(|s, head| match path_of(head) {
        "/500" => {
            let _ = write!(
                s,
                "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!"
            );
        }
        "/503" => {
            let _ = write!(
                s,
                "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"
            );
        }
        _ => ok_response(s),
    });
    endpoint_fault(
        &server,
        "/500",
        &[],
        "HTTP 500 Internal Server Error",
        Duration::from_secs(5),
    );
    endpoint_fault(
        &server,
        "/503",
        &[],
        "HTTP 503 Service Unavailable",
        Duration::from_secs(5),
    );
    // One good target and one failing: a warning, and the sample is taken from the good one.
    let (env, _) = seeded_env();
    let mut cmd = env.cmd();
    cmd.args(["collect", "--no-host", "--json", "--instance", "t"])
        .args(["--endpoint", &format!("{}/metrics", server.base)])
        .args(["--endpoint", &format!("{}/503", server.base)]);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("rizk-scale: warning: endpoint '") && err.contains("HTTP 503"),
        "{err}"
    );
    assert_eq!(assert_history_valid(&env.history()), 3);
    let last = env.read_history().lines().last().unwrap().to_string();
    assert!(
        last.contains("\"targets_ok\":1") && last.contains("\"targets_total\":2"),
        "{last}"
    );
}

// ---------------------------------------------------------------------------------------------
// History faults

/// A tmpfs mounted on a temp directory (root only), unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mount one of `size`, or say why not.
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let uid = std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(1);
        if uid != 0 {
            return Err(format!("not root (uid {uid}): cannot mount a tmpfs"));
        }
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, mode: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "remount,{mode} failed");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// An `Env` whose history lives in `dir`.
fn history_in(env: &Env, dir: &Path) -> Command {
    let mut cmd = env.cmd();
    cmd.env("RIZK_SCALE_HISTORY", dir.join("history.jsonl"));
    cmd
}

fn collect_args(cmd: &mut Command, cpu: u32) {
    cmd.args(["collect", "--no-host", "--instance", "t"])
        .args(["--metric", &format!("cpu_percent={cpu}")]);
}

fn recommend_samples(mut cmd: Command) -> usize {
    cmd.args(["recommend", "--json"]);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    util::parse_recommend(&out).samples
}

#[test]
fn a_read_only_history_directory_fails_writes_and_still_reads() {
    let fs = match Tmpfs::mount("1m") {
        Ok(fs) => fs,
        Err(why) => {
            eprintln!("skipping the read-only history test: {why}");
            return;
        }
    };
    let env = Env::new();
    for cpu in 0..3 {
        let mut cmd = history_in(&env, fs.path());
        collect_args(&mut cmd, cpu);
        assert!(run_bounded(cmd, Duration::from_secs(10)).0.status.success());
    }
    let history = fs.path().join("history.jsonl");
    let before = std::fs::read(&history).unwrap();
    fs.remount("ro");
    let mut cmd = history_in(&env, fs.path());
    collect_args(&mut cmd, 50);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    one_line_error(&out, "Read-only file system");
    assert_eq!(std::fs::read(&history).unwrap(), before);
    // Reading needs no write: recommend still works.
    assert_eq!(recommend_samples(history_in(&env, fs.path())), 3);
    fs.remount("rw");
}

#[test]
fn a_full_history_filesystem_keeps_the_history_intact() {
    let fs = match Tmpfs::mount("64k") {
        Ok(fs) => fs,
        Err(why) => {
            eprintln!("skipping the full-disk history test: {why}");
            return;
        }
    };
    let env = Env::new();
    for cpu in 0..3 {
        let mut cmd = history_in(&env, fs.path());
        collect_args(&mut cmd, cpu);
        assert!(run_bounded(cmd, Duration::from_secs(10)).0.status.success());
    }
    let history = fs.path().join("history.jsonl");
    let before = std::fs::read(&history).unwrap();
    // Fill the filesystem to the last byte.
    let filler = fs.path().join("filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = [b'f'; 4096];
        while f.write_all(&block).is_ok() {}
        while f.write_all(b"f").is_ok() {}
    }
    let mut cmd = history_in(&env, fs.path());
    collect_args(&mut cmd, 50);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    one_line_error(&out, "No space left on device");
    assert_eq!(std::fs::read(&history).unwrap(), before, "history changed");
    assert!(
        !fs.path().join(".history.jsonl.tmp").exists(),
        "a partial temp file was left on the full disk"
    );
    assert_eq!(recommend_samples(history_in(&env, fs.path())), 3);
    // Space again: the next write succeeds and nothing was lost.
    std::fs::remove_file(&filler).unwrap();
    let mut cmd = history_in(&env, fs.path());
    collect_args(&mut cmd, 51);
    assert!(run_bounded(cmd, Duration::from_secs(10)).0.status.success());
    assert_eq!(assert_history_valid(&history), 4);
}

#[test]
fn a_history_replaced_by_garbage_is_reported_and_set_aside() {
    let env = Env::new();
    // Text garbage (kept aside verbatim), one good line, and two lines whose CPU value is
    // invalid (the line counts, CPU is unknown for it, the value is kept as written).
    let garbage = "\u{0}\u{7f}}{{not json\n{\"cpu_percent\":\"hot\"}\n{\"cpu_percent\":12}\n[1,2,3]\n{\"cpu_percent\":-1}\n";
    env.write_history(garbage);
    let mut cmd = env.cmd();
    cmd.args(["recommend", "--json"]);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert_eq!(
        err.lines().count(),
        4,
        "one warning per bad line or field: {err}"
    );
    assert!(
        err.lines().all(|l| l.starts_with("rizk-scale: warning: '")),
        "{err}"
    );
    let skipped = err
        .lines()
        .filter(|l| l.contains("skipped unparseable history line"))
        .count();
    assert_eq!(skipped, 2, "{err}");
    assert!(
        err.contains("history.jsonl:2': cpu_percent \"hot\": not a number"),
        "{err}"
    );
    assert!(err.contains("history.jsonl:5': cpu_percent -1: "), "{err}");
    assert_eq!(util::parse_recommend(&out).samples, 3);
    // A write keeps the three lines that parse (bad values verbatim), moves the two
    // unparseable ones aside, loses nothing.
    let mut cmd = env.cmd();
    collect_args(&mut cmd, 13);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    no_panic(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(assert_history_valid(&env.history()), 4);
    let kept = std::fs::read_to_string(env.history()).unwrap();
    assert!(
        kept.contains("\"cpu_percent\":\"hot\"") && kept.contains("\"cpu_percent\":-1,"),
        "{kept}"
    );
    let aside = std::fs::read_to_string(env.dir.path().join("history.jsonl.rejected")).unwrap();
    let bad: Vec<&str> = garbage
        .lines()
        .filter(|l| !l.starts_with("{\"cpu_percent\""))
        .collect();
    assert_eq!(aside.lines().collect::<Vec<_>>(), bad);
    // Binary garbage: many lines, not UTF-8; still no panic, still one warning per line.
    let binary: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(env.history(), &binary).unwrap();
    let mut cmd = env.cmd();
    cmd.args(["recommend", "--json"]);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(util::parse_recommend(&out).samples, 0);
}

#[test]
fn a_history_replaced_by_a_directory_is_refused() {
    let (env, _) = seeded_env();
    std::fs::remove_file(env.history()).unwrap();
    std::fs::create_dir(env.history()).unwrap();
    for args in [&["recommend"][..], &["history", "show"][..]] {
        let mut cmd = env.cmd();
        cmd.args(args);
        let (out, _) = run_bounded(cmd, Duration::from_secs(10));
        one_line_error(&out, "is a directory");
    }
    let mut cmd = env.cmd();
    collect_args(&mut cmd, 5);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    one_line_error(&out, "is a directory");
    assert!(env.history().is_dir());
}

#[test]
fn a_history_replaced_by_a_symlink_is_refused_and_its_target_untouched() {
    let (env, _) = seeded_env();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("precious.txt");
    std::fs::write(&victim, "do not touch\n").unwrap();
    std::fs::remove_file(env.history()).unwrap();
    std::os::unix::fs::symlink(&victim, env.history()).unwrap();
    let mut cmd = env.cmd();
    cmd.arg("recommend");
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    one_line_error(&out, "symbolic link");
    let mut cmd = env.cmd();
    collect_args(&mut cmd, 5);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    one_line_error(&out, "symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch\n");
}

#[test]
fn a_planted_temp_symlink_is_not_followed() {
    // Someone who can write in the history directory plants the writer's temp name as a
    // symlink: the write must replace the link, never truncate or write through it.
    let (env, _) = seeded_env();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("precious.txt");
    std::fs::write(&victim, "do not touch\n").unwrap();
    let tmp = env.dir.path().join(".history.jsonl.tmp");
    std::os::unix::fs::symlink(&victim, &tmp).unwrap();
    let mut cmd = env.cmd();
    collect_args(&mut cmd, 5);
    let (out, _) = run_bounded(cmd, Duration::from_secs(10));
    no_panic(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch\n");
    let meta = std::fs::symlink_metadata(env.history()).unwrap();
    assert!(meta.is_file(), "the history must stay a regular file");
    assert_eq!(assert_history_valid(&env.history()), 3);
}

// ---------------------------------------------------------------------------------------------
// Redis faults

/// Read NDJSON lines from a child's stdout into a channel.
fn lines_of(reader: impl Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn redis_killed_and_restarted_under_monitor_loses_nothing() {
    let Some(mut s) = Standalone::start(None) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut child = util::bin()
        .env_clear()
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("NO_COLOR", "1")
        .env("RIZK_SCALE_SERVICE", "web")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["--history", &s.server.url()])
        .args(["monitor", "--json", "--no-host", "--instance", "m"])
        .args([
            "--metric",
            "cpu_percent=50",
            "--interval",
            "300ms",
            "--count",
            "14",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let ticks = lines_of(child.stdout.take().unwrap());
    let errs = lines_of(child.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut seen = Vec::new();
    let next = |seen: &mut Vec<serde_json::Value>| {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = ticks.recv_timeout(left).expect("monitor stopped ticking");
        seen.push(serde_json::from_str(&line).unwrap());
    };
    for _ in 0..3 {
        next(&mut seen);
    }
    common::redis::cmd(s.server.port, &["SAVE"]).unwrap();
    s.server.kill();
    for _ in 0..4 {
        next(&mut seen);
    }
    s.server.restart();
    while seen.len() < 14 {
        next(&mut seen);
    }
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "monitor did not stop after --count"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let err: Vec<String> = errs.try_iter().collect();
    let err = err.join("\n");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0), "{err}");
    let numbers: Vec<u64> = seen.iter().map(|t| t["tick"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (1..=14).collect::<Vec<_>>());
    assert!(err.contains("spool"), "the outage was said: {err}");
    // Every tick's sample is in Redis, once, in time order.
    let key = "rizk-scale:{web}:history";
    let items = match common::redis::cmd(s.server.port, &["LRANGE", key, "0", "-1"]).unwrap() {
        common::redis::Resp::Array(items) => items,
        other => panic!("{other:?}"),
    };
    let stamps: Vec<String> = items
        .iter()
        .map(|i| {
            let sample = rizk_scale::sample::Sample::from_line(&i.text()).unwrap();
            sample.timestamp.unwrap().to_string()
        })
        .collect();
    assert_eq!(stamps.len(), 14, "one sample per tick: {stamps:?}");
    let mut sorted = stamps.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, stamps, "in order, no duplicates");
    let spool = dir.path().join("state/rizk-scale/spool-web.jsonl");
    assert_eq!(std::fs::metadata(&spool).map(|m| m.len()).unwrap_or(0), 0);
}

#[test]
fn a_cluster_failover_during_validate_gives_a_result_never_a_crash() {
    let Some(mut cluster) = Cluster::start(3, 1) else {
        return;
    };
    let seeds = cluster.seeds().join(",");
    let env = Env::new();
    let validate = || {
        let mut cmd = env.cmd();
        cmd.args(["validate", "--only", "infrastructure.redis_ha", "--json"])
            .args(["--redis", &seeds, "--timeout", "2s"]);
        run_bounded(cmd, Duration::from_secs(30)).0
    };
    let before = validate();
    no_panic(&before);
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    // Kill a master while validate runs, again and again until the failover has happened.
    let runner = std::thread::scope(|scope| {
        let runs = scope.spawn(|| {
            let start = Instant::now();
            let mut outs = Vec::new();
            while start.elapsed() < Duration::from_secs(8) {
                outs.push(validate());
            }
            outs
        });
        std::thread::sleep(Duration::from_millis(300));
        cluster.nodes[0].kill();
        runs.join().unwrap()
    });
    assert!(!runner.is_empty());
    for out in &runner {
        no_panic(out);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "exit {code:?}: {}",
            stderr(out)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("validate --json must stay JSON ({e}): {}", stdout(out)));
        assert!(report.is_object());
    }
    // After the failover, validate says so: not ready (the new master has no replica).
    assert!(
        common::redis::wait_until(Duration::from_secs(20), || {
            validate().status.code() == Some(1)
        }),
        "validate never reported the failed master"
    );
    let after = validate();
    no_panic(&after);
    assert_eq!(after.status.code(), Some(1));
    assert!(stdout(&after).contains("fail state"), "{}", stdout(&after));
}
