//! Importing samples: reading a JSON Lines or CSV file, and merging it into a history. Pure.
//!
//! Merge rules: a sample with the same timestamp and instance as one already present is the same
//! sample and is skipped (the history's copy is kept); a sample without a timestamp is a
//! duplicate only when every named field is equal (extra fields are not compared: CSV drops them). The result is sorted by timestamp with a stable
//! sort; samples without a timestamp count as the oldest and keep their order.

use std::collections::HashSet;

use jiff::Timestamp;

use super::csv::{RowError, parse_csv};
use super::parse_lines;
use crate::sample::{Metric, Sample};

/// The format of a file to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// One sample per line.
    Jsonl,
    /// A header of sample field names, then rows.
    Csv,
}

/// JSON Lines when the first non-blank character is `{` (a CSV header cannot start with it).
pub fn detect(content: &[u8]) -> ImportKind {
    let text = content
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(content);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => ImportKind::Jsonl,
        _ => ImportKind::Csv,
    }
}

/// Every sample in `content` with the warnings to print (a JSON Lines field whose value is
/// invalid, which leaves that metric unknown; a field name close to a metric's), or every row
/// that is wrong (nothing is imported then).
pub fn parse_import(
    content: &[u8],
    kind: ImportKind,
) -> Result<(Vec<Sample>, Vec<RowError>), Vec<RowError>> {
    match kind {
        ImportKind::Jsonl => {
            let loaded = parse_lines(content);
            if loaded.rejected.is_empty() {
                let warnings = loaded
                    .flagged
                    .into_iter()
                    .map(|r| RowError {
                        line: r.line,
                        error: r.problem.to_string(),
                    })
                    .collect();
                Ok((loaded.samples, warnings))
            } else {
                Err(loaded
                    .rejected
                    .into_iter()
                    .map(|r| RowError {
                        line: r.line,
                        error: r.error,
                    })
                    .collect())
            }
        }
        ImportKind::Csv => {
            let text = std::str::from_utf8(content).map_err(|e| {
                // Count the lines before the first bad byte, to name where it is.
                let line = content[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                vec![RowError {
                    line,
                    error: format!("not UTF-8: {e}"),
                }]
            })?;
            parse_csv(text).map(|samples| (samples, Vec::new()))
        }
    }
}

/// What a merge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Samples added.
    pub added: usize,
    /// Samples skipped because the history (or the file, earlier) already had them.
    pub duplicates: usize,
}

/// Merge `incoming` into `history` (see the module docs), before any capacity trim.
pub fn merge(history: &mut Vec<Sample>, incoming: Vec<Sample>) -> MergeReport {
    let mut keys: HashSet<(Timestamp, Option<String>)> = history
        .iter()
        .filter_map(|s| s.timestamp.map(|t| (t, s.instance.clone())))
        .collect();
    let mut report = MergeReport::default();
    let existing = history.len();
    for sample in incoming {
        let duplicate = match sample.timestamp {
            Some(t) => !keys.insert((t, sample.instance.clone())),
            None => history
                .iter()
                .any(|s| s.timestamp.is_none() && same_named_fields(s, &sample)),
        };
        if duplicate {
            report.duplicates += 1;
        } else {
            history.push(sample);
        }
    }
    report.added = history.len() - existing;
    // Stable: equal timestamps keep the history's order, then the file's.
    history.sort_by_key(|s| s.timestamp);
    report
}

/// Whether two samples agree on every named field (extra fields aside).
fn same_named_fields(a: &Sample, b: &Sample) -> bool {
    a.timestamp == b.timestamp
        && a.instance == b.instance
        && Metric::ALL.iter().all(|&m| a.get(m) == b.get(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time: Option<&str>, instance: &str, cpu: f64) -> Sample {
        Sample {
            timestamp: time.map(|t| t.parse().unwrap()),
            instance: Some(instance.into()),
            cpu_percent: Some(cpu),
            ..Sample::default()
        }
    }

    fn cpus(samples: &[Sample]) -> Vec<f64> {
        samples.iter().map(|s| s.cpu_percent.unwrap()).collect()
    }

    #[test]
    fn detects_jsonl_by_its_first_brace() {
        assert_eq!(detect(b"\n  {\"cpu_percent\":1}"), ImportKind::Jsonl);
        assert_eq!(detect("\u{feff}{}".as_bytes()), ImportKind::Jsonl);
        assert_eq!(detect(b"timestamp,cpu_percent\n"), ImportKind::Csv);
        assert_eq!(detect(b""), ImportKind::Csv);
    }

    #[test]
    fn merges_sorted_by_time_without_duplicates() {
        let t = |m: u32| format!("2026-11-23T18:{m:02}:00Z");
        let mut history = vec![at(Some(&t(1)), "a", 1.0), at(Some(&t(3)), "a", 3.0)];
        let incoming = vec![
            at(Some(&t(2)), "a", 2.0),
            at(Some(&t(3)), "a", 99.0), // same time and instance: the history's copy stays
            at(Some(&t(3)), "b", 3.5),  // same time, another instance: a different sample
            at(Some(&t(0)), "a", 0.0),
            at(Some(&t(2)), "a", 98.0), // a duplicate within the file itself
        ];
        let report = merge(&mut history, incoming);
        assert_eq!(
            report,
            MergeReport {
                added: 3,
                duplicates: 2
            }
        );
        assert_eq!(cpus(&history), vec![0.0, 1.0, 2.0, 3.0, 3.5]);
    }

    #[test]
    fn samples_without_time_go_first_in_order_and_dedupe_only_when_equal() {
        let mut history = vec![
            at(None, "a", 5.0),
            at(Some("2026-11-23T18:00:00Z"), "a", 1.0),
        ];
        let incoming = vec![
            at(None, "a", 6.0),
            at(None, "a", 5.0), // equal in every named field: a duplicate
            at(None, "a", 4.0),
        ];
        let report = merge(&mut history, incoming);
        assert_eq!((report.added, report.duplicates), (2, 1));
        assert_eq!(cpus(&history), vec![5.0, 6.0, 4.0, 1.0]);
        // Extra fields do not make a different sample (a CSV export has none).
        let mut with_extra = at(None, "a", 6.0);
        with_extra.extra.insert("raw".into(), serde_json::json!(1));
        assert_eq!(merge(&mut history, vec![with_extra]).duplicates, 1);
        // Another named field does.
        let mut other = at(None, "a", 6.0);
        other.memory_percent = Some(1.0);
        assert_eq!(merge(&mut history, vec![other]).added, 1);
    }

    #[test]
    fn merging_the_same_file_twice_changes_nothing() {
        let file: Vec<Sample> = (0..5)
            .map(|i| at(Some(&format!("2026-11-23T18:0{i}:00Z")), "a", f64::from(i)))
            .chain([at(None, "b", 7.0)])
            .collect();
        let mut history = Vec::new();
        merge(&mut history, file.clone());
        let once = history.clone();
        let report = merge(&mut history, file);
        assert_eq!((report.added, report.duplicates), (0, 6));
        assert_eq!(history, once);
    }

    #[test]
    fn bad_jsonl_and_csv_rows_name_their_lines() {
        let e = parse_import(
            b"{\"cpu_percent\":1}\n{\"timestamp\":\"then\"}\nnope\n",
            ImportKind::Jsonl,
        )
        .unwrap_err();
        assert_eq!(e.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3]);
        // An invalid value or a misspelt field is a warning, not a reason to import nothing.
        let (samples, warnings) = parse_import(
            b"{\"cpu_percent\":101,\"active_connections\":12.5}\n{\"error_rate\":101,\"rps\":3}\n",
            ImportKind::Jsonl,
        )
        .unwrap();
        assert_eq!(samples[0].cpu_percent, Some(101.0));
        assert_eq!(samples[0].active_connections, Some(12.5));
        assert_eq!(samples[1].error_rate, None);
        let lines: Vec<(usize, bool)> = warnings
            .iter()
            .map(|w| {
                (
                    w.line,
                    w.error.contains("did you mean requests_per_second?"),
                )
            })
            .collect();
        assert_eq!(lines, [(2, false), (2, true)]);
        let e = parse_import(b"cpu_percent\n1\n\xff\n", ImportKind::Csv).unwrap_err();
        assert_eq!(e[0].line, 3);
        assert!(e[0].error.contains("UTF-8"));
        let (ok, _) = parse_import(b"cpu_percent\n1\n", ImportKind::Csv).unwrap();
        assert_eq!(ok[0].cpu_percent, Some(1.0));
    }
}
