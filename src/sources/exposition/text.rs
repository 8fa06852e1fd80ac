//! The Prometheus text format 0.0.4, accepted as the Prometheus server's text parser accepts it.
//!
//! Line by line: blank lines are skipped, `# HELP`/`# TYPE` lines open or describe a family,
//! other `#` lines are comments, everything else is a sample
//! `name[{labels}] value [timestamp_ms]` with spaces or tabs between tokens.

use std::borrow::Cow;
use std::collections::HashMap;

use super::lex::{self, LResult, Line, fail};
use super::{Exposition, MetricFamily, MetricSample, MetricType};

/// Which sample-name suffixes a text-format family of this type owns.
fn owns_suffix(kind: MetricType, suffix: &str) -> bool {
    match kind {
        MetricType::Counter => matches!(suffix, "" | "_total" | "_created"),
        MetricType::Histogram => matches!(suffix, "_bucket" | "_sum" | "_count" | "_created"),
        MetricType::Summary => matches!(suffix, "" | "_sum" | "_count" | "_created"),
        _ => suffix.is_empty(),
    }
}

fn owns(family: &MetricFamily<'_>, sample_name: &str) -> bool {
    sample_name
        .strip_prefix(family.name.as_ref())
        .is_some_and(|suffix| owns_suffix(family.kind, suffix))
}

struct Builder<'a> {
    /// One `HELP`/`TYPE` per family, before its samples (`false`: any metadata line is taken as
    /// it comes, as the Prometheus server does).
    strict: bool,
    families: Vec<MetricFamily<'a>>,
    /// Family name → index in `families`.
    index: HashMap<Cow<'a, str>, usize>,
    /// Whether each family had a `TYPE` line (an explicit `untyped` is still a `TYPE` line).
    typed: Vec<bool>,
    current: Option<usize>,
    /// Reused label buffer (see `Line::label_set`).
    scratch: lex::Labels<'a>,
}

impl<'a> Builder<'a> {
    fn new_family(&mut self, name: Cow<'a, str>) -> usize {
        let i = self.families.len();
        // A second family of the same name (an untyped `x` next to a histogram `x`) must not
        // hide the first one from the suffix lookup.
        self.index.entry(name.clone()).or_insert(i);
        self.families.push(MetricFamily {
            name,
            kind: MetricType::Unknown,
            help: None,
            unit: None,
            samples: Vec::new(),
        });
        self.typed.push(false);
        self.current = Some(i);
        i
    }

    /// The family a `HELP`/`TYPE` line for `name` describes.
    fn family_for_metadata(
        &mut self,
        name: Cow<'a, str>,
        offset: usize,
        what: &str,
    ) -> LResult<usize> {
        if let Some(i) = self.current
            && self.families.get(i).is_some_and(|f| f.name == name)
        {
            return Ok(i);
        }
        if self.index.contains_key(&name) {
            if !self.strict {
                // A family switch: the metadata describes a new family of the same name.
                return Ok(self.new_family(name));
            }
            return fail(
                offset,
                format!("{what} line for metric '{name}' after its family ended"),
            );
        }
        Ok(self.new_family(name))
    }

    fn help(&mut self, name: Cow<'a, str>, help: Cow<'a, str>, offset: usize) -> LResult<()> {
        let i = self.family_for_metadata(name, offset, "HELP")?;
        let Some(f) = self.families.get_mut(i) else {
            return fail(offset, "internal error: missing family");
        };
        if f.help.is_some() && self.strict {
            return fail(offset, format!("second HELP line for metric '{}'", f.name));
        }
        f.help = Some(help);
        Ok(())
    }

    fn r#type(&mut self, name: Cow<'a, str>, kind: MetricType, offset: usize) -> LResult<()> {
        let mut i = self.family_for_metadata(name, offset, "TYPE")?;
        if !self.strict
            && (self.typed.get(i) == Some(&true)
                || self.families.get(i).is_some_and(|f| !f.samples.is_empty()))
        {
            // A repeated TYPE, or one after the samples: a new family from here on.
            let name = self
                .families
                .get(i)
                .map(|f| f.name.clone())
                .unwrap_or_default();
            i = self.new_family(name);
        }
        let (Some(f), Some(typed)) = (self.families.get_mut(i), self.typed.get_mut(i)) else {
            return fail(offset, "internal error: missing family");
        };
        if *typed {
            return fail(offset, format!("second TYPE line for metric '{}'", f.name));
        }
        if !f.samples.is_empty() {
            return fail(
                offset,
                format!("TYPE line for metric '{}' after its samples", f.name),
            );
        }
        *typed = true;
        f.kind = kind;
        Ok(())
    }

    fn sample(&mut self, sample: MetricSample<'a>) {
        // Fast path: the sample belongs to the family being read.
        if let Some(f) = self.current.and_then(|i| self.families.get_mut(i))
            && owns(f, &sample.name)
        {
            f.samples.push(sample);
            return;
        }
        // A family seen earlier (samples need not be contiguous in the text format), found by
        // the sample's own name or by stripping a suffix its family type owns.
        let mut target = self.index.get(&sample.name).copied();
        if target.is_none_or(|i| self.families.get(i).is_none_or(|f| !owns(f, &sample.name))) {
            target = ["_bucket", "_sum", "_count", "_total", "_created"]
                .iter()
                .filter_map(|suffix| sample.name.strip_suffix(suffix))
                .filter_map(|base| self.index.get(base).copied())
                .find(|&i| self.families.get(i).is_some_and(|f| owns(f, &sample.name)));
        }
        let i = match target {
            Some(i) => {
                self.current = Some(i);
                i
            }
            None => self.new_family(sample.name.clone()),
        };
        if let Some(f) = self.families.get_mut(i) {
            f.samples.push(sample);
        }
    }
}

/// Parses a text-format exposition; `strict`: one `HELP`/`TYPE` per family, before its
/// samples, and whitespace between a bare name and its value.
pub(super) fn parse(src: &str, strict: bool) -> LResult<Exposition<'_>> {
    let mut b = Builder {
        strict,
        families: Vec::new(),
        index: HashMap::new(),
        typed: Vec::new(),
        current: None,
        scratch: Vec::new(),
    };
    let bytes = src.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = lex::line_end(src, start);
        let mut line = Line::new(src, start, end);
        line.skip_ws();
        match line.peek() {
            None => {}
            Some(b'#') => comment(&mut line, &mut b)?,
            Some(_) => {
                let s = sample(&mut line, &mut b.scratch, strict)?;
                b.sample(s);
            }
        }
        start = end + 1;
    }
    Ok(Exposition {
        families: b.families,
    })
}

/// A `#` line: `# HELP name text`, `# TYPE name type`, or a comment (ignored).
fn comment<'a>(line: &mut Line<'a>, b: &mut Builder<'a>) -> LResult<()> {
    line.pos += 1;
    let before = line.pos;
    line.skip_ws();
    if line.pos == before {
        return Ok(()); // `#comment`
    }
    let rest = line.rest();
    let keyword = if rest.starts_with("HELP") {
        "HELP"
    } else if rest.starts_with("TYPE") {
        "TYPE"
    } else {
        return Ok(());
    };
    line.pos += 4;
    let before = line.pos;
    line.skip_ws();
    if line.pos == before {
        return Ok(()); // `# HELPful comment` or a bare `# HELP`
    }
    let name_at = line.pos;
    let name = if line.peek() == Some(b'"') {
        let n = line.quoted()?;
        if n.is_empty() {
            return fail(name_at, "empty metric name");
        }
        n
    } else {
        Cow::Borrowed(line.metric_name()?)
    };
    // The text starts after exactly one separator, as in the Prometheus lexer.
    let text_at = line.pos + 1;
    match line.peek() {
        None | Some(b' ' | b'\t') => {}
        Some(_) => {
            return fail(
                line.pos,
                format!(
                    "expected whitespace after metric name, found {}",
                    line.describe()
                ),
            );
        }
    }
    let text = if text_at <= line.end {
        line.src.get(text_at..line.end).unwrap_or("")
    } else {
        ""
    };
    if keyword == "HELP" {
        b.help(name, unescape_help(text), name_at)
    } else {
        let kind = match text {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "summary" => MetricType::Summary,
            "untyped" => MetricType::Unknown,
            other => {
                return fail(
                    text_at.min(line.end),
                    format!("invalid metric type '{other}'"),
                );
            }
        };
        b.r#type(name, kind, name_at)
    }
}

/// Text-format HELP escaping: only `\\` and `\n`; other backslashes stay as written.
fn unescape_help(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.clone().next() {
            Some('\\') => {
                out.push('\\');
                chars.next();
            }
            Some('n') => {
                out.push('\n');
                chars.next();
            }
            _ => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// `name[{labels}] value [timestamp]` (the cursor is on the first non-blank byte).
fn sample<'a>(
    line: &mut Line<'a>,
    scratch: &mut lex::Labels<'a>,
    strict: bool,
) -> LResult<MetricSample<'a>> {
    let name_at = line.pos;
    let mut name = if line.peek() == Some(b'{') {
        None
    } else {
        Some(Cow::Borrowed(line.metric_name()?))
    };
    line.skip_ws();
    let mut labels = Vec::new();
    if line.peek() == Some(b'{') {
        let set = line.label_set(false, name.is_none(), scratch)?;
        if set.name.is_some() {
            name = set.name;
        }
        labels = set.labels;
        line.skip_ws();
    } else if line.pos == name_at
        || (strict && !matches!(line.src.as_bytes().get(line.pos - 1), Some(b' ' | b'\t')))
    {
        return fail(
            line.pos,
            format!(
                "expected whitespace or '{{' after metric name, found {}",
                line.describe()
            ),
        );
    }
    let Some(name) = name else {
        return fail(name_at, "missing metric name");
    };
    let value_at = line.pos;
    let token = line.token(true);
    if token.is_empty() {
        return fail(value_at, "expected a value");
    }
    let Some(value) = lex::parse_value(token) else {
        return fail(value_at, format!("invalid value '{token}'"));
    };
    line.skip_ws();
    let mut timestamp = None;
    if !line.at_end() {
        let ts_at = line.pos;
        let token = line.token(true);
        timestamp = lex::parse_text_timestamp(token);
        if timestamp.is_none() {
            return fail(
                ts_at,
                format!("invalid timestamp '{token}' (integer milliseconds expected)"),
            );
        }
        line.skip_ws();
        if !line.at_end() {
            return fail(
                line.pos,
                format!("unexpected text after timestamp: {}", line.describe()),
            );
        }
    }
    Ok(MetricSample {
        name,
        labels,
        value,
        timestamp,
        exemplar: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Format, ParseError, test_support};
    use super::*;

    fn p(s: &str) -> Exposition<'_> {
        test_support::accepted(s, Format::PrometheusText)
    }

    fn err(s: &str) -> ParseError {
        test_support::rejected(s, Format::PrometheusText)
    }

    #[test]
    fn counters_gauges_untyped_and_help() {
        let e = p(
            "# HELP http_requests_total The total number of HTTP requests.\n\
                   # TYPE http_requests_total counter\n\
                   http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n\
                   http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n\
                   \n\
                   # A normal comment.\n\
                   metric_without_timestamp_and_labels 12.47\n\
                   # HELP temp Temperature \\\\ in \\n two lines \\\" kept\n\
                   # TYPE temp gauge\n\
                   temp -3.5\n",
        );
        assert_eq!(e.families.len(), 3);
        let c = &e.families[0];
        assert_eq!(c.name, "http_requests_total");
        assert_eq!(c.kind, MetricType::Counter);
        assert_eq!(
            c.help.as_deref(),
            Some("The total number of HTTP requests.")
        );
        assert!(matches!(c.help, Some(Cow::Borrowed(_))));
        assert_eq!(c.samples.len(), 2);
        assert_eq!(c.samples[1].value, 3.0);
        assert_eq!(c.samples[1].label("code"), Some("400"));
        assert_eq!(c.samples[0].timestamp, Some(1_395_066_363.0));
        let u = &e.families[1];
        assert_eq!(
            (u.name.as_ref(), u.kind),
            ("metric_without_timestamp_and_labels", MetricType::Unknown)
        );
        assert_eq!(u.samples[0].value, 12.47);
        assert_eq!(u.samples[0].timestamp, None);
        assert_eq!(
            e.families[2].help.as_deref(),
            Some("Temperature \\ in \n two lines \\\" kept")
        );
        assert_eq!(e.families[2].samples[0].value, -3.5);
    }

    #[test]
    fn millisecond_timestamps_become_seconds() {
        let e = p("a 1 1700000000123\nb 2 -5\n");
        assert_eq!(e.families[0].samples[0].timestamp, Some(1_700_000_000.123));
        assert_eq!(e.families[1].samples[0].timestamp, Some(-0.005));
        assert!(err("a 1 1.5\n").message.contains("invalid timestamp"));
        assert!(err("a 1 1e3\n").message.contains("invalid timestamp"));
        let e = err("a 1 123 456\n");
        assert_eq!((e.line, e.column), (1, 9));
    }

    #[test]
    fn tricky_labels_and_escapes() {
        let e = p(concat!(
            r#"msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9"#,
            "\n",
            r##"weird{a="x,y=z}{",b="} {",c="",d="# not a comment"} 1"##,
            "\n",
            r#"unknown_escape{a="\d\t"} 1"#,
            "\n",
        ));
        let s = &e.families[0].samples[0];
        assert_eq!(s.label("path"), Some(r"C:\DIR\FILE.TXT"));
        assert_eq!(s.label("error"), Some("Cannot find file:\n\"FILE.TXT\""));
        assert!(matches!(s.labels[0].1, Cow::Owned(_)));
        assert!(matches!(s.labels[0].0, Cow::Borrowed(_)));
        assert_eq!(s.value, 1.458255915e9);
        let w = &e.families[1].samples[0];
        assert_eq!(w.labels.len(), 4);
        assert_eq!(w.label("a"), Some("x,y=z}{"));
        assert_eq!(w.label("b"), Some("} {"));
        assert_eq!(w.label("c"), Some(""));
        assert_eq!(w.label("d"), Some("# not a comment"));
        assert!(matches!(w.labels[0].1, Cow::Borrowed(_)));
        assert_eq!(e.families[2].samples[0].label("a"), Some("\\d\\t"));
    }

    #[test]
    fn whitespace_tabs_and_trailing_commas_like_prometheus() {
        let e = p("  a{ x = \"1\" ,\ty=\"2\", } \t 5 \t 1000 \t\n\t\nb{} 1\nc{}2");
        assert_eq!(e.families.len(), 3);
        let s = &e.families[0].samples[0];
        assert_eq!((s.value, s.timestamp), (5.0, Some(1.0)));
        assert_eq!(s.labels.len(), 2);
        assert_eq!(
            e.families[2].samples[0].value, 2.0,
            "no newline at end of input is fine"
        );
    }

    #[test]
    fn special_values() {
        let e = p("a +Inf\nb -Inf\nc NaN\nd 1e-3\ne 0\n");
        let v: Vec<f64> = e.families.iter().map(|f| f.samples[0].value).collect();
        assert_eq!(v[0], f64::INFINITY);
        assert_eq!(v[1], f64::NEG_INFINITY);
        assert!(v[2].is_nan());
        assert_eq!(&v[3..], [0.001, 0.0]);
    }

    #[test]
    fn histogram_and_summary_grouping() {
        let e = p("# HELP rpc_duration_seconds A summary.\n\
                   # TYPE rpc_duration_seconds summary\n\
                   rpc_duration_seconds{quantile=\"0.01\"} 3102\n\
                   rpc_duration_seconds{quantile=\"0.5\"} 4773\n\
                   rpc_duration_seconds_sum 1.7560473e+07\n\
                   rpc_duration_seconds_count 2693\n\
                   # TYPE http_request_duration_seconds histogram\n\
                   http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n\
                   http_request_duration_seconds_bucket{le=\"+Inf\"} 144320\n\
                   http_request_duration_seconds_sum 53423\n\
                   http_request_duration_seconds_count 144320\n\
                   http_request_duration_seconds 7\n");
        assert_eq!(e.families.len(), 3);
        let s = &e.families[0];
        assert_eq!((s.kind, s.samples.len()), (MetricType::Summary, 4));
        assert_eq!(s.samples[1].label("quantile"), Some("0.5"));
        let h = &e.families[1];
        assert_eq!((h.kind, h.samples.len()), (MetricType::Histogram, 4));
        assert_eq!(h.samples[3].name, "http_request_duration_seconds_count");
        // A bare sample named like the histogram is not part of it: it is its own untyped family.
        let extra = &e.families[2];
        assert_eq!(
            (extra.name.as_ref(), extra.kind),
            ("http_request_duration_seconds", MetricType::Unknown)
        );
    }

    #[test]
    fn interleaved_untyped_series_join_their_family() {
        let e = p("a{x=\"1\"} 1\nb 1\na{x=\"2\"} 2\n# TYPE h histogram\nh_sum 1\nz 0\nh_count 2\n");
        assert_eq!(e.families.len(), 4);
        assert_eq!(e.families[0].samples.len(), 2);
        assert_eq!(
            e.families[2].samples.len(),
            2,
            "h_count returns to histogram h"
        );
    }

    #[test]
    fn duplicate_and_late_metadata_are_rejected() {
        let e = err("# TYPE a counter\n# TYPE a counter\na 1\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "second TYPE line for metric 'a'")
        );
        let e = err("a 1\n# TYPE a gauge\n");
        assert_eq!(e.line, 2);
        assert!(e.message.contains("after its samples"));
        let e = err("# HELP a x\n# HELP a y\n");
        assert!(e.message.contains("second HELP"));
        let e = err("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# HELP a again\n");
        assert_eq!(e.line, 5);
        assert!(
            e.message.contains("after its family ended"),
            "{}",
            e.message
        );
        let e = err("# TYPE a gaugehistogram\n");
        assert_eq!((e.line, e.column), (1, 10));
        assert!(
            err("# TYPE a counter \n")
                .message
                .contains("invalid metric type")
        );
        assert!(err("# TYPE a\n").message.contains("invalid metric type"));
    }

    #[test]
    fn comments_that_look_like_metadata() {
        let e =
            p("#HELP a x\n# HELPER a x\n# UNIT a seconds\n# EOF\n# HELP\n# random: words\na 1\n");
        assert_eq!(e.families.len(), 1);
        assert_eq!(e.families[0].help, None);
        // HELP without text is an empty HELP.
        let e = p("# HELP a\na 1\n");
        assert_eq!(e.families[0].help.as_deref(), Some(""));
    }

    #[test]
    fn quoted_utf8_names() {
        let e = p("# HELP \"my.metric\" Dotted name.\n\
                   # TYPE \"my.metric\" gauge\n\
                   {\"my.metric\", \"label.x\"=\"v\", plain=\"w\"} 1\n\
                   {\"my.metric\",\"label.x\"=\"v2\"} 2\n\
                   {__name__=\"other\"} 3\n");
        assert_eq!(e.families.len(), 2);
        let f = &e.families[0];
        assert_eq!(
            (f.name.as_ref(), f.kind, f.samples.len()),
            ("my.metric", MetricType::Gauge, 2)
        );
        assert_eq!(f.samples[0].label("label.x"), Some("v"));
        assert_eq!(f.samples[0].label("plain"), Some("w"));
        assert_eq!(e.families[1].name, "other");
        assert!(
            err("a{\"b\"} 1\n")
                .message
                .contains("metric name given twice")
        );
        assert!(err("{} 1\n").message.contains("missing metric name"));
        assert!(err("a.b 1\n").message.contains("expected whitespace"));
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let cases: &[(&str, usize, usize, &str)] = &[
            ("a 1\nb{x=\"1} 2\n", 2, 5, "unterminated quoted string"),
            ("a{x=1} 1\n", 1, 5, "expected '\"'"),
            ("a{x=\"1\" y=\"2\"} 1\n", 1, 9, "expected ',' or '}'"),
            ("a{x=\"1\"} one\n", 1, 10, "invalid value 'one'"),
            ("a\n", 1, 2, "expected whitespace or '{'"),
            ("a \n", 1, 3, "expected a value"),
            ("a{x=\"1\"}\n", 1, 9, "expected a value"),
            ("0a 1\n", 1, 1, "expected metric name"),
            ("a 0x1F\n", 1, 3, "invalid value"),
            ("a 1_000\n", 1, 3, "invalid value"),
            ("a 1\r\n", 1, 3, "invalid value"),
            ("a{x=\"1\",x=\"2\"} 1\n", 1, 9, "duplicate label name 'x'"),
            ("# HELP 0a x\n", 1, 8, "expected metric name"),
            ("# TYPE a.b gauge\n", 1, 9, "expected whitespace"),
        ];
        for &(input, line, column, msg) in cases {
            let e = err(input);
            assert_eq!((e.line, e.column), (line, column), "{input:?}: {e}");
            assert!(e.message.contains(msg), "{input:?}: {e}");
        }
    }

    #[test]
    fn help_after_samples_is_accepted_like_prometheus() {
        let e = p("a 1\n# HELP a late help\na 2\n");
        assert_eq!(e.families.len(), 1);
        assert_eq!(e.families[0].help.as_deref(), Some("late help"));
        assert_eq!(e.families[0].samples.len(), 2);
    }

    #[test]
    fn untyped_family_next_to_a_histogram_of_the_same_name() {
        // The untyped `h` must not hide histogram `h` from its `_bucket` samples.
        let e = p("# TYPE h histogram\nh_sum 1\nh 5\nh_bucket{le=\"+Inf\"} 1\n");
        assert_eq!(e.families.len(), 2);
        assert_eq!(e.families[0].samples.len(), 2);
        assert_eq!(e.families[0].samples[1].name, "h_bucket");
        assert_eq!(e.families[1].kind, MetricType::Unknown);
    }

    #[test]
    fn empty_and_comment_only_inputs() {
        assert_eq!(p("").families.len(), 0);
        assert_eq!(p("\n\n  \n# just a comment\n").families.len(), 0);
    }

    #[test]
    fn node_exporter_output() {
        let input = r##"# HELP go_gc_duration_seconds A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 2.4416e-05
go_gc_duration_seconds{quantile="0.25"} 3.5917e-05
go_gc_duration_seconds{quantile="0.5"} 4.4958e-05
go_gc_duration_seconds{quantile="0.75"} 6.1375e-05
go_gc_duration_seconds{quantile="1"} 0.000893708
go_gc_duration_seconds_sum 0.112480453
go_gc_duration_seconds_count 2024
# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 1.10467359e+06
node_cpu_seconds_total{cpu="0",mode="iowait"} 2143.67
node_cpu_seconds_total{cpu="0",mode="irq"} 0
node_cpu_seconds_total{cpu="0",mode="nice"} 12.41
node_cpu_seconds_total{cpu="0",mode="softirq"} 1002.2
node_cpu_seconds_total{cpu="0",mode="steal"} 0
node_cpu_seconds_total{cpu="0",mode="system"} 8512.58
node_cpu_seconds_total{cpu="0",mode="user"} 31337.69
node_cpu_seconds_total{cpu="1",mode="idle"} 1.10386914e+06
node_cpu_seconds_total{cpu="1",mode="user"} 32012.4
# HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.
# TYPE node_filesystem_avail_bytes gauge
node_filesystem_avail_bytes{device="/dev/nvme0n1p2",fstype="ext4",mountpoint="/"} 1.73066424320e+11
node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run/user/1000"} 3.3433870336e+09
# HELP node_memory_MemAvailable_bytes Memory information field MemAvailable_bytes.
# TYPE node_memory_MemAvailable_bytes gauge
node_memory_MemAvailable_bytes 2.4521334784e+10
# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.
# TYPE node_memory_MemTotal_bytes gauge
node_memory_MemTotal_bytes 3.3386868736e+10
# HELP node_network_receive_bytes_total Network device statistic receive_bytes.
# TYPE node_network_receive_bytes_total counter
node_network_receive_bytes_total{device="eth0"} 9.87654321e+08
node_network_receive_bytes_total{device="lo"} 1.2345678e+07
# HELP node_scrape_collector_duration_seconds node_exporter: Duration of a collector scrape.
# TYPE node_scrape_collector_duration_seconds gauge
node_scrape_collector_duration_seconds{collector="cpu"} 0.000412313
node_scrape_collector_success{collector="cpu"} 1
# HELP node_textfile_mtime_seconds Unixtime mtime of textfiles successfully read.
# TYPE node_textfile_mtime_seconds gauge
# HELP node_uname_info Labeled system information as provided by the uname system call.
# TYPE node_uname_info gauge
node_uname_info{domainname="(none)",machine="x86_64",nodename="web-1",release="6.8.0-49-generic",sysname="Linux",version="#49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024"} 1
# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.
# TYPE promhttp_metric_handler_requests_total counter
promhttp_metric_handler_requests_total{code="200"} 4217
promhttp_metric_handler_requests_total{code="500"} 0
promhttp_metric_handler_requests_total{code="503"} 0
"##;
        let e = p(input);
        let cpu = e.family("node_cpu_seconds_total").unwrap();
        assert_eq!((cpu.kind, cpu.samples.len()), (MetricType::Counter, 10));
        let idle: f64 = e
            .samples_named("node_cpu_seconds_total")
            .filter(|s| s.label("mode") == Some("idle"))
            .map(|s| s.value)
            .sum();
        assert_eq!(idle, 1.10467359e6 + 1.10386914e6);
        let avail = e
            .samples_named("node_memory_MemAvailable_bytes")
            .next()
            .unwrap()
            .value;
        let total = e
            .samples_named("node_memory_MemTotal_bytes")
            .next()
            .unwrap()
            .value;
        assert!((avail / total - 0.7345).abs() < 1e-3);
        let gc = e.family("go_gc_duration_seconds").unwrap();
        assert_eq!((gc.kind, gc.samples.len()), (MetricType::Summary, 7));
        // A family with metadata and no samples is kept.
        assert_eq!(
            e.family("node_textfile_mtime_seconds")
                .unwrap()
                .samples
                .len(),
            0
        );
        // The untyped sample after a gauge family starts its own family.
        assert_eq!(
            e.family("node_scrape_collector_success").unwrap().kind,
            MetricType::Unknown
        );
        let uname = e.samples_named("node_uname_info").next().unwrap();
        assert_eq!(
            uname.label("version"),
            Some("#49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024")
        );
        assert_eq!(e.sample_count(), 29);
    }
}
