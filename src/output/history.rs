//! `history show` and `history export --format json`: the samples table, the sparklines and the
//! JSON view of a list of samples.

use comfy_table::{Cell, CellAlignment, ColumnConstraint};
use serde::Serialize;

use super::display_width;
use super::json::SCHEMA_VERSION;
use super::sparkline::{self, min_max};
use super::table::{format_value, new_table};
use crate::sample::{Metric, Sample};
use crate::text;

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

/// Room taken on a sparkline row by the indent, the label and the range after it.
const SPARK_MARGIN: usize = 45;

/// `history show`: a heading, the table of the newest samples, one sparkline per metric over the
/// whole history (oldest → newest, unknown values as gaps) with its min and max and the scale it
/// is drawn on.
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
        "Over all {}, oldest → newest (a gap is an unknown value);\n{}:\n",
        count(total),
        sparkline::SCALE_NOTE
    ));
    let drawn = total.min(width);
    for metric in Metric::ALL {
        let values: Vec<Option<f64>> = samples.iter().map(|s| s.get(metric)).collect();
        let range = match min_max(&values) {
            Some((lo, hi)) => format!(
                "min {:>7}  max {:>7}",
                format_value(metric, Some(lo)),
                format_value(metric, Some(hi))
            ),
            None => "no values".to_string(),
        };
        let line = sparkline::sparkline(&values, width, sparkline::scale_for(metric));
        out.push_str(&format!(
            "  {:<12} {line:<drawn$}  {range}\n",
            metric.label()
        ));
    }
    out
}

/// "1 sample", "2 samples".
fn count(n: usize) -> String {
    text::count(n as u64, "sample", "samples")
}

/// The short column headings of the narrow table.
fn short_label(metric: Metric) -> &'static str {
    match metric {
        Metric::CpuPercent => "CPU%",
        Metric::MemoryPercent => "Mem%",
        Metric::RequestsPerSecond => "Req/s",
        Metric::CacheHitRate => "Hit%",
        Metric::ErrorRate => "Err%",
        Metric::ResponseTimeMs => "RT ms",
        Metric::ActiveConnections => "Conn",
    }
}

/// How the samples table is laid out: the full one when it fits, else short headings and
/// timestamps (the time of day alone when every row is of the same date, said above the
/// table), and no instance column when every row has the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Full,
    Narrow { instance: bool, date: bool },
}

/// One row per sample: time (fixed width, never split), instance and every metric ("-" when
/// unknown). The full table when it fits the width, else the narrow one.
fn samples_table(samples: &[Sample], color: bool, width: Option<u16>) -> String {
    let full = layout_table(samples, color, width, Layout::Full);
    let fits = |t: &str| {
        width.is_none_or(|w| t.lines().all(|l| display_width(l) <= usize::from(w)))
            && t.lines().count() <= 3 + 1 + samples.len()
    };
    if fits(&full) {
        return full;
    }
    let first = samples.first().and_then(|s| s.instance.as_deref());
    let uniform = samples.iter().all(|s| s.instance.as_deref() == first);
    let dates: Vec<String> = samples
        .iter()
        .filter_map(|s| s.timestamp)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .collect();
    let one_day = dates.first().filter(|d| dates.iter().all(|x| x == *d));
    let layout = Layout::Narrow {
        instance: !uniform,
        date: one_day.is_none(),
    };
    let narrow = layout_table(samples, color, width, layout);
    let times = match one_day {
        Some(d) => format!("times UTC on {d}"),
        None => "times UTC".to_string(),
    };
    match (uniform, first) {
        (true, Some(i)) => format!("All from instance {i}; {times}.\n{narrow}"),
        _ => format!("{}{}.\n{narrow}", times[..1].to_uppercase(), &times[1..]),
    }
}

fn layout_table(samples: &[Sample], color: bool, width: Option<u16>, layout: Layout) -> String {
    let mut table = new_table(color, width);
    let instance = match layout {
        Layout::Full => true,
        Layout::Narrow { instance, .. } => instance,
    };
    let mut header = vec![Cell::new("Time")];
    if instance {
        header.push(Cell::new("Instance"));
    }
    header.extend(Metric::ALL.map(|m| match layout {
        Layout::Full => Cell::new(m.label()),
        Layout::Narrow { .. } => Cell::new(short_label(m)),
    }));
    table.set_header(header);
    for s in samples {
        let when = s.timestamp.map_or("-".to_string(), |t| match layout {
            Layout::Full => text::timestamp(t),
            Layout::Narrow { date: true, .. } => text::short_timestamp(t),
            Layout::Narrow { date: false, .. } => t.strftime("%H:%M:%S").to_string(),
        });
        let mut row = vec![Cell::new(when)];
        if instance {
            row.push(Cell::new(s.instance.as_deref().unwrap_or("-")));
        }
        row.extend(Metric::ALL.map(|m| {
            let text = match s.get(m) {
                None => "-".to_string(),
                v => format_value(m, v),
            };
            Cell::new(text).set_alignment(CellAlignment::Right)
        }));
        table.add_row(row);
    }
    if let Some(column) = table.column_mut(0) {
        column.set_constraint(ColumnConstraint::ContentWidth);
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
            text.contains("  CPU %        ▂ ▂▃  min    10.0  max    30.0\n"),
            "{text}"
        );
        assert!(text.contains("  Memory %           no values\n"), "{text}");
        assert!(text.contains(sparkline::SCALE_NOTE), "{text}");
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
    fn at_80_columns_timestamps_and_headings_stay_whole() {
        let samples: Vec<Sample> = (0..5)
            .map(|i| Sample {
                timestamp: Some(
                    jiff::Timestamp::from_second(1_795_000_000 + i)
                        .unwrap()
                        .checked_add(jiff::SignedDuration::from_millis(329))
                        .unwrap(),
                ),
                instance: Some("web-1".into()),
                cpu_percent: Some(100.0),
                memory_percent: Some(13.25),
                requests_per_second: Some(1441.5),
                cache_hit_rate: Some(91.0),
                error_rate: Some(0.4),
                response_time_ms: Some(1212.0),
                active_connections: Some(37.0),
                ..Sample::default()
            })
            .collect();
        let mut o = opts(5);
        o.width = Some(80);
        let text = show(&samples, o);
        assert!(text.lines().all(|l| display_width(l) <= 80), "{text}");
        assert!(
            text.contains("All from instance web-1; times UTC on 2026-11-18."),
            "{text}"
        );
        assert!(text.contains("│ 11:06:40 ┆"), "{text}");
        assert!(text.contains("┆ Conn │"), "{text}");
        // Five rows, none split over several lines.
        assert_eq!(text.lines().filter(|l| l.starts_with("│ 11:")).count(), 5);
        // Over two days and two instances: the date stays, the instance column comes back.
        let mut mixed = samples.clone();
        mixed[0].timestamp = Some("2026-11-17T23:59:59Z".parse().unwrap());
        mixed[0].instance = Some("web-2".into());
        let text = show(&mixed, o);
        assert!(text.contains("\nTimes UTC.\n"), "{text}");
        assert!(text.contains("│ 11-17 23:59:59 ┆ web-2 "), "{text}");
        assert!(text.lines().all(|l| display_width(l) <= 80), "{text}");
        // Wide enough, the full table with RFC 3339 timestamps and the instance column.
        o.width = Some(132);
        let wide = show(&samples, o);
        assert!(
            wide.contains("│ 2026-11-18T11:06:40Z ┆ web-1    ┆"),
            "{wide}"
        );
        assert!(wide.lines().all(|l| display_width(l) <= 132), "{wide}");
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
