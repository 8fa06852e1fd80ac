//! One Redis connection for a whole `monitor` run: the shared history store keeps its
//! connection, so ticks after the first open none (counted by the server's
//! `total_connections_received`).

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::redis::{Standalone, info};

/// Connections the server has accepted so far. Each call opens one connection of its own,
/// which is counted in its own answer.
fn connections_received(port: u16) -> u64 {
    info(port, "stats")
        .get("total_connections_received")
        .and_then(|v| v.trim().parse().ok())
        .unwrap()
}

#[test]
fn monitor_opens_no_redis_connection_per_tick_after_the_first() {
    let Some(s) = Standalone::start(None) else {
        eprintln!("skipped: redis-server is not installed");
        return;
    };
    let port = s.server.port;
    let home = tempfile::tempdir().unwrap();
    let ticks = 6;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["--history", &s.server.url(), "--service", "web"])
        .args(["monitor", "--json", "--interval", "300ms"])
        .args(["--count", &ticks.to_string()])
        .args(["--no-host", "--metric", "cpu_percent=50"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut after_first = None;
    let mut after_last_but_one = None;
    while let Some(Ok(line)) = lines.next() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "monitor too slow"
        );
        let tick: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert!(tick.get("error").is_none(), "{line}");
        seen.push(tick["tick"].as_u64().unwrap());
        // Between ticks (300 ms apart) the monitor is idle: count then.
        match seen.len() {
            1 => after_first = Some(connections_received(port)),
            n if n == ticks - 1 => after_last_but_one = Some(connections_received(port)),
            _ => {}
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "monitor exited with {status}");
    assert_eq!(seen, (1..=ticks as u64).collect::<Vec<_>>());
    let (first, later) = (after_first.unwrap(), after_last_but_one.unwrap());
    // `later` also counts the second probe's own connection.
    let opened = later - first - 1;
    eprintln!(
        "connections: {first} after tick 1 (incl. 1 probe), {opened} new over ticks 2..={}",
        ticks - 1
    );
    assert_eq!(opened, 0, "new connections over {} ticks", ticks - 2);
}
