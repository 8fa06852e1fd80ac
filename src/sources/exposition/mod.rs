//! Strict, zero-copy parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0 expositions.
//!
//! `parse(input, format)` either returns every metric family of the exposition or rejects the
//! whole exposition with the line and column of the first problem, as the Prometheus server does
//! with a scrape. Names, label names and label values borrow from `input`; only strings that
//! contain an escape sequence are copied.
//!
//! The two dialects differ in more than syntax:
//!
//! * **Text 0.0.4** (`text/plain; version=0.0.4`): blank lines and `#` comments are allowed,
//!   spaces and tabs may separate tokens, no `# EOF` is needed, timestamps are integer
//!   milliseconds (converted to seconds here), untyped samples need no `TYPE` line. A second
//!   `TYPE`/`HELP` for a family, or a `TYPE` after the family's samples, is rejected.
//! * **OpenMetrics 1.0** (`application/openmetrics-text; version=1.0.0`): exactly one space
//!   between tokens, no blank lines or comments, `# EOF` required and last, float-second
//!   timestamps, exemplars, `UNIT`, the `gaugehistogram`/`stateset`/`info` types and the
//!   validity rules of the specification (counter values, histogram buckets, grouping, ...).
//!   It agrees with the OpenMetrics project's 211 parser test cases.
//!
//! Both accept quoted UTF-8 names: `{"my.metric", "label.x"="v"} 1`.
//!
//! Where the text format leaves room, the choices are: a value must be separated from a bare
//! metric name by whitespace (Prometheus's lexer would read `a+1` as `a` = `+1`); `# UNIT` is a
//! comment; a timestamp may be negative (as client_golang's parser allows); samples of a family
//! need not be contiguous (they join the family seen earlier); histogram and summary samples are
//! grouped but, as in Prometheus, not validated. Unknown backslash escapes in label values are
//! kept verbatim in both formats (as Prometheus and the OpenMetrics reference parser do).
//! Benchmarks and fuzzing: `bench/README.md`.

mod lex;
mod openmetrics;
mod text;

use std::borrow::Cow;
use std::fmt;

/// The exposition format of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    PrometheusText,
    /// OpenMetrics 1.0.0 (`application/openmetrics-text; version=1.0.0`).
    OpenMetrics,
}

impl Format {
    /// The format announced by an HTTP `Content-Type`, or `None` when it is neither exposition
    /// format (for example `application/json`). Parameters and case are ignored; `text/plain`
    /// with or without a version is the text format, as the Prometheus server treats it.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/openmetrics-text" => Some(Format::OpenMetrics),
            "text/plain" => Some(Format::PrometheusText),
            _ => None,
        }
    }

    /// The format of a file without a content type (a node_exporter textfile): OpenMetrics when
    /// its last line is `# EOF`, the text format otherwise.
    pub fn of_file_contents(body: &str) -> Format {
        let trimmed = body.strip_suffix('\n').unwrap_or(body);
        let last = trimmed.rsplit('\n').next().unwrap_or("");
        if last == "# EOF" {
            Format::OpenMetrics
        } else {
            Format::PrometheusText
        }
    }
}

/// The type of a metric family (`# TYPE` line). Families without a `TYPE` line are `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// `counter`: samples `<name>_total` and `<name>_created` (OpenMetrics), or `<name>` (text).
    Counter,
    /// `gauge`.
    Gauge,
    /// `histogram`: `<name>_bucket{le=...}`, `<name>_sum`, `<name>_count`, `<name>_created`.
    Histogram,
    /// `gaugehistogram` (OpenMetrics): `<name>_bucket{le=...}`, `<name>_gsum`, `<name>_gcount`.
    GaugeHistogram,
    /// `summary`: `<name>{quantile=...}`, `<name>_sum`, `<name>_count`, `<name>_created`.
    Summary,
    /// `info` (OpenMetrics): `<name>_info` with value 1.
    Info,
    /// `stateset` (OpenMetrics): `<name>{<name>="state"}` with value 0 or 1.
    StateSet,
    /// `unknown` (OpenMetrics) / `untyped` (text), or no `TYPE` line.
    Unknown,
}

impl MetricType {
    /// The OpenMetrics spelling of the type (`untyped` is spelled `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::GaugeHistogram => "gaugehistogram",
            MetricType::Summary => "summary",
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
            MetricType::Unknown => "unknown",
        }
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A whole parsed exposition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exposition<'a> {
    /// The metric families, in order of first appearance.
    pub families: Vec<MetricFamily<'a>>,
}

/// One metric family: its metadata and its samples (including `_bucket`, `_sum`, ... samples).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFamily<'a> {
    /// The family name (from the `TYPE`/`HELP` line, or the sample name for untyped samples).
    pub name: Cow<'a, str>,
    /// The declared type, `Unknown` when there was no `TYPE` line.
    pub kind: MetricType,
    /// The `HELP` text, unescaped.
    pub help: Option<Cow<'a, str>>,
    /// The `UNIT` (OpenMetrics only; an empty `UNIT` is `None`).
    pub unit: Option<Cow<'a, str>>,
    /// The samples, in exposition order.
    pub samples: Vec<MetricSample<'a>>,
}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSample<'a> {
    /// The full sample name, e.g. `http_request_duration_seconds_bucket`.
    pub name: Cow<'a, str>,
    /// The labels in exposition order, values unescaped.
    pub labels: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The value (`NaN` and infinities included).
    pub value: f64,
    /// The timestamp in seconds since the epoch (text-format milliseconds are converted).
    pub timestamp: Option<f64>,
    /// The exemplar (OpenMetrics only).
    pub exemplar: Option<Exemplar<'a>>,
}

/// An OpenMetrics exemplar: `# {trace_id="..."} 0.42 1700000000.123`.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar<'a> {
    /// The exemplar's labels.
    pub labels: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The exemplar's value.
    pub value: f64,
    /// The exemplar's timestamp in seconds.
    pub timestamp: Option<f64>,
}

/// Why an exposition was rejected, and where (1-based line and column; the column counts
/// characters, not bytes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    fn at(input: &str, fail: lex::Fail) -> ParseError {
        let offset = fail.offset.min(input.len());
        let before = input.as_bytes().get(..offset).unwrap_or_default();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        // Count characters when the offset is on a char boundary (it always should be).
        let column = 1 + input
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count());
        ParseError {
            line,
            column,
            message: fail.message,
        }
    }
}

/// Parses a whole exposition. Any invalid line rejects the whole exposition.
pub fn parse(input: &str, format: Format) -> Result<Exposition<'_>, ParseError> {
    let result = match format {
        Format::PrometheusText => text::parse(input),
        Format::OpenMetrics => openmetrics::parse(input),
    };
    result.map_err(|f| ParseError::at(input, f))
}

impl MetricSample<'_> {
    /// The value of label `name`, if the sample has it.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_ref())
    }
}

impl<'a> MetricFamily<'a> {
    /// The samples of this family whose sample name is `name` (e.g. `x_bucket`).
    pub fn samples_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s MetricSample<'a>> + 's {
        self.samples.iter().filter(move |s| s.name == name)
    }
}

impl<'a> Exposition<'a> {
    /// Every sample named `name` (a sample name such as `http_requests_total` or `x_bucket`),
    /// across families, in exposition order.
    pub fn samples_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s MetricSample<'s>> {
        self.families
            .iter()
            .filter(move |f| name.starts_with(f.name.as_ref()))
            .flat_map(move |f| f.samples.iter().filter(move |s| s.name == name))
    }

    /// The family named `name` (a family name, e.g. `http_requests` for an OpenMetrics counter).
    pub fn family(&self, name: &str) -> Option<&MetricFamily<'a>> {
        self.families.iter().find(|f| f.name == name)
    }

    /// The total number of samples.
    pub fn sample_count(&self) -> usize {
        self.families.iter().map(|f| f.samples.len()).sum()
    }
}

/// Test helpers shared by the format modules' tests: parse or expect a rejection, with the
/// input in the failure message.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{Exposition, Format, ParseError, parse};

    /// `input` parsed as `format`; panics with the error and the input otherwise.
    pub fn accepted(input: &str, format: Format) -> Exposition<'_> {
        parse(input, format).unwrap_or_else(|e| panic!("{e}\n{input}"))
    }

    /// The error `input` is rejected with as `format`; panics if it parses.
    pub fn rejected(input: &str, format: Format) -> ParseError {
        match parse(input, format) {
            Ok(e) => panic!("should have been rejected: {input:?}\n{e:?}"),
            Err(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Label-value escaping as exporters write it.
    fn escape(v: &str) -> String {
        v.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    }

    proptest! {
        #[test]
        fn any_label_value_round_trips_in_both_formats(
            value in "(\\PC|\n){0,40}",
            other in "[a-z{},=# \\\\\"]{0,12}",
        ) {
            for (format, end) in [(Format::PrometheusText, ""), (Format::OpenMetrics, "# EOF\n")] {
                let input = format!(
                    "m{{a=\"{}\",b=\"{}\"}} 1\n{end}",
                    escape(&value),
                    escape(&other)
                );
                let e = parse(&input, format).map_err(|e| TestCaseError::fail(format!("{e}: {input:?}")))?;
                let s = &e.families[0].samples[0];
                prop_assert_eq!(s.label("a"), Some(value.as_str()));
                prop_assert_eq!(s.label("b"), Some(other.as_str()));
                prop_assert_eq!(
                    matches!(s.labels[0].1, Cow::Borrowed(_)),
                    !value.contains(['\\', '"', '\n'])
                );
            }
        }

        #[test]
        fn garbage_never_panics_and_errors_point_inside_the_input(
            input in "[a-z_{}=,\" #\\\\\n0-9.+eEIinfNa\t-]{0,80}",
        ) {
            for format in [Format::PrometheusText, Format::OpenMetrics] {
                if let Err(e) = parse(&input, format) {
                    prop_assert!(e.line >= 1 && e.line <= input.split('\n').count());
                    prop_assert!(e.column >= 1);
                }
            }
        }
    }

    #[test]
    fn content_types_and_file_sniffing() {
        assert_eq!(
            Format::from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            Some(Format::OpenMetrics)
        );
        assert_eq!(
            Format::from_content_type("text/plain; version=0.0.4; charset=utf-8"),
            Some(Format::PrometheusText)
        );
        assert_eq!(
            Format::from_content_type("Text/Plain"),
            Some(Format::PrometheusText)
        );
        assert_eq!(Format::from_content_type("application/json"), None);
        assert_eq!(
            Format::of_file_contents("a 1\n# EOF\n"),
            Format::OpenMetrics
        );
        assert_eq!(Format::of_file_contents("a 1\n# EOF"), Format::OpenMetrics);
        assert_eq!(Format::of_file_contents("a 1\n"), Format::PrometheusText);
        assert_eq!(
            Format::of_file_contents("# EOF\na 1\n"),
            Format::PrometheusText
        );
    }

    #[test]
    fn error_display_and_position_in_characters() {
        let e = parse("ok 1\nbad{é=\"x\"} 1\n", Format::PrometheusText).unwrap_err();
        assert_eq!((e.line, e.column), (2, 5));
        assert_eq!(e.to_string(), format!("line 2, column 5: {}", e.message));
        let as_error: &dyn std::error::Error = &e;
        assert!(
            as_error
                .to_string()
                .starts_with("line 2, column 5: expected label name")
        );
        // Column counts characters: the 'é' in the label value is one column.
        let e = parse("a{x=\"é\"} 1 zz\n", Format::PrometheusText).unwrap_err();
        assert_eq!((e.line, e.column), (1, 12));
    }

    #[test]
    fn samples_named_and_label_lookup() {
        let input = "# TYPE x histogram\n\
                     x_bucket{le=\"1\"} 1\n\
                     x_bucket{le=\"+Inf\"} 2\n\
                     x_sum 3\n\
                     x_count 2\n\
                     # TYPE x_bucket_extra gauge\n\
                     x_bucket_extra 7\n";
        let e = parse(input, Format::PrometheusText).unwrap();
        let les: Vec<_> = e
            .samples_named("x_bucket")
            .filter_map(|s| s.label("le"))
            .collect();
        assert_eq!(les, ["1", "+Inf"]);
        assert_eq!(
            e.samples_named("x_count")
                .map(|s| s.value)
                .collect::<Vec<_>>(),
            [2.0]
        );
        assert_eq!(e.samples_named("x_bucket_extra").count(), 1);
        assert_eq!(e.samples_named("nope").count(), 0);
        assert_eq!(e.sample_count(), 5);
        assert_eq!(e.family("x").map(|f| f.kind), Some(MetricType::Histogram));
        let first = &e.families[0].samples[0];
        assert_eq!(first.label("le"), Some("1"));
        assert_eq!(first.label("nope"), None);
        assert_eq!(e.families[0].samples_named("x_sum").count(), 1);
    }
}
