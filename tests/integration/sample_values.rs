//! Sample values through every input path (hand-written history lines, `--metric`, CSV and
//! JSON Lines import, a JSON endpoint body): fractional `active_connections`, CPU and memory
//! utilization above 100, an invalid field that makes only its metric unknown (warned with
//! file:line, written back verbatim), and field names close to a metric's.

use crate::common;
use std::path::Path;
use std::process::Output;

fn rizk(dir: &Path, args: &[&str]) -> Output {
    common::rizk(dir, args)
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The history as JSON values, one per line.
fn history(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("h.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn hand_written_lines_keep_every_usable_field_and_name_the_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.jsonl");
    let bad = r#"{"cpu_percent":-5,"memory_percent":61.0,"requests_per_second":140.0,"error_rate":"n/a","response_time_ms":212.0,"active_connections":12.5}"#;
    std::fs::write(
        &h,
        format!(
            "{}\n{bad}\n{}\n",
            r#"{"cpu_percent":150,"memory_percent":120.5,"requests_per_second":150.0,"error_rate":0.5,"response_time_ms":300.0,"active_connections":40.25}"#,
            r#"{"cpu_percent":95,"memory_percnt":61,"requests_per_second":150.0,"error_rate":0.5,"response_time_ms":300.0,"active_connections":7}"#
        ),
    )
    .unwrap();
    let out = rizk(dir.path(), &["recommend", "--json"]);
    let rec: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(rec["samples"], 3, "no line is dropped: {rec}");
    let err = stderr(&out);
    let at = |line: usize| format!("'{}:{line}': ", h.display());
    assert!(
        err.contains(&format!("{}cpu_percent -5: ", at(2)))
            && err.contains(&format!("{}error_rate \"n/a\": not a number", at(2))),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}unknown field 'memory_percnt' (did you mean memory_percent?)",
            at(3)
        )),
        "{err}"
    );
    // CPU 95 > 70 and rps 150 > 100 on the newest line: utilization above 100 is data.
    assert_eq!(rec["action"], "scale_up", "{rec}");

    // A rewrite (collect appends) keeps the bad values as they were written.
    ok(&rizk(
        dir.path(),
        &["collect", "--no-host", "--metric", "requests_per_second=1"],
    ));
    let text = std::fs::read_to_string(&h).unwrap();
    assert!(
        text.contains(r#""cpu_percent":-5,"#) && text.contains(r#""error_rate":"n/a""#),
        "{text}"
    );
    let lines = history(dir.path());
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["cpu_percent"], 150.0);
    assert_eq!(lines[0]["active_connections"], 40.25);
    assert_eq!(lines[1]["active_connections"], 12.5);
    assert_eq!(lines[2]["memory_percnt"], 61, "unknown fields are kept");
}

#[test]
fn metric_flags_keep_fractional_connections_and_utilization_over_100() {
    let dir = tempfile::tempdir().unwrap();
    let out = rizk(
        dir.path(),
        &[
            "collect",
            "--no-host",
            "--json",
            "--metric",
            "active_connections=12.5",
            "--metric",
            "cpu_percent=150",
            "--metric",
            "memory_percent=1200",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["sample"]["active_connections"], 12.5);
    assert_eq!(v["sample"]["cpu_percent"], 150.0);
    assert_eq!(v["sample"]["memory_percent"], 1200.0);
    assert_eq!(history(dir.path())[0]["active_connections"], 12.5);
    for bad in ["error_rate=101", "cpu_percent=-1", "active_connections=NaN"] {
        let out = rizk(dir.path(), &["collect", "--no-host", "--metric", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
    }
}

#[test]
fn csv_and_jsonl_imports_read_the_same_values_and_jsonl_warns_per_field() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        "timestamp,cpu_percent,memory_percent,active_connections\n\
         2026-11-23T18:00:00Z,250,130.5,12.5\n",
    )
    .unwrap();
    ok(&rizk(
        dir.path(),
        &["history", "import", csv.to_str().unwrap()],
    ));
    let jsonl = dir.path().join("in.jsonl");
    std::fs::write(
        &jsonl,
        "{\"timestamp\":\"2026-11-23T18:01:00Z\",\"cpu_percent\":300,\"active_connections\":3.75}\n\
         {\"timestamp\":\"2026-11-23T18:02:00Z\",\"cache_hit_rate\":140,\"rps\":9,\"memory_percent\":50}\n",
    )
    .unwrap();
    let out = rizk(dir.path(), &["history", "import", jsonl.to_str().unwrap()]);
    let said = ok(&out);
    assert!(said.starts_with("Imported 2 of 2 samples"), "{said}");
    let err = stderr(&out);
    let at = format!("'{}:2': ", jsonl.display());
    assert!(
        err.contains(&format!("{at}cache_hit_rate 140: "))
            && err.contains(&format!(
                "{at}unknown field 'rps' (did you mean requests_per_second?)"
            )),
        "{err}"
    );
    let lines = history(dir.path());
    assert_eq!(
        (
            &lines[0]["cpu_percent"],
            &lines[0]["memory_percent"],
            &lines[0]["active_connections"]
        ),
        (&250.0.into(), &130.5.into(), &12.5.into())
    );
    assert_eq!(lines[1]["active_connections"], 3.75);
    assert_eq!(lines[2]["cache_hit_rate"], 140, "kept verbatim");
    assert_eq!(lines[2]["memory_percent"], 50.0);
    // Export as CSV and back: the fractional count survives.
    let out = ok(&rizk(dir.path(), &["history", "export", "--format", "csv"]));
    assert!(out.contains(",12.5,"), "{out}");
}

#[test]
fn a_json_endpoint_body_may_report_utilization_over_100_and_fractional_connections() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("m.json");
    std::fs::write(
        &body,
        r#"{"cpu_percent": 180, "memory_percent": 105, "active_connections": 2.5}"#,
    )
    .unwrap();
    let url = format!("file://{}", body.display());
    let out = rizk(
        dir.path(),
        &["collect", "--no-host", "--json", "--endpoint", &url],
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["sample"]["cpu_percent"], 180.0);
    assert_eq!(v["sample"]["memory_percent"], 105.0);
    assert_eq!(v["sample"]["active_connections"], 2.5);
}
