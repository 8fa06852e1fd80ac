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
    /// its last line is `# EOF` and it is otherwise valid OpenMetrics (as the Prometheus server
    /// reads it), the text format otherwise (where `# EOF` is a comment).
    pub fn of_file_contents(body: &str) -> Format {
        let trimmed = body.strip_suffix('\n').unwrap_or(body);
        let last = trimmed.rsplit('\n').next().unwrap_or("");
        if last == "# EOF" && parse_with(body, Format::OpenMetrics, Strictness::Prometheus).is_ok()
        {
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

/// How much of the formats' rules a parse applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strictness {
    /// What the Prometheus server's scrape parser (`model/textparse`) accepts: the syntax of
    /// each line, `# EOF` and UNIT suffixes in OpenMetrics, valid numbers and timestamps, no
    /// duplicate label name, no trailing comma in an OpenMetrics label set, exemplars only on
    /// samples named `*_total`/`*_bucket`. Family rules (metadata order, clashing names,
    /// grouping, counter and histogram values, `_info`/`_total` suffixes) are not checked.
    /// The default. Checked case by case against a real Prometheus 2.42's scrapes
    /// (tests/fixtures/openmetrics-parsers/prometheus-2.42-scrape.tsv).
    #[default]
    Prometheus,
    /// Everything the formats forbid is rejected (`--strict-exposition`): OpenMetrics's
    /// validity rules, and one `HELP`/`TYPE` per family before its samples in the text format.
    Strict,
}

/// Parses a whole exposition strictly. Any invalid line rejects the whole exposition.
pub fn parse(input: &str, format: Format) -> Result<Exposition<'_>, ParseError> {
    parse_with(input, format, Strictness::Strict)
}

/// Parses a whole exposition with the given strictness. Whatever `Strict` accepts, `Prometheus`
/// accepts too (with the same samples).
pub fn parse_with(
    input: &str,
    format: Format,
    strictness: Strictness,
) -> Result<Exposition<'_>, ParseError> {
    let strict = strictness == Strictness::Strict;
    let result = match format {
        Format::PrometheusText => text::parse(input, strict),
        Format::OpenMetrics => openmetrics::parse(input, strict),
    };
    result.map_err(|f| ParseError::at(input, f))
}

/// The first rule of the format that a page the Prometheus server accepts breaks (`None` when
/// it is strictly valid, or when even Prometheus rejects it).
pub fn first_violation(input: &str, format: Format) -> Option<ParseError> {
    match parse_with(input, format, Strictness::Prometheus) {
        Ok(_) => parse(input, format).err(),
        Err(_) => None,
    }
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

    /// Pages the Prometheus server scrapes that a format's rules forbid: accepted by default
    /// (with every sample), rejected with `Strict`.
    const PROMETHEUS_ACCEPTS: &[(&str, Format, &str, usize)] = &[
        (
            "client_golang OpenMetrics: gauge x, then counter x_total announced as x",
            Format::OpenMetrics,
            "# HELP go_memstats_alloc_bytes Bytes in use.\n\
             # TYPE go_memstats_alloc_bytes gauge\n\
             go_memstats_alloc_bytes 1.5e+06\n\
             # HELP go_memstats_alloc_bytes Total bytes allocated.\n\
             # TYPE go_memstats_alloc_bytes counter\n\
             go_memstats_alloc_bytes_total 9.1e+06\n\
             # EOF\n",
            2,
        ),
        (
            "OpenMetrics: gauge x, then a family x_total of its own",
            Format::OpenMetrics,
            "# TYPE go_memstats_alloc_bytes gauge\n\
             go_memstats_alloc_bytes 1.5e+06\n\
             # HELP go_memstats_alloc_bytes_total Total bytes allocated.\n\
             # TYPE go_memstats_alloc_bytes_total counter\n\
             go_memstats_alloc_bytes_total 9.1e+06\n\
             # EOF\n",
            2,
        ),
        (
            "text: TYPE repeated for a family after other samples",
            Format::PrometheusText,
            "# TYPE a counter\na 1\n# TYPE b gauge\nb 2\n# TYPE a counter\na{x=\"y\"} 3\n",
            3,
        ),
        (
            "text: second HELP, and TYPE after the family's samples",
            Format::PrometheusText,
            "# HELP a one\n# HELP a two\na 1\n# TYPE a gauge\na{x=\"1\"} 2\n",
            2,
        ),
        (
            "OpenMetrics: negative histogram _sum, summary _sum and quantile",
            Format::OpenMetrics,
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum -3.5\nh_count 2\n\
             # TYPE s summary\ns{quantile=\"0.5\"} -1\ns_sum -2\ns_count 1\n# EOF\n",
            6,
        ),
        (
            "OpenMetrics: a timestamp on some samples of a group only",
            Format::OpenMetrics,
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1 1700000000\nh_sum 1\nh_count 1\n# EOF\n",
            3,
        ),
        (
            "OpenMetrics: an info family whose sample omits _info",
            Format::OpenMetrics,
            "# TYPE build info\nbuild{version=\"1.0\"} 1\n# EOF\n",
            1,
        ),
        (
            "OpenMetrics: a __ label name (Prometheus's lexer allows it)",
            Format::OpenMetrics,
            "a{x=\"1\"} 1\nb{__x=\"1\"} 2\n# EOF\n",
            2,
        ),
        (
            "OpenMetrics: an exemplar on a gauge named *_bucket (Prometheus goes by the name)",
            Format::OpenMetrics,
            "# TYPE g_bucket gauge\ng_bucket 1 # {id=\"x\"} 1\n# EOF\n",
            1,
        ),
        (
            "text: a value right after the name (Prometheus's lexer splits 'a+1')",
            Format::PrometheusText,
            "a+1\n",
            1,
        ),
    ];

    /// Pages the Prometheus server rejects: rejected in both modes.
    const PROMETHEUS_REJECTS: &[(&str, Format, &str)] = &[
        ("no # EOF", Format::OpenMetrics, "a 1\n"),
        ("text after # EOF", Format::OpenMetrics, "a 1\n# EOF\nb 1\n"),
        ("a blank line", Format::OpenMetrics, "a 1\n\nb 1\n# EOF\n"),
        ("a comment", Format::OpenMetrics, "# hello\na 1\n# EOF\n"),
        ("two spaces", Format::OpenMetrics, "a  1\n# EOF\n"),
        ("a NaN timestamp", Format::OpenMetrics, "a 1 NaN\n# EOF\n"),
        (
            "a UNIT that is not the name's suffix",
            Format::OpenMetrics,
            "# TYPE a_seconds gauge\n# UNIT a_seconds milliseconds\na_seconds 1\n# EOF\n",
        ),
        (
            "an unknown type",
            Format::OpenMetrics,
            "# TYPE a foo\na 1\n# EOF\n",
        ),
        (
            "a duplicate label name",
            Format::OpenMetrics,
            "a{x=\"1\",x=\"2\"} 1\n# EOF\n",
        ),
        ("an invalid value", Format::OpenMetrics, "a one\n# EOF\n"),
        (
            "a trailing comma in a label set (Prometheus 2.42 scrapes it as up 0)",
            Format::OpenMetrics,
            "a{x=\"1\",} 1\n# EOF\n",
        ),
        (
            "an exemplar on a gauge (Prometheus 2.42: not named *_total or *_bucket)",
            Format::OpenMetrics,
            "# TYPE g gauge\ng 1 # {id=\"x\"} 1\n# EOF\n",
        ),
        (
            "an exemplar on a histogram's _sum",
            Format::OpenMetrics,
            "# TYPE h histogram\nh_sum 1 # {id=\"x\"} 1\nh_count 1\n# EOF\n",
        ),
        (
            "an unknown type",
            Format::PrometheusText,
            "# TYPE a foo\na 1\n",
        ),
        ("an invalid value", Format::PrometheusText, "a one\n"),
        (
            "a fractional timestamp",
            Format::PrometheusText,
            "a 1 1.5\n",
        ),
        ("a missing value", Format::PrometheusText, "a\n"),
        (
            "a duplicate label name",
            Format::PrometheusText,
            "a{x=\"1\",x=\"2\"} 1\n",
        ),
        (
            "an unterminated label value",
            Format::PrometheusText,
            "a{x=\"1} 1\n",
        ),
        (
            "an invalid label name",
            Format::PrometheusText,
            "a{1x=\"y\"} 1\n",
        ),
        (
            "text after the timestamp",
            Format::PrometheusText,
            "a 1 2 3\n",
        ),
    ];

    #[test]
    fn the_default_accepts_what_prometheus_accepts_and_strict_rejects_it() {
        for &(what, format, page, samples) in PROMETHEUS_ACCEPTS {
            let e = parse_with(page, format, Strictness::default())
                .unwrap_or_else(|e| panic!("{what}: {e}\n{page}"));
            assert_eq!(e.sample_count(), samples, "{what}");
            let strict = parse(page, format).err();
            assert!(strict.is_some(), "{what}: strict mode should reject it");
            assert_eq!(first_violation(page, format), strict, "{what}");
        }
    }

    #[test]
    fn what_prometheus_rejects_stays_rejected_in_both_modes() {
        for &(what, format, page) in PROMETHEUS_REJECTS {
            for mode in [Strictness::Prometheus, Strictness::Strict] {
                assert!(
                    parse_with(page, format, mode).is_err(),
                    "{what} ({format:?}, {mode:?}) should be rejected: {page:?}"
                );
            }
            assert_eq!(first_violation(page, format), None, "{what}");
        }
    }

    #[test]
    fn family_switches_keep_each_family_with_its_own_type() {
        let (_, _, page, _) = PROMETHEUS_ACCEPTS[0];
        let e = parse_with(page, Format::OpenMetrics, Strictness::Prometheus).unwrap();
        let kinds: Vec<_> = e
            .families
            .iter()
            .map(|f| (f.name.as_ref(), f.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("go_memstats_alloc_bytes", MetricType::Gauge),
                ("go_memstats_alloc_bytes", MetricType::Counter)
            ]
        );
        assert_eq!(
            e.samples_named("go_memstats_alloc_bytes_total")
                .map(|s| s.value)
                .collect::<Vec<_>>(),
            [9.1e6]
        );
        let (_, _, page, _) = PROMETHEUS_ACCEPTS[2];
        let e = parse_with(page, Format::PrometheusText, Strictness::Prometheus).unwrap();
        assert_eq!(e.samples_named("a").count(), 2);
        assert_eq!(first_violation("a 1\n# EOF\n", Format::OpenMetrics), None);
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
        // Text-format syntax (a comment, a tab, a blank line) before a final '# EOF': text.
        for text in [
            "# a comment\na 1\n# EOF\n",
            "a\t1\n# EOF\n",
            "a 1\n\n# EOF\n",
        ] {
            assert_eq!(
                Format::of_file_contents(text),
                Format::PrometheusText,
                "{text:?}"
            );
            assert!(parse_with(text, Format::PrometheusText, Strictness::Prometheus).is_ok());
        }
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
