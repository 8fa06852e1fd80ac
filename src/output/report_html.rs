//! `replay --report FILE.html`: one self-contained HTML page (no network, no script) with inline
//! SVG charts on a shared time axis — CPU per replica (observed and as each policy would have
//! seen it, thresholds marked), requests/s, and the replica counts (observed and each policy's)
//! — then the figures table and the load model. Pure: returns the page.
//!
//! Long ranges are downsampled for drawing only: above `2 × BUCKETS` points each of `BUCKETS`
//! equal index buckets keeps its minimum and its maximum (first occurrence, in time order), so
//! spikes and dips survive at 20 000 samples and more. An unknown value breaks the line (when
//! downsampled: a bucket with no known value, or one ending on an unknown value).

use std::fmt::Write as _;

use super::whatif::{WhatIf, letter, model_line, overload_text};
use crate::sample::replicas_of;

/// Buckets across the plot (about one per pixel of [`PLOT_W`]).
pub const BUCKETS: usize = 1000;

const PLOT_W: f64 = 1000.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 44.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 30.0;
const PLOT_H: f64 = 200.0;

const OBSERVED: &str = "#6b6b6b";
const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

/// The points to draw of `values`: runs of (index, value) split where a value is unknown (or a
/// whole bucket is), downsampled to the minimum and maximum of each of `buckets` buckets when
/// there are more than `2 × buckets` values.
pub fn downsample(values: &[Option<f64>], buckets: usize) -> Vec<Vec<(usize, f64)>> {
    let mut runs: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut current: Vec<(usize, f64)> = Vec::new();
    let mut flush = |current: &mut Vec<(usize, f64)>| {
        if !current.is_empty() {
            runs.push(std::mem::take(current));
        }
    };
    let n = values.len();
    if buckets == 0 || n <= 2 * buckets {
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => current.push((i, *v)),
                None => flush(&mut current),
            }
        }
    } else {
        for b in 0..buckets {
            let (lo, hi) = (b * n / buckets, (b + 1) * n / buckets);
            let mut min: Option<(usize, f64)> = None;
            let mut max: Option<(usize, f64)> = None;
            let mut gap = false;
            for (i, v) in values.iter().enumerate().take(hi).skip(lo) {
                let Some(v) = *v else {
                    gap = true;
                    continue;
                };
                if min.is_none_or(|(_, m)| v < m) {
                    min = Some((i, v));
                }
                if max.is_none_or(|(_, m)| v > m) {
                    max = Some((i, v));
                }
            }
            let (Some(a), Some(z)) = (min, max) else {
                flush(&mut current);
                continue;
            };
            let (first, second) = if a.0 <= z.0 { (a, z) } else { (z, a) };
            current.push(first);
            if second.0 != first.0 {
                current.push(second);
            }
            if gap && values[hi - 1].is_none() {
                flush(&mut current);
            }
        }
    }
    flush(&mut current);
    runs
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A chart's frame: the x of each sample (shared by every chart) and the y range.
struct Axes<'a> {
    x: &'a [f64],
    y_max: f64,
}

impl Axes<'_> {
    fn y(&self, v: f64) -> f64 {
        TOP + PLOT_H - (v / self.y_max).clamp(0.0, 1.05) * PLOT_H
    }

    /// A path `d` of the runs and its point count.
    fn path(&self, runs: &[Vec<(usize, f64)>]) -> (String, usize) {
        let mut d = String::new();
        let mut points = 0;
        for run in runs {
            for (k, &(i, v)) in run.iter().enumerate() {
                let cmd = if k == 0 { 'M' } else { 'L' };
                let _ = write!(d, "{cmd}{:.1},{:.1}", self.x[i], self.y(v));
                points += 1;
            }
        }
        (d, points)
    }
}

/// A nice upper bound for an axis holding `max`.
fn nice_max(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&c| c >= max * 1.05)
        .unwrap_or(10.0 * p)
}

/// One line of a chart.
struct Line<'a> {
    class: &'a str,
    policy: Option<String>,
    color: &'a str,
    width: f64,
    dash: bool,
    values: Vec<Option<f64>>,
}

fn chart(
    out: &mut String,
    id: &str,
    title: &str,
    x: &[f64],
    ticks: &[(f64, String)],
    lines: &[Line<'_>],
    thresholds: &[(f64, String)],
) {
    let data_max = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten())
        .chain(thresholds.iter().map(|(v, _)| v))
        .fold(0.0f64, |a, &b| a.max(b));
    let axes = Axes {
        x,
        y_max: nice_max(data_max),
    };
    let (w, h) = (LEFT + PLOT_W + RIGHT, TOP + PLOT_H + BOTTOM);
    let _ = write!(
        out,
        "<h2>{}</h2>\n<svg id=\"{id}\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">\n",
        escape(title),
        escape(title)
    );
    let _ = writeln!(
        out,
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{PLOT_W}\" height=\"{PLOT_H}\" class=\"frame\"/>"
    );
    for k in 0..=4 {
        let v = axes.y_max * f64::from(k) / 4.0;
        let y = axes.y(v);
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"{}\" y=\"{:.1}\" class=\"ylab\">{}</text>",
            LEFT + PLOT_W,
            LEFT - 6.0,
            y + 4.0,
            trim_number(v)
        );
    }
    for (tx, label) in ticks {
        let _ = writeln!(
            out,
            "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{TOP}\" y2=\"{}\" class=\"grid\"/><text x=\"{tx:.1}\" y=\"{}\" class=\"xlab\">{}</text>",
            TOP + PLOT_H,
            TOP + PLOT_H + 18.0,
            escape(label)
        );
    }
    for (v, label) in thresholds {
        let y = axes.y(*v);
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"threshold\" data-value=\"{v}\"/><text x=\"{}\" y=\"{:.1}\" class=\"tlab\">{}</text>",
            LEFT + PLOT_W,
            LEFT + PLOT_W - 4.0,
            y - 4.0,
            escape(label)
        );
    }
    for l in lines {
        let (d, points) = axes.path(&downsample(&l.values, BUCKETS));
        let policy = l
            .policy
            .as_ref()
            .map_or(String::new(), |p| format!(" data-policy=\"{p}\""));
        let dash = if l.dash {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<path class=\"{}\"{policy} data-points=\"{points}\" stroke=\"{}\" stroke-width=\"{}\"{dash} fill=\"none\" d=\"{d}\"/>",
            l.class, l.color, l.width
        );
    }
    out.push_str("</svg>\n");
}

fn trim_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The x of every sample: by timestamp when all have one, else by position.
fn x_positions(w: &WhatIf<'_>) -> (Vec<f64>, Vec<(f64, String)>) {
    let n = w.history.len();
    let times: Option<Vec<i64>> = w
        .history
        .iter()
        .map(|s| s.timestamp.map(|t| t.as_millisecond()))
        .collect();
    match times {
        Some(t) if n > 1 && t[n - 1] > t[0] => {
            let (t0, t1) = (t[0], t[n - 1]);
            let span = (t1 - t0) as f64;
            let x = t
                .iter()
                .map(|&ms| LEFT + (ms - t0) as f64 / span * PLOT_W)
                .collect();
            let ticks = (0..=6)
                .filter_map(|k| {
                    let ms = t0 + ((t1 - t0) as f64 * f64::from(k) / 6.0) as i64;
                    let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
                    let x = LEFT + (ms - t0) as f64 / span * PLOT_W;
                    Some((x, ts.strftime("%m-%d %H:%M").to_string()))
                })
                .collect();
            (x, ticks)
        }
        _ => {
            let last = n.saturating_sub(1).max(1) as f64;
            let x = (0..n).map(|i| LEFT + i as f64 / last * PLOT_W).collect();
            (x, Vec::new())
        }
    }
}

fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}\
h1{font-size:20px}h2{font-size:15px;margin:18px 0 4px}\
svg{background:#fff;display:block}.frame{fill:none;stroke:#999}.grid{stroke:#e6e6e6}\
.threshold{stroke:#c00;stroke-dasharray:6 4;stroke-width:1}.tlab{fill:#c00;font-size:11px;text-anchor:end}\
.ylab{font-size:11px;text-anchor:end;fill:#555}.xlab{font-size:11px;text-anchor:middle;fill:#555}\
table{border-collapse:collapse;font-size:13px;margin-top:8px}th,td{border:1px solid #ccc;padding:3px 8px}\
td.n{text-align:right}.legend span{display:inline-block;margin-right:16px;font-size:13px}\
.legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:5px}\
p.model{background:#f4f4f4;padding:8px;font-size:13px}";

/// The report page.
pub fn render(w: &WhatIf<'_>) -> String {
    let (x, ticks) = x_positions(w);
    let first = w.history.first().and_then(|s| s.timestamp);
    let last = w.history.last().and_then(|s| s.timestamp);
    let span = match (first, last) {
        (Some(a), Some(b)) => format!("{a} → {b}"),
        _ => String::new(),
    };
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>rizk-scale what-if replay</title><style>{STYLE}</style></head><body>\n<h1>What-if replay: {} samples {}</h1>\n",
        w.history.len(),
        escape(&span)
    );
    let _ = write!(
        out,
        "<p>Source: {} <code>{}</code></p>\n<div class=\"legend\">",
        w.source.kind,
        escape(&w.source.location)
    );
    if w.observed.is_some() {
        let _ = write!(
            out,
            "<span><i style=\"background:{OBSERVED}\"></i>observed</span>"
        );
    }
    for (i, r) in w.runs.iter().enumerate() {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{}: {}</span>",
            color(i),
            letter(i),
            escape(&r.run.label)
        );
    }
    out.push_str("</div>\n");

    // CPU per replica: observed, and as each policy saw it; each CPU limit marked.
    let mut lines = vec![Line {
        class: "observed",
        policy: None,
        color: OBSERVED,
        width: 1.2,
        dash: false,
        values: w.history.iter().map(|s| s.cpu_percent).collect(),
    }];
    let mut thresholds: Vec<(f64, String)> = Vec::new();
    for (i, r) in w.runs.iter().enumerate() {
        if w.model.is_some() {
            lines.push(Line {
                class: "policy-load",
                policy: Some(letter(i)),
                color: color(i),
                width: 1.0,
                dash: true,
                values: r.track.load.iter().map(|l| l.cpu_percent).collect(),
            });
        }
        if let Some(c) = r.track.overload.cpu_percent {
            match thresholds.iter_mut().find(|(v, _)| *v == c) {
                Some((_, label)) => label.push_str(&format!(", {}", letter(i))),
                None => thresholds.push((c, format!("limit {c} % ({}", letter(i)))),
            }
        }
    }
    for (_, label) in &mut thresholds {
        label.push(')');
    }
    chart(
        &mut out,
        "cpu",
        "CPU per replica, % (observed solid; dashed: as each policy's replicas would have carried it)",
        &x,
        &ticks,
        &lines,
        &thresholds,
    );

    let rps = Line {
        class: "observed",
        policy: None,
        color: OBSERVED,
        width: 1.2,
        dash: false,
        values: w.history.iter().map(|s| s.requests_per_second).collect(),
    };
    chart(
        &mut out,
        "rps",
        "Requests per second, fleet total (observed)",
        &x,
        &ticks,
        &[rps],
        &[],
    );

    let mut lines = Vec::new();
    if w.observed.is_some() {
        lines.push(Line {
            class: "observed",
            policy: None,
            color: OBSERVED,
            width: 2.0,
            dash: false,
            values: w
                .history
                .iter()
                .map(|s| replicas_of(s).map(f64::from))
                .collect(),
        });
    }
    for (i, r) in w.runs.iter().enumerate() {
        lines.push(Line {
            class: "policy",
            policy: Some(letter(i)),
            color: color(i),
            width: 1.5,
            dash: false,
            values: r.track.replicas.iter().map(|n| n.map(f64::from)).collect(),
        });
    }
    chart(
        &mut out,
        "replicas",
        "Replicas running (observed, and each policy's simulated count)",
        &x,
        &ticks,
        &lines,
        &[],
    );

    figures_html(&mut out, w);
    let _ = write!(
        out,
        "<p class=\"model\" id=\"model\">{}. Sample i stands for the interval since sample i − 1, run by the count decided after sample i − 1. Charts are downsampled for drawing above {} points (each of {} buckets keeps its minimum and maximum); the figures use every sample.</p>\n</body></html>\n",
        escape(&model_line(w)),
        2 * BUCKETS,
        BUCKETS
    );
    out
}

fn figures_html(out: &mut String, w: &WhatIf<'_>) {
    out.push_str("<h2>Figures</h2>\n<table id=\"figures\"><thead><tr><th></th><th>policy</th><th>replica-hours</th><th>mean replicas</th><th>overloaded min</th><th>overloaded share</th><th>overloaded when</th><th>scale events</th><th>flaps</th><th>reversals</th><th>min</th><th>max</th><th>final</th></tr></thead><tbody>\n");
    let mut rows: Vec<(String, String, &crate::policy::whatif::Figures, String)> = Vec::new();
    if let Some((t, f)) = &w.observed {
        rows.push((
            "observed".into(),
            "what ran".into(),
            f,
            overload_text(&t.overload),
        ));
    }
    for (i, r) in w.runs.iter().enumerate() {
        rows.push((
            letter(i),
            r.run.label.clone(),
            &r.figures,
            overload_text(&r.track.overload),
        ));
    }
    let opt = |v: Option<u32>| v.map_or("—".to_string(), |v| v.to_string());
    for (name, label, f, over) in rows {
        let _ = writeln!(
            out,
            "<tr data-name=\"{}\"><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&name),
            escape(&name),
            escape(&label),
            f.replica_hours.map_or("—".into(), |h| format!("{h:.1}")),
            f.mean_replicas.map_or("—".into(), |m| format!("{m:.2}")),
            f.overloaded_minutes,
            f.overloaded_share
                .map_or("—".into(), |s| format!("{:.2}%", s * 100.0)),
            escape(&over),
            f.scale_events,
            f.flaps,
            f.reversals,
            opt(f.min_replicas),
            opt(f.max_replicas),
            opt(f.final_replicas),
        );
    }
    out.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_series_are_drawn_whole_and_gaps_break_the_line() {
        let v = [Some(1.0), Some(2.0), None, Some(3.0)];
        assert_eq!(
            downsample(&v, 10),
            vec![vec![(0, 1.0), (1, 2.0)], vec![(3, 3.0)]]
        );
    }

    #[test]
    fn long_series_keep_each_buckets_extremes() {
        // 20 000 values of 5 with one spike to 90 and one dip to 1.
        let mut v = vec![Some(5.0); 20_000];
        v[12_345] = Some(90.0);
        v[777] = Some(1.0);
        let runs = downsample(&v, 1000);
        assert_eq!(runs.len(), 1);
        let pts = &runs[0];
        // A flat bucket keeps one point; the two with an extreme keep two.
        assert_eq!(pts.len(), 1002);
        assert!(pts.contains(&(12_345, 90.0)) && pts.contains(&(777, 1.0)));
        assert!(pts.windows(2).all(|w| w[0].0 < w[1].0), "time order");
    }

    #[test]
    fn axes_round_up_and_text_is_escaped() {
        assert_eq!(nice_max(95.0), 100.0);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(12.0), 20.0);
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
