//! `recommend`: the decision, its JSON contract and exit codes.

use crate::cli::util::*;

const HOT: [&str; 3] = [
    "cpu_percent=95",
    "memory_percent=85",
    "requests_per_second=150",
];
const COLD: [&str; 5] = [
    "cpu_percent=10",
    "memory_percent=20",
    "requests_per_second=5",
    "response_time_ms=50",
    "error_rate=0",
];

#[test]
fn empty_history_waits_and_says_why() {
    let env = Env::new();
    let out = env.cmd().arg("recommend").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Recommendation: wait"), "{text}");
    assert!(text.contains("Insufficient metrics history: 0 of 3 samples"));
    let out = env
        .cmd()
        .args(["recommend", "--exit-code"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(12));
    // Reading never creates the file.
    assert!(!env.history().exists());
}

#[test]
fn scale_up_json_contract_and_exit_code() {
    let env = Env::new();
    for _ in 0..3 {
        env.collect(&HOT);
    }
    let out = env
        .cmd()
        .args([
            "recommend",
            "--json",
            "--exit-code",
            "--current-replicas",
            "5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let r = parse_recommend(&out);
    assert_eq!(r.schema_version, 1);
    assert_eq!(
        (r.action.as_str(), r.replica_delta, r.samples),
        ("scale_up", 3, 3)
    );
    assert_eq!(
        r.reason,
        "cpu_percent 95 > 70, memory_percent 85 > 80, requests_per_second 150 > 100: \
         3 of 5 scale-up conditions, 2 needed; \
         High resource usage: CPU 95.0%, Memory 85.0%, Response Time unknown"
    );
    assert_eq!(
        (r.current_replicas, r.target_replicas, r.clamped),
        (Some(5), Some(8), Some(false))
    );
    assert_eq!(r.limited_by, Some(vec![]));
    assert_eq!(r.conditions.len(), 10);
    let cpu = &r.conditions[0];
    assert_eq!(
        (
            cpu.metric.as_str(),
            cpu.direction.as_str(),
            cpu.state.as_str()
        ),
        ("cpu_percent", "up", "met")
    );
    assert_eq!((cpu.value, cpu.threshold), (Some(95.0), 70.0));
    let rt = r
        .conditions
        .iter()
        .find(|c| c.metric == "response_time_ms" && c.direction == "down")
        .unwrap();
    assert_eq!((rt.value, rt.state.as_str()), (None, "unknown"));
}

/// At the minimum and wanting fewer: maintain (exit 0), the proposal kept in `proposed`.
#[test]
fn scale_down_at_min_replicas_is_maintain() {
    let env = Env::new();
    for _ in 0..3 {
        env.collect(&COLD);
    }
    let out = env
        .cmd()
        .args([
            "recommend",
            "--json",
            "--exit-code",
            "--current-replicas",
            "3",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = parse_recommend(&out);
    assert_eq!((r.action.as_str(), r.replica_delta), ("maintain", 0));
    assert_eq!((r.target_replicas, r.clamped), (Some(3), Some(true)));
    assert_eq!(
        r.proposed,
        Some(ProposedJson {
            action: "scale_down".into(),
            replica_delta: -1
        })
    );
    assert_eq!(r.limited_by, Some(vec!["min_replicas".to_string()]));
    assert!(
        r.reason.starts_with(
            "at min replicas 3: the policy wanted -1 (all 5 scale-down conditions met"
        ),
        "{}",
        r.reason
    );
    assert!(
        r.conditions
            .iter()
            .filter(|c| c.direction == "down")
            .all(|c| c.state == "met")
    );
}

#[test]
fn maintain_exits_zero_even_with_exit_code() {
    let env = Env::new();
    for _ in 0..3 {
        env.collect(&["cpu_percent=50", "memory_percent=50"]);
    }
    let out = env
        .cmd()
        .args(["recommend", "--json", "--exit-code"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(parse_recommend(&out).action, "maintain");
}

#[test]
fn stale_history_waits() {
    let env = Env::new();
    let line = r#"{"timestamp":"2020-01-01T00:00:00Z","cpu_percent":95,"memory_percent":95}"#;
    env.write_history(&format!("{line}\n{line}\n{line}\n"));
    let out = env
        .cmd()
        .args(["recommend", "--json", "--exit-code"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(12));
    assert!(
        parse_recommend(&out)
            .reason
            .starts_with("Stale metrics: the newest sample is")
    );
    let out = env
        .cmd()
        .args(["recommend", "--json", "--max-age", "0"])
        .output()
        .unwrap();
    assert_eq!(parse_recommend(&out).action, "scale_up");
}

#[test]
fn table_output_has_every_condition_and_no_escapes() {
    let env = Env::new();
    for _ in 0..3 {
        env.collect(&HOT);
    }
    let out = env
        .cmd()
        .args(["recommend", "--current-replicas", "49"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(!text.contains('\x1b'));
    assert_eq!(text.matches("scale up if >").count(), 5);
    assert!(
        text.contains(
            "Recommendation: scale_up +1 (49 → 50 replicas, clamped to bounds)\n\
             Limited by: max_replicas (the policy wanted scale_up +3)\n"
        ),
        "{text}"
    );
    // --color always forces escapes even when piped.
    let out = env
        .cmd()
        .args(["recommend", "--color", "always"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains('\x1b'));
}

#[test]
fn one_shot_collect_samples_the_host() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["recommend", "--collect", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let r = parse_recommend(&out);
    assert_eq!((r.action.as_str(), r.samples), ("wait", 1));
    let cpu = r
        .conditions
        .iter()
        .find(|c| c.metric == "cpu_percent")
        .unwrap();
    assert!(cpu.value.is_some_and(|v| (0.0..=100.0).contains(&v)));
    assert_eq!(assert_history_valid(&env.history()), 1);
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["recommend", "--min-replicas", "9", "--max-replicas", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "rizk-scale: error: --min-replicas '9' is greater than --max-replicas '5'\n"
    );
    let out = env
        .cmd()
        .args(["recommend", "--max-age", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'soon'"));
}

#[test]
fn closed_stdout_exits_zero_quietly() {
    let env = Env::new();
    for _ in 0..3 {
        env.collect(&HOT);
    }
    let mut child = env
        .cmd()
        .args(["recommend", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}
