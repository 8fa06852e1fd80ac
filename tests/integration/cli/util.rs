//! Helpers: run the real binary with a clean environment and a temp history.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde::Deserialize;

/// A temp directory holding the history and a HOME.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn history(&self) -> PathBuf {
        self.dir.path().join("history.jsonl")
    }

    /// `rizk-scale` with NO_COLOR, a cleared HOME and the temp history.
    pub fn cmd(&self) -> Command {
        let mut cmd = bin();
        cmd.env_clear()
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .env("RIZK_SCALE_HISTORY", self.history())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd
    }

    /// Append a sample from metric assignments, without host sampling.
    pub fn collect(&self, metrics: &[&str]) {
        let mut cmd = self.cmd();
        cmd.args(["collect", "--no-host", "--instance", "test"]);
        for m in metrics {
            cmd.args(["--metric", m]);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn write_history(&self, text: &str) {
        std::fs::write(self.history(), text).unwrap();
    }

    pub fn read_history(&self) -> String {
        std::fs::read_to_string(self.history()).unwrap()
    }
}

pub fn bin() -> Command {
    Command::cargo_bin("rizk-scale").unwrap()
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `recommend --json`, held to the contract: unknown fields are an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendJson {
    pub schema_version: u32,
    pub action: String,
    pub replica_delta: i64,
    pub reason: String,
    pub samples: usize,
    pub conditions: Vec<ConditionJson>,
    pub current_replicas: Option<u32>,
    pub target_replicas: Option<u32>,
    pub clamped: Option<bool>,
    pub proposed: Option<ProposedJson>,
    pub limited_by: Option<Vec<String>>,
}

/// `"proposed"`: what the policy wanted before the limits.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProposedJson {
    pub action: String,
    pub replica_delta: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionJson {
    pub metric: String,
    pub direction: String,
    pub value: Option<f64>,
    pub threshold: f64,
    pub state: String,
    /// Present when `state` is `unknown` (its text is checked in `unknown_reasons`).
    #[allow(dead_code)]
    pub unknown_reason: Option<String>,
}

pub fn parse_recommend(out: &std::process::Output) -> RecommendJson {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", stdout(out)))
}

/// Every line of a history file parses as a sample.
pub fn assert_history_valid(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for (i, line) in text.lines().enumerate() {
        rizk_scale::sample::Sample::from_line(line)
            .unwrap_or_else(|e| panic!("{}:{}: {e}: {line}", path.display(), i + 1));
    }
    text.lines().count()
}

/// A real HTTP server on 127.0.0.1 answering every request with `status` and `body`.
pub fn serve(status: &'static str, content_type: &'static str, body: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes());
        }
    });
    format!("http://{addr}")
}
