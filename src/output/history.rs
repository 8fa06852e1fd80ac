//! `history show` and `history export --format json`: the samples table, the sparklines and the
//! JSON view of a list of samples.

use comfy_table::{Cell, CellAlignment};
use serde::Serialize;

use super::json::SCHEMA_VERSION;
use super::sparkline::{min_max, sparkline};
use super::table::{format_value, new_table};
use crate::sample::{Metric, Sample};

/// `history show --json` and `history export --format json`: `{"schema_version":1,"samples":[…]}`.
#[derive(Debug, Serialize)]
pub struct SamplesView<'a> {
    pub schema_version: u32,
    /// Oldest first, each as its history line (extra fields included).
    pub samples: &'a [Sample],
}

impl<'a> SamplesView<'a> {
    /// The view of `samples`.
    pub fn new(samples: &'a [Sample]) -> Self {
        SamplesView {
            schema_version: SCHEMA_VERSION,
            samples,
        }
    }
}

/// What `history show` draws.
#[derive(Debug, Clone, Copy)]
pub struct ShowOptions<'a> {
    /// The history file, named in the heading.
    pub path: &'a str,
    /// The history's capacity.
    pub capacity: usize,
    /// Rows in the table: the newest `last` samples.
    pub last: usize,
    /// Colour (escape codes) or not.
    pub color: bool,
    /// The terminal width, or none when stdout is not a terminal (tables do not wrap then).
    pub width: Option<u16>,
}

/// The width the sparklines get when stdout is not a terminal.
pub const DEFAULT_WIDTH: u16 = 100;

/// Room taken on a sparkline row by the indent, the label and the min/max columns.
const SPARK_MARGIN: usize = 45;

/// `history show`: a heading, the table of the newest samples, one sparkline per metric over the
/// whole history (oldest → newest, unknown values as gaps) with its min and max.
pub fn show(samples: &[Sample], opts: ShowOptions<'_>) -> String {
    let total = samples.len();
    if total == 0 {
        return format!("History '{}' is empty.\n", opts.path);
    }
    let shown = &samples[total - opts.last.min(total)..];
    let mut out = format!(
        "History '{}': {} (capacity {}), the last {} below.\n",
        opts.path,
        count(total),
        opts.capacity,
        shown.len()
    );
    if !shown.is_empty() {
        out.push_str(&samples_table(shown, opts.color, opts.width));
        out.push('\n');
    }
    let width = usize::from(opts.width.unwrap_or(DEFAULT_WIDTH))
        .saturating_sub(SPARK_MARGIN)
        .max(10);
    out.push_str(&format!(
        "Over all {}, oldest → newest (a gap is an unknown value):\n",
        count(total)
    ));
    let drawn = total.min(width);
    for metric in Metric::ALL {
        let values: Vec<Option<f64>> = samples.iter().map(|s| s.get(metric)).collect();
        let range = match min_max(&values) {
            Some((lo, hi)) => format!(
                "min {:>8}  max {:>8}",
                format_value(metric, Some(lo)),
                format_value(metric, Some(hi))
            ),
            None => "no values".to_string(),
        };
        let line = sparkline(&values, width);
        out.push_str(&format!(
            "  {:<12} {line:<drawn$}  {range}\n",
            metric.label()
        ));
    }
    out
}

/// "1 sample", "2 samples".
fn count(n: usize) -> String {
    match n {
        1 => "1 sample".to_string(),
        n => format!("{n} samples"),
    }
}

/// One row per sample: time, instance and every metric ("-" when unknown).
fn samples_table(samples: &[Sample], color: bool, width: Option<u16>) -> String {
    let mut table = new_table(color, width);
    let mut header = vec![Cell::new("Time"), Cell::new("Instance")];
    header.extend(Metric::ALL.map(|m| Cell::new(m.label())));
    table.set_header(header);
    for s in samples {
        let mut row = vec![
            Cell::new(s.timestamp.map_or("-".to_string(), |t| t.to_string())),
            Cell::new(s.instance.as_deref().unwrap_or("-")),
        ];
        row.extend(Metric::ALL.map(|m| {
            let text = match s.get(m) {
                None => "-".to_string(),
                v => format_value(m, v),
            };
            Cell::new(text).set_alignment(CellAlignment::Right)
        }));
        table.add_row(row);
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(last: usize) -> ShowOptions<'static> {
        ShowOptions {
            path: "h.jsonl",
            capacity: 100,
            last,
            color: false,
            width: None,
        }
    }

    fn cpu(v: Option<f64>) -> Sample {
        Sample {
            cpu_percent: v,
            ..Sample::default()
        }
    }

    #[test]
    fn table_holds_the_last_n_and_sparklines_cover_everything() {
        let samples: Vec<Sample> = [Some(10.0), None, Some(20.0), Some(30.0)]
            .into_iter()
            .map(cpu)
            .collect();
        let text = show(&samples, opts(2));
        assert!(
            text.starts_with("History 'h.jsonl': 4 samples (capacity 100), the last 2 below.\n")
        );
        // Two data rows: 20.0 and 30.0, not the older 10.0.
        assert!(text.contains("20.0") && text.contains("30.0"));
        assert!(!text.contains("│ 10.0"), "{text}");
        assert!(
            text.contains("  CPU %        ▁ ▅█  min     10.0  max     30.0\n"),
            "{text}"
        );
        assert!(text.contains("  Memory %           no values\n"), "{text}");
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn empty_history_and_zero_rows() {
        assert_eq!(show(&[], opts(20)), "History 'h.jsonl' is empty.\n");
        let text = show(&[cpu(Some(1.0))], opts(0));
        assert!(
            text.starts_with(
                "History 'h.jsonl': 1 sample (capacity 100), the last 0 below.\nOver all 1 sample,"
            ),
            "{text}"
        );
    }

    #[test]
    fn sparklines_fit_the_terminal_width() {
        let samples: Vec<Sample> = (0..100).map(|i| cpu(Some(f64::from(i)))).collect();
        let mut o = opts(1);
        o.width = Some(80);
        let text = show(&samples, o);
        let line = text.lines().find(|l| l.contains("CPU %  ")).unwrap();
        let spark: String = line.chars().filter(|c| ('▁'..='█').contains(c)).collect();
        assert_eq!(spark.chars().count(), 80 - SPARK_MARGIN);
    }

    #[test]
    fn json_view_has_a_schema_version_and_keeps_extra_fields() {
        let mut s = cpu(Some(1.0));
        s.extra.insert("raw".into(), serde_json::json!({"a": 1}));
        let text = super::super::json::pretty(&SamplesView::new(std::slice::from_ref(&s))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["samples"][0]["raw"]["a"], 1);
        assert_eq!(v["samples"][0]["memory_percent"], serde_json::Value::Null);
    }
}
