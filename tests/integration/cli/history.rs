//! `history show|export|import|clear` end to end: round trips, merging, errors, confirmation.

use std::path::Path;

use crate::cli::util::*;

/// A history in merge order (no timestamp first, then by time), with unknowns, an awkward
/// instance name, fractional seconds and float values that do not print short.
const KNOWN: &str = concat!(
    r#"{"cpu_percent":12.5,"memory_percent":null,"requests_per_second":null,"cache_hit_rate":null,"error_rate":null,"response_time_ms":null,"active_connections":null}"#,
    "\n",
    r#"{"timestamp":"2026-11-23T18:00:00Z","cpu_percent":72.5,"memory_percent":61.0,"requests_per_second":140.2,"cache_hit_rate":91.3,"error_rate":0.4,"response_time_ms":212.0,"active_connections":37,"instance":"web-1"}"#,
    "\n",
    r#"{"timestamp":"2026-11-23T18:00:00Z","cpu_percent":0.30000000000000004,"memory_percent":null,"requests_per_second":1e-7,"cache_hit_rate":null,"error_rate":null,"response_time_ms":null,"active_connections":0,"instance":"web, \"two\""}"#,
    "\n",
    r#"{"timestamp":"2026-11-23T18:00:30.125Z","cpu_percent":null,"memory_percent":99.99,"requests_per_second":null,"cache_hit_rate":null,"error_rate":null,"response_time_ms":null,"active_connections":null,"instance":"web-1"}"#,
    "\n",
);

fn run(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd().args(args).output().unwrap()
}

fn ok(env: &Env, args: &[&str]) -> String {
    let out = run(env, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn path_arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The history file in canonical form (each line re-serialized), for comparisons.
fn canonical(text: &str) -> String {
    rizk_scale::history::to_lines(&rizk_scale::history::parse_lines(text.as_bytes()).samples)
        .unwrap()
}

#[test]
fn export_then_import_gives_back_the_same_history_in_both_formats() {
    let env = Env::new();
    env.write_history(KNOWN);
    let original = canonical(KNOWN);
    assert_eq!(canonical(&original), original);
    for format in ["csv", "jsonl"] {
        let file = env.dir.path().join(format!("export.{format}"));
        ok(
            &env,
            &[
                "history",
                "export",
                "--format",
                format,
                "-o",
                path_arg(&file),
            ],
        );
        // -o and stdout carry the same bytes.
        let on_stdout = ok(&env, &["history", "export", "--format", format]);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), on_stdout);
        ok(&env, &["history", "clear", "--yes"]);
        assert_eq!(env.read_history(), "");
        let said = ok(&env, &["history", "import", path_arg(&file)]);
        assert!(said.starts_with("Imported 4 of 4 samples from '"), "{said}");
        assert_eq!(env.read_history(), original, "round trip through {format}");
        // Importing the same file again adds nothing.
        let said = ok(&env, &["history", "import", path_arg(&file)]);
        assert!(
            said.starts_with("Imported 0 of 4 samples")
                && said.contains("(4 already in the history)"),
            "{said}"
        );
        assert_eq!(env.read_history(), original);
    }
}

#[test]
fn export_files_are_private_and_never_the_history_itself() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.write_history(KNOWN);
    let file = env.dir.path().join("out.csv");
    ok(
        &env,
        &[
            "history",
            "export",
            "--format",
            "csv",
            "-o",
            path_arg(&file),
        ],
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let history = env.history();
    let out = run(
        &env,
        &[
            "history",
            "export",
            "--format",
            "csv",
            "-o",
            path_arg(&history),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is the history itself"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.read_history(), KNOWN);
}

#[test]
fn csv_export_has_one_column_per_field_and_drops_extra_fields_with_a_warning() {
    let env = Env::new();
    env.write_history(concat!(
        r#"{"timestamp":"2026-11-23T18:00:00Z","cpu_percent":50,"raw_counters":{"requests_total":9},"instance":"a"}"#,
        "\n"
    ));
    let out = run(&env, &["history", "export", "--format", "csv"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "timestamp,cpu_percent,memory_percent,requests_per_second,cache_hit_rate,error_rate,response_time_ms,active_connections,instance\n\
         2026-11-23T18:00:00Z,50,,,,,,,a\n"
    );
    assert_eq!(
        stderr(&out),
        "rizk-scale: warning: 1 sample has extra fields that CSV does not carry: they are left out (--format jsonl or json keeps them)\n"
    );
    assert_eq!(
        stderr(&run(&env, &["-q", "history", "export", "--format", "csv"])),
        ""
    );
    // JSON Lines and JSON keep them.
    let jsonl = ok(&env, &["history", "export", "--format", "jsonl"]);
    assert!(
        jsonl.contains(r#""raw_counters":{"requests_total":9}"#),
        "{jsonl}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&env, &["history", "export", "--format", "json"])).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["samples"][0]["raw_counters"]["requests_total"], 9);
    // JSON Lines round trip keeps them in the history too.
    let file = env.dir.path().join("keep.jsonl");
    std::fs::write(&file, &jsonl).unwrap();
    ok(&env, &["history", "clear", "--yes"]);
    ok(&env, &["history", "import", path_arg(&file)]);
    assert_eq!(env.read_history(), jsonl);
}

#[test]
fn import_merges_by_time_skips_duplicates_and_keeps_the_newest_capacity() {
    let env = Env::new();
    let line = |minute: u32, instance: &str, cpu: u32| {
        format!(
            r#"{{"timestamp":"2026-11-23T18:{minute:02}:00Z","cpu_percent":{cpu},"instance":"{instance}"}}"#
        )
    };
    env.write_history(&format!(
        "{}\n{}\n{}\n",
        line(1, "a", 1),
        line(3, "a", 3),
        line(5, "a", 5)
    ));
    let file = env.dir.path().join("more.csv");
    std::fs::write(
        &file,
        "instance,timestamp,cpu_percent\n\
         a,2026-11-23T18:02:00Z,2\n\
         a,2026-11-23T18:03:00Z,99\n\
         b,2026-11-23T18:03:00Z,33\n\
         a,2026-11-23T18:06:00Z,6\n\
         a,2026-11-23T18:00:00Z,0\n",
    )
    .unwrap();
    let out = run(
        &env,
        &["--capacity", "5", "history", "import", path_arg(&file)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Imported 4 of 5 samples from '{}' (1 already in the history); '{}' now holds 5 samples (the oldest 2 dropped: capacity 5)\n",
            file.display(),
            env.history().display()
        )
    );
    let cpus: Vec<(f64, String)> = rizk_scale::history::parse_lines(env.read_history().as_bytes())
        .samples
        .iter()
        .map(|s| (s.cpu_percent.unwrap(), s.instance.clone().unwrap()))
        .collect();
    // Sorted by time; the history's 18:03 sample for `a` stays (3, not 99); 0 and 1 were the oldest.
    let expect = [(2.0, "a"), (3.0, "a"), (33.0, "b"), (5.0, "a"), (6.0, "a")];
    assert_eq!(cpus, expect.map(|(c, i)| (c, i.to_string())));
}

#[test]
fn import_reads_stdin_when_the_file_is_a_dash() {
    use std::io::Write;
    let env = Env::new();
    let feed = |input: &str| {
        let mut child = env
            .cmd()
            .args(["history", "import", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = feed("cpu_percent,instance\n10,a\n20,b\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Imported 2 of 2 samples from '<stdin>'"));
    let out = feed("{\"cpu_percent\":30}\n{\"timestamp\":\"soon\"}\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("rizk-scale: error: importing '<stdin>:2': "),
        "{}",
        stderr(&out)
    );
    assert_eq!(assert_history_valid(&env.history()), 2);
}

#[test]
fn a_bad_row_names_file_and_line_and_nothing_is_written() {
    let env = Env::new();
    env.write_history(KNOWN);
    let bad_csv = env.dir.path().join("bad.csv");
    std::fs::write(
        &bad_csv,
        "timestamp,cpu_percent\n2026-11-23T19:00:00Z,50\n\n2026-11-23T19:01:00Z,-150\n",
    )
    .unwrap();
    let bad_jsonl = env.dir.path().join("bad.jsonl");
    std::fs::write(
        &bad_jsonl,
        "{\"cpu_percent\":1}\n{\"cpu_percent\":2}\n{\"cpu_percent\":\n{\"timestamp\":\"x\"}\n",
    )
    .unwrap();
    for (file, line, cause) in [
        (
            &bad_csv,
            4,
            "cpu_percent must be a finite number ≥ 0, got -150",
        ),
        (&bad_jsonl, 3, "EOF while parsing"),
    ] {
        let out = run(&env, &["history", "import", path_arg(file)]);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!(
                "rizk-scale: error: importing '{}:{line}': ",
                file.display()
            )),
            "{err}"
        );
        assert!(err.contains(cause), "{err}");
        assert_eq!(err.lines().count(), 1);
        assert_eq!(stdout(&out), "");
        assert_eq!(env.read_history(), KNOWN, "the history is untouched");
    }
    assert!(
        stderr(&run(&env, &["history", "import", path_arg(&bad_jsonl)]))
            .contains("(and 1 more bad row); nothing was imported")
    );
    // Forcing the wrong format is an error too, not a silent empty import.
    let out = run(
        &env,
        &["history", "import", "--format", "csv", path_arg(&bad_jsonl)],
    );
    let err = stderr(&out);
    assert!(
        err.contains("bad.jsonl:1': ") && err.ends_with("nothing was imported\n"),
        "{err}"
    );
    // A missing file, and an import into a missing history that fails, create nothing.
    let fresh = Env::new();
    let out = run(&fresh, &["history", "import", path_arg(&bad_csv)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!fresh.history().exists());
    let out = run(&fresh, &["history", "import", "/nonexistent/file.csv"]);
    assert_eq!(
        stderr(&out).lines().next().unwrap_or(""),
        "rizk-scale: error: reading import file '/nonexistent/file.csv': No such file or directory (os error 2)"
    );
}

#[test]
fn clear_needs_yes_without_a_terminal() {
    let env = Env::new();
    env.write_history(KNOWN);
    // Tests have no terminal on stdin: refuse, exit 2, keep everything.
    let out = run(&env, &["history", "clear"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "rizk-scale: error: refusing to clear history '{}' without confirmation: stdin is not a terminal (pass --yes)\n",
            env.history().display()
        )
    );
    assert_eq!(env.read_history(), KNOWN);
    let said = ok(&env, &["history", "clear", "--yes"]);
    assert_eq!(
        said,
        format!("Deleted 4 samples from '{}'.\n", env.history().display())
    );
    assert_eq!(env.read_history(), "");
    assert_eq!(
        ok(&env, &["history", "show"]),
        format!("History '{}' is empty.\n", env.history().display())
    );
    // Clearing a history that does not exist creates nothing.
    let fresh = Env::new();
    assert!(ok(&fresh, &["history", "clear", "-y"]).contains("does not exist: nothing to delete"));
    assert!(!fresh.history().exists());
}

#[test]
fn show_draws_the_last_rows_and_a_sparkline_per_metric() {
    let env = Env::new();
    let mut text = String::new();
    // 12 samples a minute apart: CPU climbs, memory is unknown at the 4th and 5th,
    // connections are flat, the rest are never known.
    let cpu = [10, 20, 30, 40, 50, 60, 70, 80, 90, 80, 70, 60];
    for (i, c) in cpu.iter().enumerate() {
        let memory = if i == 3 || i == 4 {
            "null".to_string()
        } else {
            format!("{}", 40 + i)
        };
        text.push_str(&format!(
            "{{\"timestamp\":\"2026-11-23T18:{i:02}:00Z\",\"cpu_percent\":{c},\"memory_percent\":{memory},\"active_connections\":7,\"instance\":\"web-1\"}}\n"
        ));
    }
    env.write_history(&text);
    let out = ok(&env, &["history", "show", "-n", "3"]);
    let shown = out.replace(&env.history().display().to_string(), "HISTORY");
    // The exact output: the last 3 rows, then all 12 samples per metric. CPU climbs to 90 and
    // falls back and memory (40–51 %) has a two-sample gap, both on the 0–100 scale of
    // percentages; a flat series of another metric sits at mid height.
    let expected = "\
History 'HISTORY': 12 samples (capacity 100), the last 3 below.
┌──────────────────────┬──────────┬───────┬──────────┬────────────┬─────────────┬─────────┬─────────────┬─────────────┐
│ Time                 ┆ Instance ┆ CPU % ┆ Memory % ┆ Requests/s ┆ Cache hit % ┆ Error % ┆ Response ms ┆ Connections │
╞══════════════════════╪══════════╪═══════╪══════════╪════════════╪═════════════╪═════════╪═════════════╪═════════════╡
│ 2026-11-23T18:09:00Z ┆ web-1    ┆  80.0 ┆     49.0 ┆          - ┆           - ┆       - ┆           - ┆           7 │
│ 2026-11-23T18:10:00Z ┆ web-1    ┆  70.0 ┆     50.0 ┆          - ┆           - ┆       - ┆           - ┆           7 │
│ 2026-11-23T18:11:00Z ┆ web-1    ┆  60.0 ┆     51.0 ┆          - ┆           - ┆       - ┆           - ┆           7 │
└──────────────────────┴──────────┴───────┴──────────┴────────────┴─────────────┴─────────┴─────────────┴─────────────┘
Over all 12 samples, oldest → newest (a gap is an unknown value);
% on 0–100, others from their min (▁) to max (█):
  CPU %        ▂▂▃▄▅▅▆▇▇▇▆▅  min    10.0  max    90.0
  Memory %     ▄▄▄  ▄▄▄▄▄▅▅  min    40.0  max    51.0
  Requests/s                 no values
  Cache hit %                no values
  Error %                    no values
  Response ms                no values
  Connections  ▄▄▄▄▄▄▄▄▄▄▄▄  min       7  max       7
";
    assert_eq!(shown, expected);
    assert!(!out.contains('\x1b'));
}
