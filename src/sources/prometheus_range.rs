//! Prometheus range queries (`GET <base>/api/v1/query_range`) for `replay --prometheus`: a long
//! history built from the same per-metric queries as the instant source, plus the observed
//! replica count (the query named `replicas`).
//!
//! A range is `start`, `start + step`, … up to `end`. Prometheus refuses more than 11 000 points
//! per query, so longer ranges are fetched in chunks of at most [`MAX_POINTS`] points and put
//! back together by timestamp. A point the answer lacks (a gap), a `NaN`/`±Inf` value, a failed
//! query or an answer with several series leave that metric *unknown* at those steps — never 0.
//!
//! The URL building, the parsing of answers and the assembly into samples are pure; the HTTP GETs
//! go through `sources::endpoint::Scraper` in [`fetch`].

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::endpoint::Scraper;
use super::prometheus::{api_data, api_url, clean, fetch_api};
use crate::sample::{Metric, Sample, set_replicas};

/// Points per query Prometheus accepts is 11 000; chunks stay at or below it.
pub const MAX_POINTS: usize = 11_000;

/// The most points a replay range may have (a year at 15 s steps).
pub const MAX_RANGE_POINTS: usize = 2_200_000;

/// Queries sent at once.
const CONCURRENCY: usize = 8;

/// The name of the replica-count query (`--prometheus-query replicas=…`).
pub const REPLICAS: &str = crate::sample::REPLICAS;

/// Parse a `--from`/`--to` time: RFC 3339 (`2026-11-23T18:00:00Z`), `now`, or relative to now
/// (`-7d`, `-36h`, `now-90m`).
pub fn parse_time(s: &str, now: Timestamp) -> Result<Timestamp, String> {
    let t = s.trim();
    if t == "now" {
        return Ok(now);
    }
    if let Some(ago) = t.strip_prefix("now-").or_else(|| t.strip_prefix('-')) {
        let d = humantime::parse_duration(ago.trim())
            .map_err(|e| format!("'{s}' is not a time like -7d or now-36h: {e}"))?;
        let d = SignedDuration::try_from(d).map_err(|e| format!("'{s}': {e}"))?;
        return now
            .checked_sub(d)
            .map_err(|e| format!("'{s}' is too far in the past: {e}"));
    }
    t.parse::<Timestamp>().map_err(|e| {
        format!("'{s}' is not a time (RFC 3339 like 2026-11-23T18:00:00Z, now, or -7d): {e}")
    })
}

/// The evaluation points of a range: `start`, `start + step`, … ≤ `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The first point.
    pub start: Timestamp,
    /// No point after this.
    pub end: Timestamp,
    /// Between points (at least 1 ms).
    pub step: Duration,
}

impl Range {
    /// A checked range: `start < end`, a step of at least a millisecond.
    pub fn new(start: Timestamp, end: Timestamp, step: Duration) -> Result<Range, String> {
        if step.as_millis() == 0 {
            return Err(format!("step '{step:?}' is below a millisecond"));
        }
        if start >= end {
            return Err(format!("--from '{start}' is not before --to '{end}'"));
        }
        let range = Range { start, end, step };
        if range.points() > MAX_RANGE_POINTS {
            return Err(format!(
                "--step '{}': {} points from {start} to {end} is more than {MAX_RANGE_POINTS}; take a longer step",
                humantime::format_duration(step),
                range.points()
            ));
        }
        Ok(range)
    }

    fn step_ms(&self) -> i64 {
        i64::try_from(self.step.as_millis()).unwrap_or(i64::MAX)
    }

    /// How many points the range has.
    pub fn points(&self) -> usize {
        let span = self.end.as_millisecond() - self.start.as_millisecond();
        usize::try_from(span / self.step_ms()).map_or(usize::MAX, |n| n.saturating_add(1))
    }

    /// The `i`-th point.
    pub fn at(&self, i: usize) -> Timestamp {
        let ms = self.start.as_millisecond()
            + i64::try_from(i)
                .unwrap_or(i64::MAX)
                .saturating_mul(self.step_ms());
        Timestamp::from_millisecond(ms).unwrap_or(self.end)
    }

    /// The index of the point nearest to `t` (seconds since the epoch), if inside the range.
    pub fn index_of(&self, t: f64) -> Option<usize> {
        let offset = t * 1000.0 - self.start.as_millisecond() as f64;
        let i = (offset / self.step_ms() as f64).round();
        (i >= 0.0 && i < self.points() as f64).then_some(i as usize)
    }

    /// The chunks of at most `max` points each: (first index, sub-range).
    pub fn chunks(&self, max: usize) -> Vec<(usize, Range)> {
        let n = self.points();
        let max = max.max(1);
        (0..n)
            .step_by(max)
            .map(|first| {
                let last = (first + max).min(n) - 1;
                let sub = Range {
                    start: self.at(first),
                    end: self.at(last),
                    step: self.step,
                };
                (first, sub)
            })
            .collect()
    }
}

fn seconds(t: Timestamp) -> String {
    let ms = t.as_millisecond();
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}

/// `<base>/api/v1/query_range?query=…&start=…&end=…&step=…` (times in seconds since the epoch).
pub fn range_url(base: &str, promql: &str, range: &Range) -> Result<String, String> {
    let mut url = api_url(base, "query_range")?;
    let step_ms = range.step_ms();
    url.query_pairs_mut()
        .clear()
        .append_pair("query", promql)
        .append_pair("start", &seconds(range.start))
        .append_pair("end", &seconds(range.end))
        .append_pair("step", &format!("{}.{:03}", step_ms / 1000, step_ms % 1000));
    Ok(url.to_string())
}

#[derive(Deserialize)]
struct MatrixSeries {
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// The points of a range answer: (seconds since the epoch, value), a non-finite value as
/// `None`. An empty result is no points. `Err`: an API error, a non-matrix answer, or several
/// series where one was expected.
pub fn parse_matrix(body: &str) -> Result<Vec<(f64, Option<f64>)>, String> {
    let (result_type, result) = api_data::<Vec<MatrixSeries>>(body, "range answer")?;
    if result_type != "matrix" {
        return Err(format!("a {result_type} result, not a range matrix"));
    }
    match result.as_slice() {
        [] => Ok(Vec::new()),
        [one] => one
            .values
            .iter()
            .map(|(t, v)| {
                let value: f64 = v
                    .parse()
                    .map_err(|_| format!("value '{v}' is not a number"))?;
                Ok((*t, value.is_finite().then_some(value)))
            })
            .collect(),
        many => Err(format!(
            "{} series where one was expected (aggregate with sum/avg)",
            many.len()
        )),
    }
}

/// What to ask: each metric's query, and the replica-count query if any.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeQueries {
    /// Per metric (the instant source's queries and overrides).
    pub metrics: BTreeMap<Metric, String>,
    /// The observed replica count, e.g. `kube_deployment_status_replicas{deployment="web"}`.
    pub replicas: Option<String>,
}

impl RangeQueries {
    /// Every (name, query) pair, metrics first.
    pub fn named(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .metrics
            .iter()
            .map(|(m, q)| (m.name().to_string(), q.clone()))
            .collect();
        if let Some(q) = &self.replicas {
            all.push((REPLICAS.to_string(), q.clone()));
        }
        all
    }
}

/// How one query fared over the whole range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RangeReading {
    /// The metric name, or `replicas`.
    pub name: String,
    /// The query sent.
    pub query: String,
    /// Points with a known value.
    pub known: usize,
    /// The first error of any chunk (that chunk's points stay unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A history built from range answers.
#[derive(Debug, Clone, Default)]
pub struct RangeHistory {
    /// One sample per point of the range, oldest first; the observed replica count, when its
    /// query answered, in the `replicas` field.
    pub samples: Vec<Sample>,
    /// One per query.
    pub readings: Vec<RangeReading>,
}

/// Builds a [`RangeHistory`] from answers as they arrive (each body is read and dropped, so a
/// long range never holds every answer at once).
#[derive(Debug)]
pub struct Assembler {
    range: Range,
    samples: Vec<Sample>,
    readings: Vec<RangeReading>,
}

impl Assembler {
    /// One sample per point of `range`, and one reading per (name, query).
    pub fn new(range: Range, named: Vec<(String, String)>) -> Assembler {
        let samples = (0..range.points())
            .map(|i| Sample {
                timestamp: Some(range.at(i)),
                ..Sample::default()
            })
            .collect();
        let readings = named
            .into_iter()
            .map(|(name, query)| RangeReading {
                name,
                query,
                known: 0,
                error: None,
            })
            .collect();
        Assembler {
            range,
            samples,
            readings,
        }
    }

    /// Read one chunk's answer (or why there is none) for the `q`-th query. Points outside the
    /// range or between steps are dropped; unknown points stay unknown.
    pub fn add(&mut self, q: usize, body: Result<String, String>) {
        let Some(reading) = self.readings.get_mut(q) else {
            return;
        };
        let points = match body.and_then(|b| parse_matrix(&b)) {
            Ok(p) => p,
            Err(e) => {
                reading.error.get_or_insert(e);
                return;
            }
        };
        let metric = reading.name.parse::<Metric>().ok();
        for (t, value) in points {
            let (Some(i), Some(v)) = (self.range.index_of(t), value) else {
                continue;
            };
            let s = &mut self.samples[i];
            match metric {
                Some(m) => s.set(m, Some(clean(m, v))),
                None if v >= 0.0 => {
                    set_replicas(s, Some(v.round().min(f64::from(u32::MAX)) as u32))
                }
                None => continue,
            }
            reading.known += 1;
        }
    }

    /// The history.
    pub fn finish(self) -> RangeHistory {
        RangeHistory {
            samples: self.samples,
            readings: self.readings,
        }
    }
}

/// Fetch every query over `range` from the Prometheus at `base`, in chunks of at most
/// [`MAX_POINTS`], a few at a time; `progress(done, total)` is called after each answer.
pub async fn fetch(
    scraper: &Scraper,
    base: &str,
    queries: &RangeQueries,
    range: &Range,
    mut progress: impl FnMut(usize, usize),
) -> Result<RangeHistory, String> {
    let chunks = range.chunks(MAX_POINTS);
    let named = queries.named();
    let mut jobs = Vec::new();
    for (q, (_, query)) in named.iter().enumerate() {
        for (_, sub) in &chunks {
            jobs.push((q, range_url(base, query, sub)?));
        }
    }
    let total = jobs.len();
    let mut out = Assembler::new(*range, named);
    let mut answers = futures_util::stream::iter(jobs)
        .map(|(q, url)| async move { (q, fetch_api(scraper, &url).await) })
        .buffer_unordered(CONCURRENCY);
    let mut done = 0;
    while let Some((q, body)) = answers.next().await {
        out.add(q, body);
        done += 1;
        progress(done, total);
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::replicas_of;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn times_parse_absolute_relative_and_now() {
        let now = ts("2026-12-01T12:00:00Z");
        assert_eq!(parse_time("now", now), Ok(now));
        assert_eq!(parse_time("-7d", now), Ok(ts("2026-11-24T12:00:00Z")));
        assert_eq!(parse_time("now-90m", now), Ok(ts("2026-12-01T10:30:00Z")));
        assert_eq!(
            parse_time("2026-11-23T18:00:00+01:00", now),
            Ok(ts("2026-11-23T17:00:00Z"))
        );
        assert!(
            parse_time("yesterday", now)
                .unwrap_err()
                .contains("'yesterday'")
        );
        assert!(parse_time("-7x", now).unwrap_err().contains("-7d"));
    }

    #[test]
    fn ranges_count_points_and_split_into_chunks_of_at_most_the_limit() {
        let start = ts("2026-11-24T00:00:00Z");
        let week = Range::new(start, ts("2026-12-01T00:00:00Z"), Duration::from_secs(30)).unwrap();
        // 7 × 2880 intervals, both ends included.
        assert_eq!(week.points(), 20_161);
        let chunks = week.chunks(MAX_POINTS);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].0, 0);
        assert_eq!(chunks[0].1.points(), MAX_POINTS);
        assert_eq!(chunks[1].0, MAX_POINTS);
        assert_eq!(chunks[1].1.start, week.at(MAX_POINTS));
        assert_eq!(chunks[1].1.end, week.end);
        let covered: usize = chunks.iter().map(|(_, r)| r.points()).sum();
        assert_eq!(covered, week.points());
        assert_eq!(week.index_of(start.as_second() as f64 + 60.0), Some(2));
        assert_eq!(week.index_of(start.as_second() as f64 - 60.0), None);
        assert!(Range::new(start, start, Duration::from_secs(30)).is_err());
        assert!(Range::new(start, week.end, Duration::ZERO).is_err());
        let e = Range::new(start, week.end, Duration::from_millis(100)).unwrap_err();
        assert!(e.contains("longer step"), "{e}");
    }

    #[test]
    fn range_urls_carry_the_window_in_seconds() {
        let r = Range::new(
            ts("2026-11-24T00:00:00Z"),
            ts("2026-11-24T01:00:00Z"),
            Duration::from_millis(30_500),
        )
        .unwrap();
        let u = range_url("http://127.0.0.1:9090/prom/", "sum(up)", &r).unwrap();
        assert!(u.starts_with("http://127.0.0.1:9090/prom/api/v1/query_range?query=sum%28up%29&start=1795478400.000&end=1795482000.000&step=30.500"), "{u}");
        assert!(range_url("ftp://h", "x", &r).is_err());
    }

    fn matrix(values: &str) -> String {
        format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{}},"values":[{values}]}}]}}}}"#
        )
    }

    #[test]
    fn matrices_parse_nan_is_unknown_and_errors_are_named() {
        assert_eq!(
            parse_matrix(&matrix(r#"[100,"1.5"],[130,"NaN"]"#)),
            Ok(vec![(100.0, Some(1.5)), (130.0, None)])
        );
        let empty = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert_eq!(parse_matrix(empty), Ok(vec![]));
        let two = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[]},{"metric":{},"values":[]}]}}"#;
        assert!(parse_matrix(two).unwrap_err().contains("2 series"));
        let err = r#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries"}"#;
        assert!(parse_matrix(err).unwrap_err().contains("11,000"));
        assert!(parse_matrix("<html>").is_err());
    }

    #[test]
    fn assembly_keeps_gaps_and_failures_unknown_never_zero() {
        let r = Range::new(
            Timestamp::from_second(1000).unwrap(),
            Timestamp::from_second(1090).unwrap(),
            Duration::from_secs(30),
        )
        .unwrap();
        // Points 0, 1, 3: cpu known at 0 and 3 (101: utilization may exceed 100), NaN at 1, missing at 2.
        let cpu = vec![Ok(matrix(r#"[1000,"40"],[1030,"NaN"],[1090,"101"]"#))];
        let replicas = vec![Ok(matrix(r#"[1000,"4"],[1030,"5"],[1060,"5"],[1090,"6"]"#))];
        let memory = vec![Err("HTTP 503".to_string())];
        let mut a = Assembler::new(
            r,
            vec![
                ("cpu_percent".into(), "cpu".into()),
                ("memory_percent".into(), "mem".into()),
                ("replicas".into(), "rep".into()),
            ],
        );
        for (q, chunks) in [cpu, memory, replicas].into_iter().enumerate() {
            for body in chunks {
                a.add(q, body);
            }
        }
        let h = a.finish();
        assert_eq!(h.samples.len(), 4);
        let cpu: Vec<Option<f64>> = h.samples.iter().map(|s| s.cpu_percent).collect();
        assert_eq!(cpu, [Some(40.0), None, None, Some(101.0)]);
        assert!(h.samples.iter().all(|s| s.memory_percent.is_none()));
        let reps: Vec<Option<u32>> = h.samples.iter().map(replicas_of).collect();
        assert_eq!(reps, [4, 5, 5, 6].map(Some));
        assert_eq!(h.samples[2].timestamp, Timestamp::from_second(1060).ok());
        assert_eq!((h.readings[0].known, h.readings[1].known), (2, 0));
        assert_eq!(h.readings[1].error.as_deref(), Some("HTTP 503"));
    }
}
