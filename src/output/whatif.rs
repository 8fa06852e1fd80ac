//! `replay`'s what-if output: where the history came from, the load model, the figures table
//! (observed and one row per policy), and the JSON additions. Pure renderers.

use comfy_table::{Cell, CellAlignment};
use jiff::Timestamp;
use serde::Serialize;

use super::replay::{ReplayView, Run, RunView, json_view};
use super::table::{keep_words, new_table, unwrapped_width};
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

/// The figures' headings, in the order of [`figure_values`]: in full, and short for narrower
/// terminals (explained under the table by [`SHORT_NOTE`]).
const FULL: [&str; 9] = [
    "replica-hours",
    "mean replicas",
    "overloaded min",
    "overloaded %",
    "scale events",
    "flaps",
    "reversals",
    "min–max",
    "final",
];
const SHORT: [&str; 9] = [
    "repl-h",
    "mean",
    "over min",
    "over %",
    "events",
    "flaps",
    "rev",
    "min–max",
    "final",
];
const SHORT_NOTE: &str =
    "repl-h: replica-hours; mean: mean replicas; over: overloaded; rev: reversals";

/// One policy's (or what was observed's) figures as table text.
fn figure_values(f: &Figures) -> [String; 9] {
    [
        f.replica_hours.map_or("—".into(), |h| format!("{h:.1}")),
        f.mean_replicas.map_or("—".into(), |m| format!("{m:.2}")),
        format!("{:.1}", f.overloaded_minutes),
        f.overloaded_share
            .map_or("—".into(), |s| format!("{:.2}%", s * 100.0)),
        f.scale_events.to_string(),
        f.flaps.to_string(),
        f.reversals.to_string(),
        format!("{}–{}", opt(f.min_replicas), opt(f.max_replicas)),
        opt(f.final_replicas),
    ]
}

/// A row of the figures table: `observed` or the policy's letter, its settings, its figures.
struct FigureRow<'a> {
    name: String,
    label: &'a str,
    values: [String; 9],
}

fn figure_rows<'a>(w: &'a WhatIf<'_>) -> Vec<FigureRow<'a>> {
    let observed = w.observed.iter().map(|(_, f)| FigureRow {
        name: "observed".into(),
        label: "what ran",
        values: figure_values(f),
    });
    let runs = w.runs.iter().enumerate().map(|(i, r)| FigureRow {
        name: letter(i),
        label: &r.run.label,
        values: figure_values(&r.figures),
    });
    observed.chain(runs).collect()
}

fn right(s: &str) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

/// One row per policy under `headings`, the settings in a column of their own; `None` when
/// that does not fit in `width` — with no cell wrapped, or (`wrap`) wrapped between words only.
fn rows_table(
    rows: &[FigureRow<'_>],
    headings: &[&str; 9],
    color: bool,
    width: Option<u16>,
    wrap: bool,
) -> Option<String> {
    let mut t = new_table(color, width);
    let mut header = vec!["", "policy"];
    header.extend(headings);
    t.set_header(header);
    for r in rows {
        let mut cells = vec![Cell::new(&r.name), Cell::new(r.label)];
        cells.extend(r.values.iter().map(|v| right(v)));
        t.add_row(cells);
    }
    let fits = match width {
        None => true,
        Some(w) if !wrap => unwrapped_width(&t) <= usize::from(w),
        Some(_) => keep_words(&mut t, width),
    };
    fits.then(|| t.to_string())
}

/// The figures as rows and the policies as columns (headed by their letters), in as many
/// tables of consecutive policies as the width needs: the narrow layout, whatever the number
/// of policies.
fn columns_tables(rows: &[FigureRow<'_>], color: bool, width: u16) -> Vec<String> {
    let names = FULL.iter().map(|h| h.chars().count()).max().unwrap_or(0);
    let column = |r: &FigureRow<'_>| {
        r.values
            .iter()
            .chain([&r.name])
            .map(|v| v.chars().count())
            .max()
            .unwrap_or(0)
            + 3
    };
    let mut chunks: Vec<&[FigureRow<'_>]> = Vec::new();
    let mut rest = rows;
    while !rest.is_empty() {
        let mut used = 1 + names + 3;
        let mut n = 0;
        while n < rest.len() && (n == 0 || used + column(&rest[n]) <= usize::from(width)) {
            used += column(&rest[n]);
            n += 1;
        }
        let (chunk, tail) = rest.split_at(n);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
        .into_iter()
        .map(|chunk| {
            let mut t = new_table(color, Some(width));
            let mut header = vec![Cell::new("")];
            header.extend(chunk.iter().map(|r| right(&r.name)));
            t.set_header(header);
            for (i, heading) in FULL.iter().enumerate() {
                let mut cells = vec![Cell::new(heading)];
                cells.extend(chunk.iter().map(|r| right(&r.values[i])));
                t.add_row(cells);
            }
            keep_words(&mut t, Some(width));
            t.to_string()
        })
        .collect()
}

/// The policies' overload limits in words, each once with the letters of the policies that
/// have it: `A: cpu_percent > 70; B, C: cpu_percent > 70 or requests/s per replica > 100`.
fn limits_text(w: &WhatIf<'_>) -> String {
    let mut groups: Vec<(Vec<String>, String)> = Vec::new();
    for (i, r) in w.runs.iter().enumerate() {
        let text = overload_text(&r.track.overload);
        match groups.iter_mut().find(|(_, t)| *t == text) {
            Some((letters, _)) => letters.push(letter(i)),
            None => groups.push((vec![letter(i)], text)),
        }
    }
    match groups.as_slice() {
        [(letters, text)] if letters.len() > 1 => format!("{text}, every policy"),
        _ => groups
            .iter()
            .map(|(letters, text)| format!("{}: {text}", letters.join(", ")))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The figures table: observed first (when known), then each policy, and what the figures
/// mean. As wide as the room allows: one row per policy with the headings in full, or short, or
/// (when even that does not fit, e.g. at 80 columns) the policies as columns. `labels_above`:
/// the policies' settings are listed just above, so the narrow layout need not repeat them.
pub fn figures_table(
    w: &WhatIf<'_>,
    color: bool,
    width: Option<u16>,
    labels_above: bool,
) -> String {
    let rows = figure_rows(w);
    let mut out = String::new();
    let mut notes = Vec::new();
    // In full on one line each, else short headings, else either wrapped between words.
    let layouts = [
        (&FULL, false),
        (&SHORT, false),
        (&FULL, true),
        (&SHORT, true),
    ];
    let table = layouts.iter().find_map(|&(headings, wrap)| {
        rows_table(&rows, headings, color, width, wrap).map(|t| (t, headings))
    });
    match table {
        Some((t, headings)) => {
            out.push_str(&format!("{t}\n"));
            if headings == &SHORT {
                notes.push(SHORT_NOTE);
            }
        }
        None => {
            let tables = columns_tables(&rows, color, width.unwrap_or(super::DEFAULT_WIDTH));
            out.push_str(&tables.join("\n\n"));
            out.push('\n');
            if !labels_above {
                for (i, r) in w.runs.iter().enumerate() {
                    out.push_str(&format!("{}: {}\n", letter(i), r.run.label));
                }
            }
        }
    }
    let hours = w.runs.first().map_or(0.0, |r| r.figures.hours);
    out.push_str(&format!(
        "Over {hours:.1} h. Overloaded: an interval whose per-replica load is above the policy's limit ({}); flaps: reversals within {} of the scale event before.\n",
        limits_text(w),
        humantime::format_duration(crate::policy::whatif::FLAP_WINDOW)
    ));
    for n in notes {
        out.push_str(&format!("{n}\n"));
    }
    super::fit(&out, width)
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
            w.source.from.map_or("—".into(), crate::text::timestamp),
            w.source.to.map_or("—".into(), crate::text::timestamp),
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

/// The short text for long or many-policy replays: header, preamble, figures, wrapped to
/// `width`.
pub fn figures_text(w: &WhatIf<'_>, color: bool, width: Option<u16>) -> String {
    let first = w.history.first().and_then(|s| s.timestamp);
    let last = w.history.last().and_then(|s| s.timestamp);
    let span = match (first, last) {
        (Some(a), Some(b)) => format!(
            " ({} → {})",
            crate::text::timestamp(a),
            crate::text::timestamp(b)
        ),
        _ => String::new(),
    };
    let start = w
        .runs
        .first()
        .and_then(|r| r.run.summary.start_replicas)
        .map_or(String::new(), |n| format!(", starting from {n} replicas"));
    let head = format!(
        "What-if replay of {}{span}{start}\n{}",
        crate::text::count(w.history.len() as u64, "sample", "samples"),
        preamble(w),
    );
    format!(
        "{}{}",
        super::fit(&head, width),
        figures_table(w, color, width, true)
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
    use crate::output::{display_width, strip_ansi};
    use crate::policy::whatif::observed;

    /// Two hours at 10 s with the observed count between 3 and 7.
    fn history() -> Vec<Sample> {
        let start: Timestamp = "2026-11-23T18:00:00Z".parse().unwrap();
        (0..720)
            .map(|i| {
                let mut s = Sample {
                    timestamp: Some(start + jiff::SignedDuration::from_secs(i * 10)),
                    cpu_percent: Some(50.0 + (i % 90) as f64 / 2.0),
                    ..Sample::default()
                };
                crate::sample::set_replicas(&mut s, Some(3 + (i / 60 % 5) as u32));
                s
            })
            .collect()
    }

    /// What-ifs of `history` for the policies `labels` (all with what was observed, so the
    /// figures are real ones; the layout is what is under test).
    fn whatif<'a>(history: &'a [Sample], labels: &[&str]) -> WhatIf<'a> {
        let overload = Overload {
            cpu_percent: Some(70.0),
            rps_per_replica: None,
        };
        let track = observed(history, overload);
        let figures = crate::policy::whatif::figures(history, &track);
        let runs = labels
            .iter()
            .map(|l| PolicyRun {
                run: Run {
                    label: l.to_string(),
                    steps: Vec::new(),
                    summary: crate::policy::replay::summarize(&[], Some(5)),
                },
                spec: Some(l.to_string()),
                track: track.clone(),
                figures: figures.clone(),
            })
            .collect();
        WhatIf {
            history,
            source: Source {
                kind: "history",
                location: "history.jsonl".into(),
                from: None,
                to: None,
                step_seconds: None,
                queries: Vec::new(),
            },
            model: Some(LoadModel::new(&[])),
            observed_known: history.len(),
            observed: Some((track, figures)),
            runs,
        }
    }

    const FOUR: [&str; 4] = [
        "threshold",
        "hpa",
        "hpa, scale-up-window=3m",
        "threshold, scale-up-cpu_percent=60",
    ];

    /// Every line fits `width`; the lines of each table are equally wide; colour changes
    /// nothing but escape codes.
    fn assert_fits(text: &str, plain: &str, width: usize) {
        assert_eq!(strip_ansi(text), plain, "colour changed the layout");
        let mut table = Vec::new();
        for line in plain.lines().chain([""]) {
            assert!(display_width(line) <= width, "{line:?} in\n{plain}");
            if line.starts_with(['┌', '│', '╞', '└']) {
                table.push(display_width(line));
            } else {
                assert!(table.windows(2).all(|w| w[0] == w[1]), "{table:?}\n{plain}");
                table.clear();
            }
        }
    }

    /// A table line's cells, trimmed.
    fn cells(line: &str) -> Vec<String> {
        line.trim_matches('│')
            .split('┆')
            .map(|c| c.trim().to_string())
            .collect()
    }

    fn both(w: &WhatIf<'_>, width: Option<u16>, labels_above: bool) -> String {
        let plain = figures_table(w, false, width, labels_above);
        let coloured = figures_table(w, true, width, labels_above);
        assert_fits(&coloured, &plain, width.map_or(usize::MAX, usize::from));
        plain
    }

    #[test]
    fn at_80_columns_the_policies_are_columns_and_nothing_is_broken() {
        let h = history();
        let w = whatif(&h, &FOUR);
        let text = both(&w, Some(80), false);
        for heading in FULL {
            assert!(
                text.lines()
                    .any(|l| l.starts_with(&format!("│ {heading} "))),
                "{heading}: {text}"
            );
        }
        let header = text.lines().nth(1).map(cells).unwrap_or_default();
        assert_eq!(header, ["", "observed", "A", "B", "C", "D"], "{text}");
        // The settings under the table, whole; the shared limit said once.
        assert!(
            text.contains("\nC: hpa, scale-up-window=3m\nD: threshold, scale-up-cpu_percent=60\n")
        );
        assert!(text.contains("(cpu_percent > 70, every policy)"), "{text}");
        // Listed above (figures_text): not again.
        let above = both(&w, Some(80), true);
        assert!(!above.contains("\nA: threshold\n"), "{above}");
    }

    #[test]
    fn at_132_columns_one_row_per_policy_with_its_settings_whole() {
        let h = history();
        let w = whatif(&h, &FOUR);
        let text = both(&w, Some(132), false);
        let header = text.lines().nth(1).unwrap_or_default();
        for heading in [
            "policy",
            "repl-h",
            "over min",
            "over %",
            "events",
            "rev",
            "min–max",
        ] {
            assert!(
                header.contains(&format!(" {heading} ")),
                "{heading}: {header}"
            );
        }
        for (label, name) in FOUR.iter().zip(["A", "B", "C", "D"]) {
            assert!(
                text.lines()
                    .any(|l| l.starts_with(&format!("│ {name}        ┆ {label} "))),
                "{label}: {text}"
            );
        }
        assert!(text.contains("│ observed ┆ what ran "), "{text}");
        assert!(
            text.contains("\nrepl-h: replica-hours; mean: mean replicas;"),
            "{text}"
        );
    }

    #[test]
    fn with_room_or_no_terminal_the_headings_are_in_full() {
        let h = history();
        let w = whatif(&h, &FOUR[..2]);
        for width in [None, Some(200)] {
            let text = both(&w, width, false);
            let header = text.lines().nth(1).map(cells).unwrap_or_default();
            assert_eq!(header[..2], ["", "policy"], "{text}");
            assert_eq!(header[2..], FULL, "{text}");
            assert!(!text.contains("repl-h"), "{text}");
        }
    }

    #[test]
    fn many_policies_at_80_columns_take_several_tables_of_whole_columns() {
        let h = history();
        let labels: Vec<String> = (0..9).map(|i| format!("threshold, window={i}m")).collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let w = whatif(&h, &labels);
        let text = both(&w, Some(80), false);
        assert_eq!(text.matches("│ replica-hours  ┆").count(), 2, "{text}");
        assert!(text.contains("┘\n\n┌"), "tables apart: {text}");
        let second = text.split("\n\n").nth(1).unwrap_or_default();
        let header = second.lines().nth(1).map(cells).unwrap_or_default();
        assert_eq!(header, ["", "F", "G", "H", "I"], "{text}");
    }

    #[test]
    fn the_prose_wraps_between_words_and_the_span_is_the_samples() {
        let h = history();
        let w = whatif(&h, &FOUR);
        let prose = |text: &str| -> Vec<String> {
            let end = text.find('┌').unwrap_or(text.len());
            text[..end].split_whitespace().map(str::to_string).collect()
        };
        let wide = figures_text(&w, false, None);
        let narrow = figures_text(&w, false, Some(80));
        assert_fits(&figures_text(&w, true, Some(80)), &narrow, 80);
        assert_eq!(prose(&narrow), prose(&wide), "the same words:\n{narrow}");
        assert!(
            wide.starts_with("What-if replay of 720 samples (2026-11-23T18:00:00Z → 2026-11-23T19:59:50Z), starting from 5 replicas\nLoad model (720 of 720 samples"),
            "{wide}"
        );
        assert!(narrow.contains("\n  "), "continuations indented: {narrow}");
        let after = &narrow[narrow.rfind('┘').unwrap_or(0)..];
        assert!(after.contains("\nOver 2.0 h."), "{after}");
    }

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
