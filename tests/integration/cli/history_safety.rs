//! The history under stress: bad lines, concurrent writers, writers killed mid-write.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::cli::util::*;

#[test]
fn corrupt_lines_are_reported_and_kept_aside() {
    let env = Env::new();
    let good = r#"{"cpu_percent":50,"memory_percent":50}"#;
    env.write_history(&format!("{good}\n{{torn\n{good}\n"));
    let out = env.cmd().args(["recommend", "--json"]).output().unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "'{}:2': skipped unparseable history line",
            env.history().display()
        )),
        "{err}"
    );
    assert_eq!(parse_recommend(&out).samples, 2);
    // A write moves the bad line aside instead of dropping it.
    let out = env
        .cmd()
        .args(["collect", "--no-host", "--metric", "cpu_percent=1"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("moved to"), "{}", stderr(&out));
    let aside = std::fs::read_to_string(env.dir.path().join("history.jsonl.rejected")).unwrap();
    assert_eq!(aside, "{torn\n");
    assert_eq!(assert_history_valid(&env.history()), 3);
    // -q silences warnings.
    env.write_history("oops\n");
    let out = env.cmd().args(["-q", "recommend"]).output().unwrap();
    assert_eq!(stderr(&out), "");
}

#[test]
fn unusable_history_paths_fail_with_one_line() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["--history"])
        .arg(env.dir.path())
        .arg("recommend")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("rizk-scale: error: history '") && err.contains("is a directory"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    let link = env.dir.path().join("link.jsonl");
    std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
    let out = env
        .cmd()
        .arg("--history")
        .arg(&link)
        .args(["collect", "--no-host", "--metric", "cpu_percent=1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("symbolic link"));
}

#[test]
fn eight_concurrent_collectors_lose_nothing() {
    let env = Env::new();
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let history = env.history();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let out = bin()
                        .env_clear()
                        .args(["collect", "--no-host", "--capacity", "200", "--instance"])
                        .arg(format!("w{w}"))
                        .arg("--history")
                        .arg(&history)
                        .arg("--metric")
                        .arg(format!("requests_per_second={}", w * 100 + i))
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(assert_history_valid(&env.history()), 200);
    let mut seen: Vec<u64> = env
        .read_history()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["requests_per_second"]
                .as_f64()
                .unwrap() as u64
        })
        .collect();
    seen.sort_unstable();
    let expected: Vec<u64> = (0..8)
        .flat_map(|w| (0..25).map(move |i| w * 100 + i))
        .collect();
    assert_eq!(seen, expected);
}

/// A tiny deterministic generator, so failures reproduce.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }
}

#[test]
fn writers_killed_at_random_moments_never_tear_the_history() {
    let env = Env::new();
    // A large history makes the rewrite long enough for kills to land inside it.
    let line = r#"{"timestamp":"2026-11-23T18:00:00Z","cpu_percent":50.0,"memory_percent":50.0,"requests_per_second":10.0}"#;
    env.write_history(&format!("{line}\n").repeat(5000));
    let collect = |env: &Env| {
        let mut cmd = env.cmd();
        cmd.args([
            "collect",
            "--no-host",
            "--capacity",
            "100000",
            "--metric",
            "cpu_percent=1",
        ]);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd
    };
    let started = Instant::now();
    assert!(collect(&env).status().unwrap().success());
    let typical = started.elapsed().as_micros() as u64;
    let mut rng = Lcg(42);
    let mut expected = 5001;
    let mut killed = 0;
    for _ in 0..60 {
        let mut child = collect(&env).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.next(typical * 2)));
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap();
            killed += 1;
        }
        let status = child.wait().unwrap();
        let count = assert_history_valid(&env.history());
        // Either the sample landed or it did not: never half of it.
        assert!(
            count == expected || count == expected + 1,
            "count {count}, expected {expected} ({status:?})"
        );
        expected = count;
    }
    assert!(
        killed >= 10,
        "only {killed} of 60 writers were killed mid-run"
    );
}
