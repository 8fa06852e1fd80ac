//! `replay` end to end on a committed synthetic history, with a snapshot of the timeline text;
//! and `recommend` with the policy flags (HPA, windows, `--window`).
//!
//! The fixture `tests/fixtures/replay/noisy.jsonl` is made by [`noisy_history`] below (a seeded
//! generator, so it is reproducible); `RIZK_UPDATE_GENERATED=1 cargo test --test integration cli::replay`
//! rewrites it and the expected timeline `noisy.expected.txt`.

use std::path::PathBuf;

use crate::cli::util::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replay")
        .join(name)
}

fn updating() -> bool {
    std::env::var_os("RIZK_UPDATE_GENERATED").is_some_and(|v| v == "1")
}

/// Compare `actual` with the committed file, or rewrite it under `RIZK_UPDATE_GENERATED=1`.
fn check_generated(name: &str, actual: &str) {
    let path = fixture(name);
    if updating() {
        std::fs::create_dir_all(path.parent().unwrap_or(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (RIZK_UPDATE_GENERATED=1 writes it)",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(expected.lines().count().min(actual.lines().count()), |i| i);
        panic!(
            "{} is stale from line {} (RIZK_UPDATE_GENERATED=1 rewrites it):\nexpected: {:?}\nactual:   {:?}",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

/// SplitMix64: a tiny seeded generator, so the fixture never depends on a crate's algorithm.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [mid − spread, mid + spread], rounded to 0.1, clamped to [0, max].
    fn around(&mut self, mid: f64, spread: f64, max: f64) -> f64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let v = mid - spread + 2.0 * spread * unit;
        (v.clamp(0.0, max) * 10.0).round() / 10.0
    }
}

/// The synthetic noisy history: 100 samples, 10 s apart from 2026-11-23T18:00:00Z, seed 2026.
/// Samples 1–40 are busy, 41–100 quiet; every value is uniform noise around a level:
///
/// | metric              | busy (1–40) | quiet (41–100) |
/// |---------------------|-------------|----------------|
/// | cpu_percent         | 65 ± 15     | 28 ± 10        |
/// | memory_percent      | 75 ± 10     | 36 ± 8         |
/// | requests_per_second | 110 ± 40    | 15 ± 10        |
/// | response_time_ms    | 500 ± 300   | 160 ± 60       |
/// | error_rate          | 1.5 ± 1.5   | 0.5 ± 0.5      |
/// | cache_hit_rate      | 90 ± 5      | 90 ± 5         |
/// | active_connections  | 40 ± 10     | 10 ± 5         |
pub fn noisy_history() -> String {
    let mut rng = SplitMix(2026);
    let start: i64 = 1_795_456_800; // 2026-11-23T18:00:00Z
    let mut out = String::new();
    for i in 0..100i64 {
        let busy = i < 40;
        let pick = |busy_v: (f64, f64), quiet_v: (f64, f64)| if busy { busy_v } else { quiet_v };
        let (c, m, r, t, e, conn) = (
            pick((65.0, 15.0), (28.0, 10.0)),
            pick((75.0, 10.0), (36.0, 8.0)),
            pick((110.0, 40.0), (15.0, 10.0)),
            pick((500.0, 300.0), (160.0, 60.0)),
            pick((1.5, 1.5), (0.5, 0.5)),
            pick((40.0, 10.0), (10.0, 5.0)),
        );
        let cpu = rng.around(c.0, c.1, 100.0);
        let mem = rng.around(m.0, m.1, 100.0);
        let rps = rng.around(r.0, r.1, f64::MAX);
        let rt = rng.around(t.0, t.1, f64::MAX);
        let err = rng.around(e.0, e.1, 100.0);
        let hit = rng.around(90.0, 5.0, 100.0);
        let connections = rng.around(conn.0, conn.1, f64::MAX).round();
        let ts = jiff::Timestamp::from_second(start + 10 * i)
            .unwrap_or_else(|e| panic!("timestamp: {e}"));
        out.push_str(&format!(
            "{{\"timestamp\":\"{ts}\",\"cpu_percent\":{cpu:?},\"memory_percent\":{mem:?},\
             \"requests_per_second\":{rps:?},\"cache_hit_rate\":{hit:?},\"error_rate\":{err:?},\
             \"response_time_ms\":{rt:?},\"active_connections\":{connections},\"instance\":\"synthetic\"}}\n"
        ));
    }
    out
}

fn replay(env: &Env, args: &[&str]) -> std::process::Output {
    let history = fixture("noisy.jsonl");
    let mut cmd = env.cmd();
    cmd.arg("replay").arg("--history").arg(&history).args(args);
    cmd.output()
        .unwrap_or_else(|e| panic!("running replay: {e}"))
}

fn replay_json(env: &Env, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = replay(env, &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", stdout(&out)))
}

#[test]
fn noisy_fixture_matches_its_generator() {
    let text = noisy_history();
    assert_eq!(text.lines().count(), 100);
    check_generated("noisy.jsonl", &text);
    // Every line is a valid sample.
    assert_eq!(assert_history_valid(&fixture("noisy.jsonl")), 100);
}

#[test]
fn replay_timeline_snapshot() {
    let env = Env::new();
    let out = replay(&env, &["--current-replicas", "5"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\x1b'));
    assert!(text.starts_with(
        "Replay of 100 samples (2026-11-23T18:00:00Z → 2026-11-23T18:16:30Z), starting from 5 replicas\nPolicy: threshold\n"
    ));
    check_generated("noisy.expected.txt", &text);
}

/// The figures of the note: flaps on the noisy history with the seed's rules, a 5-minute
/// scale-down window, and the HPA policy (all from 5 replicas, bounds 3..50).
#[test]
fn flaps_seed_vs_scale_down_window_vs_hpa() {
    let env = Env::new();
    let summary = |args: &[&str]| {
        let mut all = vec!["--current-replicas", "5"];
        all.extend_from_slice(args);
        replay_json(&env, &all)["summary"].clone()
    };
    let seed = summary(&[]);
    let window = summary(&["--scale-down-window", "5m"]);
    let hpa = summary(&["--policy", "hpa"]);
    let hpa_windows = summary(&[
        "--policy",
        "hpa",
        "--scale-up-window",
        "1m",
        "--scale-down-window",
        "5m",
    ]);
    let median = summary(&["--window", "5"]);
    let flaps = |s: &serde_json::Value| (s["flaps"].as_u64(), s["final_replicas"].as_u64());
    assert_eq!(flaps(&seed), (Some(42), Some(3)));
    // Scale-down needs all 30 samples of 5 minutes cold: on this history, never.
    assert_eq!(flaps(&window), (Some(16), Some(19)));
    // --policy hpa has the Kubernetes default scale-down window (5m); without it, more flaps.
    assert_eq!(flaps(&hpa), (Some(11), Some(4)));
    let hpa_no_window = summary(&["--policy", "hpa", "--scale-down-window", "0"]);
    assert_eq!(flaps(&hpa_no_window), (Some(14), Some(3)));
    assert_eq!(flaps(&hpa_windows), (Some(2), Some(3)));
    // The seed's hpa.yaml itself (its 1m/5m windows and rate policies): the same calm run.
    let seed_hpa = fixture("seed-hpa.yaml");
    let manifest = summary(&["--hpa", seed_hpa.to_str().unwrap()]);
    assert_eq!(flaps(&manifest), (Some(2), Some(3)));
    assert_eq!(manifest["replica_changes"], 1);
    // At the minimum a scale-down is a maintain, so the median flaps less than it used to.
    assert_eq!(flaps(&median), (Some(12), Some(3)));
    // The window's effect is where it should be: fewer scale-downs, none of them reversed.
    assert!(window["scale_down"].as_u64() < seed["scale_down"].as_u64());
    assert_eq!(window["scale_up"], seed["scale_up"]);
    assert!(window["held_by_window"].as_u64() > Some(0));
    assert_eq!(seed["decisions"], 100);
}

#[test]
fn replay_json_has_the_whole_timeline() {
    let env = Env::new();
    let v = replay_json(
        &env,
        &["--current-replicas", "5", "--compare", "policy=hpa"],
    );
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["samples"], 100);
    assert_eq!(v["settings"], "threshold");
    let timeline = v["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 100);
    assert_eq!(timeline[0]["index"], 1);
    assert_eq!(timeline[0]["timestamp"], "2026-11-23T18:00:00Z");
    assert_eq!(timeline[0]["action"], "wait");
    // Each step starts where the previous one ended.
    for pair in timeline.windows(2) {
        assert_eq!(pair[1]["current_replicas"], pair[0]["target_replicas"]);
    }
    let last = &timeline[99];
    assert_eq!(last["target_replicas"], v["summary"]["final_replicas"]);
    let hpa = &v["compare"];
    assert_eq!(hpa["settings"], "hpa");
    assert_eq!(hpa["timeline"].as_array().unwrap().len(), 100);
    assert!(hpa["timeline"][0]["winner"].is_string());
    assert!(hpa["timeline"][0]["limits"].is_array());
}

#[test]
fn replay_compare_text_shows_both_runs() {
    let env = Env::new();
    let out = replay(
        &env,
        &[
            "--current-replicas",
            "5",
            "--compare",
            "scale-down-window=5m",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("A: threshold\nB: threshold, scale-down-window=5m\n"),
        "{text}"
    );
    assert_eq!(text.lines().filter(|l| l.contains(" │ B ")).count(), 100);
    assert!(
        text.contains("│ A ┆ threshold                       ┆    42 ┆"),
        "{text}"
    );
    assert!(
        text.contains("│ B ┆ threshold, scale-down-window=5m ┆    16 ┆"),
        "{text}"
    );
}

#[test]
fn replay_usage_errors_exit_2() {
    let env = Env::new();
    let out = replay(&env, &["--policy", "hpa"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "rizk-scale: error: --policy 'hpa': the HPA policy needs --current-replicas N to start from (or samples with `replicas`)\n"
    );
    let out = replay(&env, &["--compare", "policy=hpa"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--compare 'policy=hpa'"),
        "{}",
        stderr(&out)
    );
    let out = replay(&env, &["--compare", "polcy=hpa"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown setting 'polcy'"),
        "{}",
        stderr(&out)
    );
    // An empty history replays to nothing, successfully.
    let out = env.cmd().args(["replay", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["samples"], 0);
}

fn recommend_json(env: &Env, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = env
        .cmd()
        .args(["recommend", "--json", "--max-age", "0"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running recommend: {e}"));
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {} {}", stdout(&out), stderr(&out)));
    (out.status.code(), v)
}

fn lines(samples: &[(&str, f64, f64, f64)]) -> String {
    samples
        .iter()
        .map(|(ts, cpu, mem, rps)| {
            format!(
                "{{\"timestamp\":\"{ts}\",\"cpu_percent\":{cpu},\"memory_percent\":{mem},\"requests_per_second\":{rps},\"response_time_ms\":50,\"error_rate\":0}}\n"
            )
        })
        .collect()
}

#[test]
fn recommend_hpa_json_has_proposals_winner_and_limits() {
    let env = Env::new();
    env.write_history(&lines(&[("2026-11-23T18:00:00Z", 84.0, 40.0, 1000.0)]));
    let (code, v) = recommend_json(
        &env,
        &[
            "--policy",
            "hpa",
            "--current-replicas",
            "2",
            "--min-replicas",
            "1",
            "--exit-code",
        ],
    );
    // rps 1000 over 2 replicas = 500 per replica → ceil(2 × 5) = 10, capped at max(4, 6) = 6.
    assert_eq!(code, Some(10));
    assert_eq!(v["policy"], "hpa");
    assert_eq!(
        (v["action"].as_str(), v["replica_delta"].as_i64()),
        (Some("scale_up"), Some(4))
    );
    assert_eq!(
        (
            v["current_replicas"].as_u64(),
            v["target_replicas"].as_u64()
        ),
        (Some(2), Some(6))
    );
    assert_eq!(v["clamped"], false);
    assert_eq!(v["winner"], "requests_per_second");
    assert_eq!(v["proposals"][2]["per_replica"], 500.0);
    assert_eq!(v["proposals"][2]["replicas"], 10);
    assert_eq!(v["proposals"][0]["replicas"], 3); // ceil(2 × 1.2) = 3
    assert_eq!(v["limits"][0]["limit"], "scale_up_policy");
    assert_eq!(v["limited_by"], serde_json::json!(["scale_up_policy"]));
    assert_eq!(v["proposed"]["replica_delta"], 8);
    assert_eq!(
        (
            v["limits"][0]["from"].as_u64(),
            v["limits"][0]["to"].as_u64()
        ),
        (Some(10), Some(6))
    );
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("requests_per_second is the fleet total")
    );
    assert_eq!(v["tolerance"], 0.1);

    // Without --current-replicas: a usage error.
    let out = env
        .cmd()
        .args(["recommend", "--policy", "hpa"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("rizk-scale: error: --policy 'hpa' needs --current-replicas"));
}

#[test]
fn recommend_scale_down_window_holds_and_says_why() {
    let env = Env::new();
    env.write_history(&lines(&[
        ("2026-11-23T18:00:00Z", 10.0, 20.0, 5.0),
        ("2026-11-23T18:00:30Z", 10.0, 20.0, 5.0),
        ("2026-11-23T18:01:00Z", 50.0, 20.0, 5.0), // not cold: maintain here
        ("2026-11-23T18:02:00Z", 10.0, 20.0, 5.0),
        ("2026-11-23T18:03:00Z", 10.0, 20.0, 5.0),
    ]));
    let (code, v) = recommend_json(&env, &["--exit-code"]);
    assert_eq!((code, v["action"].as_str()), (Some(11), Some("scale_down")));
    let (code, v) = recommend_json(
        &env,
        &[
            "--exit-code",
            "--scale-down-window",
            "5m",
            "--current-replicas",
            "6",
        ],
    );
    assert_eq!(
        (code, v["action"].as_str(), v["replica_delta"].as_i64()),
        (Some(0), Some("maintain"), Some(0))
    );
    assert_eq!(v["target_replicas"], 6);
    assert!(
        v["reason"].as_str().unwrap().starts_with(
            "scale_down held: 1 of 3 samples in the last 5m did not recommend scale_down (newest sample: all 5 scale-down conditions met"
        ),
        "{}",
        v["reason"]
    );
    let held = &v["held_by_window"];
    assert_eq!(
        (held["direction"].as_str(), held["window_seconds"].as_u64()),
        (Some("down"), Some(300))
    );
    assert_eq!(
        (held["samples"].as_u64(), held["disagreeing"].as_u64()),
        (Some(3), Some(1))
    );
    // A 2-minute window no longer sees the 18:01 sample (the first two waited: no proposal).
    let (_, v) = recommend_json(&env, &["--scale-down-window", "2m"]);
    assert_eq!(v["action"], "scale_down");
    assert!(v.get("held_by_window").is_none());
}

#[test]
fn recommend_window_statistic_is_shown_on_conditions() {
    let env = Env::new();
    env.write_history(&lines(&[
        ("2026-11-23T18:00:00Z", 10.0, 20.0, 5.0),
        ("2026-11-23T18:00:10Z", 12.0, 20.0, 5.0),
        ("2026-11-23T18:00:20Z", 95.0, 20.0, 5.0), // one spike
    ]));
    let (_, v) = recommend_json(&env, &[]);
    assert_eq!(v["action"], "maintain");
    let (_, v) = recommend_json(&env, &["--window", "3"]);
    assert_eq!(v["action"], "scale_down");
    assert_eq!(
        (v["window"].as_u64(), v["statistic"].as_str()),
        (Some(3), Some("median"))
    );
    let cpu = &v["conditions"][0];
    assert_eq!(
        (
            cpu["metric"].as_str(),
            cpu["value"].as_f64(),
            cpu["statistic"].as_str()
        ),
        (Some("cpu_percent"), Some(12.0), Some("median"))
    );
    let (_, v) = recommend_json(&env, &["--window", "3", "--statistic", "mean"]);
    assert_eq!(v["conditions"][0]["value"], 39.0);
    assert_eq!(v["action"], "maintain");
    // The table says which statistic the values are.
    let out = env
        .cmd()
        .args(["recommend", "--max-age", "0", "--window", "3"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("Values: the median of the last 3 samples per metric (--window 3)\n")
    );
}

#[test]
fn replay_compares_any_number_of_policy_specs() {
    let env = Env::new();
    let out = replay(
        &env,
        &[
            "--current-replicas",
            "5",
            "--compare",
            "seed",
            "--compare",
            "hpa",
            "--compare",
            "seed,scale-up-cpu=60",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // Four policies: the figures only, one row each, and the specs named.
    assert!(text.starts_with("What-if replay of 100 samples"), "{text}");
    assert!(text.contains("C: hpa (--compare 'hpa')"), "{text}");
    assert!(
        text.contains("D: threshold, scale-up-cpu_percent=60 (--compare 'seed,scale-up-cpu=60')"),
        "{text}"
    );
    for row in [
        "│ A ┆ threshold ",
        "│ B ┆ threshold ",
        "│ C ┆ hpa ",
        "│ D ┆ threshold, scale-up-cpu_percent=60",
    ] {
        assert!(text.contains(row), "{row}: {text}");
    }
    assert!(text.contains("No load model: no sample records the observed replica count"));
    let v = replay_json(
        &env,
        &[
            "--current-replicas",
            "5",
            "--compare",
            "seed",
            "--compare",
            "hpa",
        ],
    );
    // `compare` stays the first comparison; `compares` has them all.
    assert_eq!(v["compare"]["settings"], "threshold");
    assert_eq!(v["compares"].as_array().unwrap().len(), 2);
    assert_eq!(v["compares"][1]["settings"], "hpa");
    let names: Vec<&str> = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A", "B", "C"]);
    // A and B are the same rules: the same figures.
    assert_eq!(
        v["figures"][0]["replica_hours"],
        v["figures"][1]["replica_hours"]
    );
    assert_eq!(v["model"]["applied"], false);
}

#[test]
fn a_long_history_file_with_observed_replicas_gets_the_model() {
    let env = Env::new();
    // 2000 samples at 30 s: cpu 60 % on 4 observed replicas, fleet 200 requests/s.
    let mut text = String::new();
    for i in 0..2000 {
        let ts = jiff::Timestamp::from_second(1_795_000_000 + 30 * i).unwrap();
        text.push_str(&format!(
            "{{\"timestamp\":\"{ts}\",\"cpu_percent\":60.0,\"memory_percent\":50.0,\"requests_per_second\":200.0,\"response_time_ms\":300.0,\"error_rate\":0.5,\"replicas\":4}}\n"
        ));
    }
    env.write_history(&text);
    let out = env
        .cmd()
        .args([
            "replay",
            "--json",
            "--compare",
            "seed,min-replicas=8,max-replicas=8",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["samples"], 2000);
    assert_eq!(v["model"]["applied"], true);
    assert_eq!(v["model"]["observed_replicas_known"], 2000);
    // B holds 8 replicas (from 4, after the first decision): each carries half the CPU.
    let b = &v["tracks"][2];
    assert_eq!(b["name"], "B");
    assert_eq!(b["replicas"][1], 8);
    assert_eq!(b["cpu_percent"][1], 30.0);
    assert_eq!(b["rps_per_replica"][1], 25.0);
    let observed = &v["figures"][0];
    assert_eq!(observed["name"], "observed");
    // 1999 intervals of 30 s on 4 replicas.
    assert_eq!(observed["replica_hours"], 4.0 * 1999.0 * 30.0 / 3600.0);
    // Starts from the first observed count when --current-replicas is not given.
    assert_eq!(v["summary"]["start_replicas"], 4);
}
