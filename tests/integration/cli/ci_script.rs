//! `examples/ci-scale.sh`: run under bash against temp histories, one per branch of its `case`.
//!
//! A `kubectl` on PATH that records its calls proves the dry run never calls it; a fake
//! `KUBECTL` proves what the script runs when it may.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::cli::util::*;

const HIGH: &str = r#"{"cpu_percent":95,"memory_percent":85,"requests_per_second":150}"#;
const LOW: &str = r#"{"cpu_percent":10,"memory_percent":20,"requests_per_second":5,"response_time_ms":50,"error_rate":0.1}"#;
const MIDDLE: &str = r#"{"cpu_percent":50,"memory_percent":50}"#;

/// A temp dir with a history of `lines` and a recording `kubectl` first on PATH.
struct Script {
    env: Env,
    bin_dir: PathBuf,
}

impl Script {
    fn new(lines: &[&str]) -> Script {
        let env = Env::new();
        env.write_history(&lines.iter().map(|l| format!("{l}\n")).collect::<String>());
        let bin_dir = env.dir.path().join("bin");
        std::fs::create_dir(&bin_dir).unwrap();
        let log = env.dir.path().join("kubectl.log");
        write_executable(
            &bin_dir.join("kubectl"),
            &format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\ncase \"$*\" in *get*) echo 4 ;; esac\n",
                log.display()
            ),
        );
        Script { env, bin_dir }
    }

    /// `bash examples/ci-scale.sh ARGS -- --history <temp history>` with `vars` set.
    fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        self.run_with(args, vars, &[])
    }

    /// The same, with `recommend` arguments after `--history`.
    fn run_with(&self, args: &[&str], vars: &[(&str, &str)], recommend: &[&str]) -> Output {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci-scale.sh");
        let path = format!(
            "{}:{}",
            self.bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = std::process::Command::new("bash");
        cmd.env_clear()
            .current_dir(self.env.dir.path())
            .env("HOME", self.env.dir.path())
            .env("NO_COLOR", "1")
            .env("PATH", path)
            .env("RIZK_SCALE", env!("CARGO_BIN_EXE_rizk-scale"))
            .arg(script)
            .args(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let history = self.env.history();
        cmd.args(["--", "--history", history.to_str().unwrap()])
            .args(recommend);
        cmd.output().unwrap()
    }

    /// The commands the `kubectl` on PATH was called with.
    fn kubectl_calls(&self) -> String {
        std::fs::read_to_string(self.env.dir.path().join("kubectl.log")).unwrap_or_default()
    }
}

fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn assert_ok(out: &Output, expected: &str) {
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(out), stderr(out));
    assert_eq!(stdout(out), expected, "stderr: {}", stderr(out));
}

#[test]
fn scale_up_prints_the_kubectl_command_it_would_run() {
    let s = Script::new(&[HIGH, HIGH, HIGH]);
    let out = s.run(&["--no-collect", "--current-replicas", "5"], &[]);
    assert_ok(
        &out,
        "scale_up: +3 replicas: cpu_percent 95 > 70, memory_percent 85 > 80, requests_per_second 150 > 100: \
         3 of 5 scale-up conditions, 2 needed; High resource usage: CPU 95.0%, Memory 85.0%, Response Time unknown\n\
         dry run: would run: kubectl scale deployment/rizk-app --replicas=8\n",
    );
    assert_eq!(s.kubectl_calls(), "", "a dry run never calls kubectl");
}

#[test]
fn scale_down_prints_the_smaller_target() {
    let s = Script::new(&[LOW, LOW, LOW]);
    let out = s.run(
        &["--no-collect", "--current-replicas", "5"],
        &[("DEPLOYMENT", "deployment/web"), ("NAMESPACE", "prod")],
    );
    assert_ok(
        &out,
        "scale_down: -1 replicas: all 5 scale-down conditions met (cpu_percent 10 < 30, memory_percent 20 < 40, \
         requests_per_second 5 < 20, response_time_ms 50 < 200, error_rate 0.1 < 1); \
         Low resource usage: CPU 10.0%, Memory 20.0%\n\
         dry run: would run: kubectl --namespace prod scale deployment/web --replicas=4\n",
    );
    assert_eq!(s.kubectl_calls(), "");
}

#[test]
fn wait_and_maintain_do_nothing() {
    let s = Script::new(&[HIGH, HIGH]);
    let out = s.run(&["--no-collect", "--current-replicas", "5"], &[]);
    assert_ok(
        &out,
        "wait: Insufficient metrics history: 2 of 3 samples; waiting for 1 more sample\n\
         not scaling until the history can be trusted\n",
    );
    let s = Script::new(&[MIDDLE, MIDDLE, MIDDLE]);
    let out = s.run(&["--no-collect", "--current-replicas", "5"], &[]);
    assert_ok(
        &out,
        "maintain: 0 of 2 needed scale-up conditions; scale-down blocked by cpu_percent 50 ≥ 30, \
         memory_percent 50 ≥ 40, requests_per_second unknown, response_time_ms unknown, error_rate unknown\n",
    );
    assert_eq!(s.kubectl_calls(), "");
}

#[test]
fn a_failure_of_rizk_scale_exits_2_without_scaling() {
    let s = Script::new(&[]);
    // The history is a directory: rizk-scale exits 2.
    std::fs::remove_file(s.env.history()).unwrap();
    std::fs::create_dir(s.env.history()).unwrap();
    let out = s.run(&["--no-collect", "--current-replicas", "5"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("rizk-scale: error: history '"), "{err}");
    assert!(
        err.ends_with("ci-scale: rizk-scale failed (exit 2); not scaling\n"),
        "{err}"
    );
}

#[test]
fn the_default_collects_a_fresh_sample_first() {
    // Two stored samples and the one --collect adds: three, so it decides.
    let s = Script::new(&[HIGH, HIGH]);
    let recommend = [
        "--no-host",
        "--instance",
        "ci",
        "--metric",
        "cpu_percent=85",
        "--metric",
        "memory_percent=90",
    ];
    let out = s.run_with(&["--current-replicas", "50"], &[], &recommend);
    // At the maximum and wanting more: a maintain (exit 0), so nothing is scaled.
    assert_ok(
        &out,
        "maintain: at max replicas 50: the policy wanted +2 (cpu_percent 85 > 70, memory_percent 90 > 80: \
         2 of 5 scale-up conditions, 2 needed; High resource usage: CPU 91.7%, Memory 86.7%, Response Time unknown)\n",
    );
    assert_eq!(s.env.read_history().lines().count(), 3);
}

#[test]
fn with_kubectl_set_it_reads_the_replicas_and_scales_unless_dry_run() {
    for dry_run in [false, true] {
        let s = Script::new(&[HIGH, HIGH, HIGH]);
        let fake = s.bin_dir.join("kubectl");
        let fake = fake.to_str().unwrap();
        let args: &[&str] = if dry_run {
            &["--no-collect", "--dry-run"]
        } else {
            &["--no-collect"]
        };
        let out = s.run(args, &[("KUBECTL", fake)]);
        let verb = if dry_run {
            "dry run: would run:"
        } else {
            "running:"
        };
        assert_ok(
            &out,
            &format!(
                "scale_up: +3 replicas: cpu_percent 95 > 70, memory_percent 85 > 80, requests_per_second 150 > 100: \
                 3 of 5 scale-up conditions, 2 needed; High resource usage: CPU 95.0%, Memory 85.0%, Response Time unknown\n\
                 {verb} {fake} scale deployment/rizk-app --replicas=7\n"
            ),
        );
        let scaled = if dry_run {
            ""
        } else {
            "scale deployment/rizk-app --replicas=7\n"
        };
        assert_eq!(
            s.kubectl_calls(),
            format!("get deployment/rizk-app -o jsonpath={{.spec.replicas}}\n{scaled}"),
            "the replicas are read (read-only) either way"
        );
    }
}
