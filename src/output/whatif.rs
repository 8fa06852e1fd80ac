//! `replay`'s what-if output: where the history came from, the load model, the figures table
//! (observed and one row per policy), and the JSON additions. Pure renderers.

use comfy_table::{Cell, CellAlignment};
use jiff::Timestamp;
use serde::Serialize;

use super::replay::{ReplayView, Run, RunView, json_view};
use super::table::new_table;
use crate::policy::whatif::{Figures, LoadModel, Overload, Track};
use crate::sample::Sample;
use crate::sources::prometheus_range::RangeReading;

/// Where the replayed history came from.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// `history` (the stored history) or `prometheus` (range queries).
    pub kind: &'static str,
    /// The history's location, or the Prometheus URL (credentials redacted).
    pub location: String,
    /// The range asked for (Prometheus only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Timestamp>,
    /// 〃
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Timestamp>,
    /// 〃
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_seconds: Option<f64>,
    /// Each range query and how many points it answered (Prometheus only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queries: Vec<RangeReading>,
}

/// One policy's what-if.
#[derive(Debug, Clone)]
pub struct PolicyRun {
    /// The replay (label, timeline, summary).
    pub run: Run,
    /// The `--compare` spec as given (`None` for the command's own flags).
    pub spec: Option<String>,
    /// The simulated counts and loads.
    pub track: Track,
    /// What they add up to.
    pub figures: Figures,
}

/// Everything a what-if replay shows.
#[derive(Debug, Clone)]
pub struct WhatIf<'a> {
    /// The samples replayed.
    pub history: &'a [Sample],
    /// Where they came from.
    pub source: Source,
    /// The load model, when applied.
    pub model: Option<LoadModel>,
    /// Samples with an observed replica count.
    pub observed_known: usize,
    /// What was observed, when any count was.
    pub observed: Option<(Track, Figures)>,
    /// The policies: the command's own first, then each `--compare` in order.
    pub runs: Vec<PolicyRun>,
}

/// The letter of the `i`-th policy (A, B, …, Z, AA, …).
pub fn letter(i: usize) -> String {
    let mut n = i;
    let mut s = String::new();
    loop {
        s.insert(0, char::from(b'A' + (n % 26) as u8));
        if n < 26 {
            return s;
        }
        n = n / 26 - 1;
    }
}

/// The model in one line (or why there is none).
pub fn model_line(w: &WhatIf<'_>) -> String {
    match &w.model {
        Some(m) => format!(
            "Load model ({} of {} samples with an observed replica count): {}",
            w.observed_known,
            w.history.len(),
            m.statement()
        ),
        None if w.observed_known == 0 => "No load model: no sample records the observed replica count (replicas), so every policy sees the metrics as recorded".to_string(),
        None => "No load model (--no-load-model): every policy sees the metrics as recorded".to_string(),
    }
}

/// The overload limits in words, e.g. "cpu_percent > 70".
pub fn overload_text(o: &Overload) -> String {
    let mut parts = Vec::new();
    if let Some(c) = o.cpu_percent {
        parts.push(format!("cpu_percent > {c}"));
    }
    if let Some(r) = o.rps_per_replica {
        parts.push(format!("requests/s per replica > {r}"));
    }
    if parts.is_empty() {
        "no CPU or requests/s limit".to_string()
    } else {
        parts.join(" or ")
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("—".to_string(), |v| v.to_string())
}

fn figure_cells(name: &str, label: &str, f: &Figures) -> Vec<Cell> {
    let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
    vec![
        Cell::new(name),
        Cell::new(label),
        right(f.replica_hours.map_or("—".into(), |h| format!("{h:.1}"))),
        right(f.mean_replicas.map_or("—".into(), |m| format!("{m:.2}"))),
        right(format!("{:.1}", f.overloaded_minutes)),
        right(
            f.overloaded_share
                .map_or("—".into(), |s| format!("{:.2}%", s * 100.0)),
        ),
        right(f.scale_events.to_string()),
        right(f.flaps.to_string()),
        right(f.reversals.to_string()),
        right(format!("{}–{}", opt(f.min_replicas), opt(f.max_replicas))),
        right(opt(f.final_replicas)),
    ]
}

/// The figures table: observed first (when known), then each policy.
pub fn figures_table(w: &WhatIf<'_>, color: bool, width: Option<u16>) -> String {
    let mut t = new_table(color, width);
    t.set_header(vec![
        "",
        "policy",
        "replica-hours",
        "mean replicas",
        "overloaded min",
        "overloaded",
        "scale events",
        "flaps",
        "reversals",
        "min–max",
        "final",
    ]);
    if let Some((_, f)) = &w.observed {
        t.add_row(figure_cells("observed", "what ran", f));
    }
    for (i, r) in w.runs.iter().enumerate() {
        t.add_row(figure_cells(&letter(i), &r.run.label, &r.figures));
    }
    let hours = w.runs.first().map_or(0.0, |r| r.figures.hours);
    let mut out = format!("{t}\n");
    out.push_str(&format!(
        "Over {hours:.1} h. Overloaded: an interval whose per-replica load is above the policy's limit ({}); flaps: reversals within {} of the scale event before.\n",
        w.runs
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{}: {}", letter(i), overload_text(&r.track.overload)))
            .collect::<Vec<_>>()
            .join("; "),
        humantime::format_duration(crate::policy::whatif::FLAP_WINDOW)
    ));
    out
}

/// The lines above the figures: source, model, specs.
pub fn preamble(w: &WhatIf<'_>) -> String {
    let mut out = String::new();
    if w.source.kind == "prometheus" {
        let known: Vec<String> = w
            .source
            .queries
            .iter()
            .map(|q| format!("{} {}/{}", q.name, q.known, w.history.len()))
            .collect();
        out.push_str(&format!(
            "History: {} samples from {} ({} → {}, step {}s); known points: {}\n",
            w.history.len(),
            w.source.location,
            opt(w.source.from),
            opt(w.source.to),
            w.source.step_seconds.unwrap_or_default(),
            known.join(", ")
        ));
    }
    out.push_str(&model_line(w));
    out.push('\n');
    for (i, r) in w.runs.iter().enumerate() {
        let spec = r
            .spec
            .as_ref()
            .map_or(String::new(), |s| format!(" (--compare '{s}')"));
        out.push_str(&format!("{}: {}{spec}\n", letter(i), r.run.label));
    }
    out
}

/// The short text for long or many-policy replays: header, preamble, figures.
pub fn figures_text(w: &WhatIf<'_>, color: bool, width: Option<u16>) -> String {
    let first = w.history.first().and_then(|s| s.timestamp);
    let last = w.history.last().and_then(|s| s.timestamp);
    let span = match (first, last) {
        (Some(a), Some(b)) => format!(" ({a} → {b})"),
        _ => String::new(),
    };
    let start = w
        .runs
        .first()
        .and_then(|r| r.run.summary.start_replicas)
        .map_or(String::new(), |n| format!(", starting from {n} replicas"));
    format!(
        "What-if replay of {} samples{span}{start}\n{}{}",
        w.history.len(),
        preamble(w),
        figures_table(w, color, width)
    )
}

/// `replay --json`: the replay document (first policy, first `--compare`) plus every
/// comparison, the source, the model and the figures.
#[derive(Debug, Serialize)]
pub struct WhatIfView<'a> {
    #[serde(flatten)]
    pub replay: ReplayView<'a>,
    /// Every `--compare` run in order (`compare` is the first, kept for older readers).
    pub compares: Vec<RunView<'a>>,
    /// Where the history came from.
    pub source: &'a Source,
    /// The load model.
    pub model: ModelView,
    /// Observed first (when known), then one per policy.
    pub figures: Vec<FiguresView<'a>>,
    /// Per sample, in the same order as `figures`: the count running and the per-replica load.
    pub tracks: Vec<TrackView<'a>>,
}

/// One track in the JSON: arrays aligned with the samples.
#[derive(Debug, Serialize)]
pub struct TrackView<'a> {
    /// As in `figures`.
    pub name: String,
    /// The count running while each sample was measured.
    pub replicas: &'a [Option<u32>],
    /// Per-replica CPU, % (as the policy saw it).
    pub cpu_percent: Vec<Option<f64>>,
    /// Per-replica requests/s.
    pub rps_per_replica: Vec<Option<f64>>,
    /// Whether the interval was overloaded.
    pub overloaded: &'a [Option<bool>],
}

impl<'a> TrackView<'a> {
    fn new(name: String, t: &'a Track) -> Self {
        TrackView {
            name,
            replicas: &t.replicas,
            cpu_percent: t.load.iter().map(|l| l.cpu_percent).collect(),
            rps_per_replica: t.load.iter().map(|l| l.rps_per_replica).collect(),
            overloaded: &t.overloaded,
        }
    }
}

/// The load model in the JSON.
#[derive(Debug, Serialize)]
pub struct ModelView {
    /// Whether the policies saw the load spread over their simulated counts.
    pub applied: bool,
    /// Metrics scaled by observed / simulated replicas.
    pub scaled_metrics: Vec<crate::sample::Metric>,
    /// Samples with an observed replica count.
    pub observed_replicas_known: usize,
    /// The model (or why there is none) in words.
    pub statement: String,
}

/// One row of figures.
#[derive(Debug, Serialize)]
pub struct FiguresView<'a> {
    /// `observed`, or the policy's letter (A = the command's own flags).
    pub name: String,
    /// The policy's settings (`what ran` for observed).
    pub settings: &'a str,
    /// The `--compare` spec as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<&'a str>,
    /// The limits an overloaded interval is above.
    pub overload: Overload,
    #[serde(flatten)]
    pub figures: &'a Figures,
}

/// The JSON document of a what-if replay.
pub fn whatif_json<'a>(w: &'a WhatIf<'a>) -> Option<WhatIfView<'a>> {
    let first = w.runs.first()?;
    let mut figures = Vec::new();
    let mut tracks = Vec::new();
    if let Some((t, f)) = &w.observed {
        tracks.push(TrackView::new("observed".into(), t));
        figures.push(FiguresView {
            name: "observed".into(),
            settings: "what ran",
            spec: None,
            overload: t.overload,
            figures: f,
        });
    }
    for (i, r) in w.runs.iter().enumerate() {
        tracks.push(TrackView::new(letter(i), &r.track));
        figures.push(FiguresView {
            name: letter(i),
            settings: &r.run.label,
            spec: r.spec.as_deref(),
            overload: r.track.overload,
            figures: &r.figures,
        });
    }
    Some(WhatIfView {
        replay: json_view(&first.run, w.runs.get(1).map(|r| &r.run)),
        compares: w.runs[1..].iter().map(|r| RunView::new(&r.run)).collect(),
        source: &w.source,
        model: ModelView {
            applied: w.model.is_some(),
            scaled_metrics: w.model.as_ref().map_or(Vec::new(), |m| m.scaled.clone()),
            observed_replicas_known: w.observed_known,
            statement: model_line(w),
        },
        figures,
        tracks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_go_past_z() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
    }

    #[test]
    fn overload_limits_read_as_words() {
        let o = Overload {
            cpu_percent: Some(70.0),
            rps_per_replica: Some(100.0),
        };
        assert_eq!(
            overload_text(&o),
            "cpu_percent > 70 or requests/s per replica > 100"
        );
        assert_eq!(
            overload_text(&Overload::default()),
            "no CPU or requests/s limit"
        );
    }
}
