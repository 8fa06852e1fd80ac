//! OpenMetrics 1.0: the strict syntax and the validity rules of the specification, as the
//! OpenMetrics reference parser (`prometheus_client.openmetrics.parser`) applies them.
//!
//! Per line: `# HELP|TYPE|UNIT name text`, `# EOF` (required, last), or a sample
//! `name[{labels}] value [timestamp] [# {labels} value [timestamp]]` with exactly one space as
//! separator. Per family: sample names allowed by the type, contiguous groups, no clashing
//! names, counter-like values that are neither negative nor NaN, well-formed histograms.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::lex::{self, LResult, Line, fail};
use super::{Exemplar, Exposition, MetricFamily, MetricSample, MetricType};

/// Sample-name suffixes each type owns (the specification's table; "" is the family name).
fn suffixes(kind: MetricType) -> &'static [&'static str] {
    match kind {
        MetricType::Counter => &["_total", "_created"],
        MetricType::Summary => &["", "_count", "_sum", "_created"],
        MetricType::Histogram => &["_count", "_sum", "_bucket", "_created"],
        MetricType::GaugeHistogram => &["_gcount", "_gsum", "_bucket"],
        MetricType::Info => &["_info"],
        MetricType::Gauge | MetricType::StateSet | MetricType::Unknown => &[""],
    }
}

/// Longest total length (in characters) of an exemplar's label names and values.
const MAX_EXEMPLAR_LABEL_CHARS: usize = 128;

/// The family being read, with what its validation needs.
struct Open<'a> {
    fam: MetricFamily<'a>,
    typed: bool,
    help_set: bool,
    unit_set: bool,
    /// Offset of the family's first line and of its UNIT line (for error positions).
    start: usize,
    unit_at: usize,
    /// Offset of each sample's line.
    lines: Vec<usize>,
    /// Index of the first sample of the current group, and the last sample's timestamp.
    group_rep: Option<usize>,
    group_ts: Option<f64>,
    /// Groups seen so far: order-independent hash of the group's labels → the index of the
    /// group's first sample; `collisions` holds the (rare) other groups with an equal hash.
    seen_groups: HashMap<u64, usize, BuildHasherDefault<PassThrough>>,
    collisions: Vec<(u64, usize)>,
}

/// The group hashes are already well mixed (`pair_hash`): hash them to themselves.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl<'a> Open<'a> {
    fn new(name: Cow<'a, str>, start: usize) -> Self {
        Open {
            fam: MetricFamily {
                name,
                kind: MetricType::Unknown,
                help: None,
                unit: None,
                samples: Vec::new(),
            },
            typed: false,
            help_set: false,
            unit_set: false,
            start,
            unit_at: start,
            lines: Vec::new(),
            group_rep: None,
            group_ts: None,
            seen_groups: HashMap::default(),
            collisions: Vec::new(),
        }
    }

    fn suffix<'s>(&self, sample: &'s MetricSample<'_>) -> &'s str {
        sample.name.get(self.fam.name.len()..).unwrap_or("")
    }

    fn owns(&self, sample_name: &str) -> bool {
        sample_name
            .strip_prefix(self.fam.name.as_ref())
            .is_some_and(|s| suffixes(self.fam.kind).contains(&s))
    }

    /// The label that does not take part in a sample's group (the one that varies within it).
    fn excluded_label(&self, sample: &MetricSample<'_>) -> Option<&str> {
        let suffix = self.suffix(sample);
        match self.fam.kind {
            MetricType::Summary if suffix.is_empty() => Some("quantile"),
            MetricType::StateSet => Some(self.fam.name.as_ref()),
            MetricType::Histogram | MetricType::GaugeHistogram if suffix == "_bucket" => Some("le"),
            _ => None,
        }
    }

    fn same_group(&self, a: &MetricSample<'_>, b: &MetricSample<'_>) -> bool {
        if self.fam.kind == MetricType::Info {
            return true; // Info samples cannot be told apart by group: one group.
        }
        same_labels(
            &a.labels,
            self.excluded_label(a),
            &b.labels,
            self.excluded_label(b),
        )
    }

    fn group_hash(&self, s: &MetricSample<'_>) -> u64 {
        let ex = self.excluded_label(s);
        s.labels
            .iter()
            .filter(|(n, _)| Some(n.as_ref()) != ex)
            .fold(0u64, |h, (n, v)| h.wrapping_add(pair_hash(n, v)))
    }
}

/// Whether two label sets are equal as sets, ignoring the label named `ea` in `a` and `eb` in
/// `b`. Samples of a group almost always list labels in the same order: that is checked first.
fn same_labels(
    a: &[(Cow<'_, str>, Cow<'_, str>)],
    ea: Option<&str>,
    b: &[(Cow<'_, str>, Cow<'_, str>)],
    eb: Option<&str>,
) -> bool {
    let mut ia = a.iter().filter(|(n, _)| Some(n.as_ref()) != ea);
    let mut ib = b.iter().filter(|(n, _)| Some(n.as_ref()) != eb);
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => continue,
            _ => break,
        }
    }
    let fa: Vec<_> = a.iter().filter(|(n, _)| Some(n.as_ref()) != ea).collect();
    let fb: Vec<_> = b.iter().filter(|(n, _)| Some(n.as_ref()) != eb).collect();
    fa.len() == fb.len() && fa.iter().all(|x| fb.contains(x))
}

/// A 64-bit hash of one label pair (FNV-1a with a final avalanche).
fn pair_hash(n: &str, v: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in n.as_bytes().iter().chain(&[0xff]).chain(v.as_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

fn is_integer(v: f64) -> bool {
    v.is_finite() && v.fract() == 0.0
}

struct Builder<'a> {
    /// OpenMetrics's validity rules apply (`false`: only what the Prometheus server checks).
    strict: bool,
    families: Vec<MetricFamily<'a>>,
    /// Every sample name claimed by a family so far (family name + each suffix of its type).
    claimed: HashSet<String>,
    open: Option<Open<'a>>,
    /// Reused label buffer (see `Line::label_set`).
    scratch: lex::Labels<'a>,
}

impl<'a> Builder<'a> {
    /// Validates and stores the family being read.
    fn close(&mut self) -> LResult<()> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        if !self.strict {
            // Prometheus checks no family rule (names, histograms); only the UNIT line's
            // suffix, which `metadata` did.
            self.families.push(open.fam);
            return Ok(());
        }
        let name = open.fam.name.as_ref();
        let own = suffixes(open.fam.kind);
        let bare: &[&str] = if own.contains(&"") { &[] } else { &[""] };
        for suffix in own.iter().chain(bare) {
            let claimed = format!("{name}{suffix}");
            if !self.claimed.insert(claimed) {
                return fail(
                    open.start,
                    format!(
                        "metric family '{name}' clashes with an earlier family named '{name}{suffix}'"
                    ),
                );
            }
        }
        if let Some(unit) = &open.fam.unit {
            if matches!(open.fam.kind, MetricType::Info | MetricType::StateSet) {
                return fail(
                    open.unit_at,
                    format!("a {} cannot have a unit", open.fam.kind),
                );
            }
            if !name
                .strip_suffix(unit.as_ref())
                .is_some_and(|s| s.ends_with('_'))
            {
                return fail(
                    open.unit_at,
                    format!("metric name '{name}' does not end with its unit '_{unit}'"),
                );
            }
        }
        if matches!(
            open.fam.kind,
            MetricType::Histogram | MetricType::GaugeHistogram
        ) {
            check_histogram(&open)?;
        }
        self.families.push(open.fam);
        Ok(())
    }

    fn open_family(&mut self, name: Cow<'a, str>, start: usize) -> LResult<&mut Open<'a>> {
        self.close()?;
        Ok(self.open.insert(Open::new(name, start)))
    }

    fn metadata(&mut self, line: &mut Line<'a>) -> LResult<()> {
        let at = line.pos;
        let rest = line.rest();
        let Some(after_hash) = rest.strip_prefix("# ") else {
            return fail(
                at,
                "comments are not allowed in OpenMetrics (expected '# HELP', '# TYPE', '# UNIT' or '# EOF')",
            );
        };
        let keyword = match after_hash.get(..5) {
            Some(k @ ("HELP " | "TYPE " | "UNIT ")) => k,
            _ => {
                return fail(
                    at + 2,
                    "comments are not allowed in OpenMetrics (expected HELP, TYPE, UNIT or EOF after '# ')",
                );
            }
        };
        line.pos += 7;
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
        line.expect(b' ', "' ' after the metric name")?;
        let text_at = line.pos;
        let text = line.rest();

        let strict = self.strict;
        let same = self.open.as_ref().is_some_and(|o| o.fam.name == name);
        // Leniently, metadata after the family's samples or repeating a line starts a new
        // family of the same name (client_golang writes a gauge `x` and a counter `x_total`,
        // both announced as `x`), as the Prometheus server reads each metadata line on its own.
        let restart = same
            && !self.strict
            && self.open.as_ref().is_some_and(|o| {
                !o.fam.samples.is_empty()
                    || match keyword {
                        "HELP " => o.help_set,
                        "TYPE " => o.typed,
                        _ => o.unit_set,
                    }
            });
        let open = if same && !restart {
            match self.open.as_mut() {
                Some(o) if !o.fam.samples.is_empty() => {
                    return fail(at, format!("metadata for '{name}' after its samples"));
                }
                Some(o) => o,
                None => return fail(at, "internal error: no open family"),
            }
        } else {
            self.open_family(name, at)?
        };
        match keyword {
            "HELP " => {
                if open.help_set {
                    return fail(at, format!("second HELP line for '{}'", open.fam.name));
                }
                open.help_set = true;
                open.fam.help = Some(unescape_help(text));
            }
            "TYPE " => {
                if open.typed {
                    return fail(at, format!("second TYPE line for '{}'", open.fam.name));
                }
                open.typed = true;
                open.fam.kind = match text {
                    "counter" => MetricType::Counter,
                    "gauge" => MetricType::Gauge,
                    "histogram" => MetricType::Histogram,
                    "gaugehistogram" => MetricType::GaugeHistogram,
                    "summary" => MetricType::Summary,
                    "info" => MetricType::Info,
                    "stateset" => MetricType::StateSet,
                    "unknown" => MetricType::Unknown,
                    other => return fail(text_at, format!("invalid metric type '{other}'")),
                };
            }
            _ => {
                if open.unit_set {
                    return fail(at, format!("second UNIT line for '{}'", open.fam.name));
                }
                if !text
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':')
                {
                    return fail(text_at, format!("invalid unit '{text}'"));
                }
                if !strict
                    && !text.is_empty()
                    && !open
                        .fam
                        .name
                        .strip_suffix(text)
                        .is_some_and(|s| s.ends_with('_'))
                {
                    return fail(
                        at,
                        format!(
                            "metric name '{}' does not end with its unit '_{text}'",
                            open.fam.name
                        ),
                    );
                }
                open.unit_set = true;
                open.unit_at = at;
                open.fam.unit = (!text.is_empty()).then_some(Cow::Borrowed(text));
            }
        }
        Ok(())
    }

    fn sample(&mut self, line: &mut Line<'a>) -> LResult<()> {
        let at = line.pos;
        let strict = self.strict;
        line.loose = !strict;
        let sample = parse_sample(line, &mut self.scratch)?;
        // Leniently, a sample named as its family belongs to it whatever the type (an `info`
        // sample without `_info`, a counter without `_total`).
        let owned = self
            .open
            .as_ref()
            .is_some_and(|o| o.owns(&sample.name) || (!self.strict && sample.name == o.fam.name));
        let open = if owned {
            match self.open.as_mut() {
                Some(o) => o,
                None => return fail(at, "internal error: no open family"),
            }
        } else {
            // A sample no family announced: an unknown-typed family of its own.
            self.open_family(sample.name.clone(), at)?
        };
        if strict {
            validate_sample(open, &sample, at)?;
            group(open, &sample, at)?;
        } else if sample.exemplar.is_some() && !prometheus_takes_exemplar(&sample.name) {
            return fail(
                at,
                format!(
                    "exemplar on '{}': only samples named *_total or *_bucket carry one",
                    sample.name
                ),
            );
        }
        open.fam.samples.push(sample);
        open.lines.push(at);
        Ok(())
    }
}

/// Whether the Prometheus server's OpenMetrics parser (2.42) takes an exemplar on a sample of
/// this name: it goes by the name's suffix alone, whatever the family's type (a gauge named
/// `x_bucket` may carry one, a histogram's `_sum` may not), and rejects the page otherwise.
fn prometheus_takes_exemplar(sample_name: &str) -> bool {
    sample_name.ends_with("_total") || sample_name.ends_with("_bucket")
}

/// The per-sample rules of the specification.
fn validate_sample(open: &Open<'_>, s: &MetricSample<'_>, at: usize) -> LResult<()> {
    let kind = open.fam.kind;
    let name = open.fam.name.as_ref();
    let suffix = open.suffix(s);
    if kind == MetricType::StateSet {
        if s.label(name).is_none() {
            return fail(at, format!("stateset sample without its '{name}' label"));
        }
        if s.value != 0.0 && s.value != 1.0 {
            return fail(at, "stateset values must be 0 or 1");
        }
    }
    if kind == MetricType::Info && s.value != 1.0 {
        return fail(at, "info values must be 1");
    }
    if suffix == "_bucket" {
        let Some(le) = s.label("le") else {
            return fail(at, "histogram bucket without an 'le' label");
        };
        match lex::parse_value(le) {
            Some(b) if b.is_nan() => return fail(at, "invalid le label 'NaN'"),
            Some(b) if b == f64::INFINITY && le != "+Inf" => {
                return fail(at, format!("non-canonical le label '{le}' (write '+Inf')"));
            }
            Some(_) => {}
            None => return fail(at, format!("invalid le label '{le}'")),
        }
        if !is_integer(s.value) {
            return fail(at, "bucket values must be integers");
        }
    }
    if matches!(suffix, "_count" | "_gcount") && !is_integer(s.value) {
        return fail(at, format!("{suffix} values must be integers"));
    }
    if kind == MetricType::Summary && suffix.is_empty() {
        let Some(q) = s.label("quantile") else {
            return fail(at, "summary quantile sample without a 'quantile' label");
        };
        match lex::parse_value(q) {
            Some(q) if (0.0..=1.0).contains(&q) => {}
            _ => return fail(at, format!("invalid quantile '{q}' (0 ≤ quantile ≤ 1)")),
        }
        if s.value < 0.0 {
            return fail(at, "quantile values cannot be negative");
        }
    }
    if matches!(
        suffix,
        "_total" | "_sum" | "_count" | "_bucket" | "_gcount" | "_gsum"
    ) {
        if s.value.is_nan() {
            return fail(at, format!("{suffix} values cannot be NaN"));
        }
        if suffix != "_gsum" && s.value < 0.0 {
            return fail(at, format!("{suffix} values cannot be negative"));
        }
    }
    if s.exemplar.is_some() {
        let allowed = match kind {
            MetricType::Histogram | MetricType::GaugeHistogram => suffix == "_bucket",
            MetricType::Counter => suffix == "_total",
            _ => false,
        };
        if !allowed {
            return fail(
                at,
                "exemplars are only allowed on histogram buckets and counter totals",
            );
        }
    }
    Ok(())
}

/// Groups (a label set without the type's varying label) must be contiguous, and within a
/// group timestamps must be all present or all absent, and must not go backwards.
fn group(open: &mut Open<'_>, s: &MetricSample<'_>, at: usize) -> LResult<()> {
    let rep = open.group_rep.and_then(|r| open.fam.samples.get(r));
    let same = rep.is_some_and(|r| open.same_group(r, s));
    if same {
        if s.timestamp.is_some() != open.group_ts.is_some() {
            return fail(
                at,
                "mix of samples with and without timestamp within a group",
            );
        }
        if let (Some(prev), Some(ts)) = (open.group_ts, s.timestamp)
            && prev > ts
            && open.fam.kind != MetricType::Info
        {
            return fail(at, "timestamps went backwards within a group");
        }
    } else {
        let h = open.group_hash(s);
        let seen = |r: usize| {
            open.fam
                .samples
                .get(r)
                .is_some_and(|r| open.same_group(r, s))
        };
        let first = open.seen_groups.get(&h).copied();
        if first.is_some_and(seen) || open.collisions.iter().any(|&(ch, r)| ch == h && seen(r)) {
            return fail(
                at,
                format!(
                    "samples of '{}' with the same labels must be contiguous",
                    open.fam.name
                ),
            );
        }
        let idx = open.fam.samples.len();
        if first.is_some() {
            open.collisions.push((h, idx));
        } else {
            open.seen_groups.insert(h, idx);
        }
        open.group_rep = Some(idx);
    }
    open.group_ts = s.timestamp;
    Ok(())
}

/// Histogram and gauge histogram rules, per group (labels without `le`, and timestamp).
fn check_histogram(open: &Open<'_>) -> LResult<()> {
    #[derive(Default)]
    struct Group {
        start: usize,
        bucket: Option<f64>,
        value: f64,
        count: Option<f64>,
        has_sum: bool,
        has_gsum: bool,
        negative_buckets: bool,
        negative_gsum: bool,
    }
    fn finish(g: &Group, name: &str) -> LResult<()> {
        let problem = if g.bucket != Some(f64::INFINITY) {
            "has no +Inf bucket"
        } else if g.count.is_some_and(|c| c != g.value) {
            "has a _count that differs from its +Inf bucket"
        } else if g.has_sum && g.count.is_none() {
            "has a _sum but no _count"
        } else if g.has_gsum && g.count.is_none() {
            "has a _gsum but no _gcount"
        } else if !(g.has_sum || g.has_gsum) && g.count.is_some() {
            "has a count but no sum"
        } else if g.negative_buckets && g.has_sum {
            "has negative buckets and a _sum"
        } else if !g.negative_buckets && g.negative_gsum {
            "has a negative _gsum but no negative bucket"
        } else {
            return Ok(());
        };
        fail(g.start, format!("histogram '{name}' {problem}"))
    }

    let name = open.fam.name.as_ref();
    let mut current: Option<Group> = None;
    let mut prev: Option<&MetricSample<'_>> = None;
    for (s, &at) in open.fam.samples.iter().zip(&open.lines) {
        let suffix = open.suffix(s);
        if suffix.is_empty() {
            continue;
        }
        let new_group = prev.is_none_or(|p| !open.same_group(p, s) || p.timestamp != s.timestamp);
        prev = Some(s);
        if new_group {
            if let Some(g) = &current {
                finish(g, name)?;
            }
            current = Some(Group {
                start: at,
                ..Group::default()
            });
        }
        let Some(g) = current.as_mut() else { continue };
        match suffix {
            "_bucket" => {
                let b = s.label("le").and_then(lex::parse_value).unwrap_or(f64::NAN);
                if b < 0.0 {
                    g.negative_buckets = true;
                }
                if g.bucket.is_some_and(|last| b <= last) {
                    return fail(at, format!("histogram '{name}': buckets out of order"));
                }
                if s.value < g.value {
                    return fail(
                        at,
                        format!(
                            "histogram '{name}': bucket values must be cumulative (non-decreasing)"
                        ),
                    );
                }
                g.bucket = Some(b);
                g.value = s.value;
            }
            "_count" | "_gcount" => g.count = Some(s.value),
            "_sum" => g.has_sum = true,
            "_gsum" => {
                g.has_gsum = true;
                if s.value < 0.0 {
                    g.negative_gsum = true;
                }
            }
            _ => {}
        }
    }
    match &current {
        Some(g) => finish(g, name),
        None => Ok(()),
    }
}

/// OpenMetrics HELP escaping: `\\`, `\n` and `\"`; other backslashes stay as written.
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
            Some(e @ ('\\' | '"')) => {
                out.push(e);
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

/// `name[{labels}] value [timestamp] [# {labels} value [timestamp]]`, one space between parts.
fn parse_sample<'a>(
    line: &mut Line<'a>,
    scratch: &mut lex::Labels<'a>,
) -> LResult<MetricSample<'a>> {
    let name_at = line.pos;
    let mut name = if line.peek() == Some(b'{') {
        None
    } else {
        Some(Cow::Borrowed(line.metric_name()?))
    };
    let mut labels = Vec::new();
    if line.peek() == Some(b'{') {
        let set = line.label_set(true, name.is_none(), scratch)?;
        if set.name.is_some() {
            name = set.name;
        }
        labels = set.labels;
    }
    let Some(name) = name else {
        return fail(name_at, "missing metric name");
    };
    line.expect(b' ', "' ' before the value")?;
    let value = number(line, "value")?;
    let mut timestamp = None;
    let mut exemplar = None;
    if line.peek() == Some(b' ') {
        line.pos += 1;
        if line.peek() != Some(b'#') {
            timestamp = Some(om_timestamp(line)?);
            if line.peek() == Some(b' ') {
                line.pos += 1;
                if line.peek() != Some(b'#') {
                    return fail(
                        line.pos,
                        format!(
                            "expected '#' to start an exemplar, found {}",
                            line.describe()
                        ),
                    );
                }
            }
        }
        if line.peek() == Some(b'#') {
            exemplar = Some(parse_exemplar(line, scratch)?);
        }
    }
    if !line.at_end() {
        return fail(
            line.pos,
            format!("unexpected {} at end of sample", line.describe()),
        );
    }
    Ok(MetricSample {
        name,
        labels,
        value,
        timestamp,
        exemplar,
    })
}

/// `# {labels} value [timestamp]` (the cursor is on the `#`).
fn parse_exemplar<'a>(line: &mut Line<'a>, scratch: &mut lex::Labels<'a>) -> LResult<Exemplar<'a>> {
    line.pos += 1;
    line.expect(b' ', "' ' after '#' of an exemplar")?;
    let labels_at = line.pos;
    if line.peek() != Some(b'{') {
        return fail(
            labels_at,
            format!(
                "expected '{{' to start the exemplar's labels, found {}",
                line.describe()
            ),
        );
    }
    let labels = line.label_set(true, false, scratch)?.labels;
    let chars: usize = labels
        .iter()
        .map(|(n, v)| n.chars().count() + v.chars().count())
        .sum();
    // Prometheus drops an over-long exemplar at ingestion but keeps the sample.
    if chars > MAX_EXEMPLAR_LABEL_CHARS && !line.loose {
        return fail(
            labels_at,
            format!(
                "exemplar labels are {chars} characters long (at most {MAX_EXEMPLAR_LABEL_CHARS})"
            ),
        );
    }
    line.expect(b' ', "' ' after the exemplar's labels")?;
    let value = number(line, "exemplar value")?;
    let mut timestamp = None;
    if line.peek() == Some(b' ') {
        line.pos += 1;
        timestamp = Some(om_timestamp(line)?);
    }
    Ok(Exemplar {
        labels,
        value,
        timestamp,
    })
}

fn number(line: &mut Line<'_>, what: &str) -> LResult<f64> {
    let at = line.pos;
    let token = line.token(false);
    if token.is_empty() {
        return fail(at, format!("expected a {what}, found {}", line.describe()));
    }
    lex::parse_value(token).map_or_else(|| fail(at, format!("invalid {what} '{token}'")), Ok)
}

fn om_timestamp(line: &mut Line<'_>) -> LResult<f64> {
    let at = line.pos;
    let token = line.token(false);
    if token.is_empty() {
        return fail(
            at,
            format!("expected a timestamp, found {}", line.describe()),
        );
    }
    lex::parse_om_timestamp(token)
        .map_or_else(|| fail(at, format!("invalid timestamp '{token}'")), Ok)
}

/// Parses an OpenMetrics exposition; `strict`: with the specification's validity rules, else
/// only the syntax and what the Prometheus server's parser checks (`# EOF`, a UNIT that is the
/// name's suffix).
pub(super) fn parse(src: &str, strict: bool) -> LResult<Exposition<'_>> {
    let mut b = Builder {
        strict,
        families: Vec::new(),
        claimed: HashSet::new(),
        open: None,
        scratch: Vec::new(),
    };
    let bytes = src.as_bytes();
    let mut start = 0;
    let mut eof = false;
    while start < bytes.len() {
        let end = lex::line_end(src, start);
        if eof {
            return fail(start, "text after '# EOF'");
        }
        let mut line = Line::new(src, start, end);
        match line.peek() {
            None => return fail(start, "blank lines are not allowed in OpenMetrics"),
            Some(b'#') if line.rest() == "# EOF" => eof = true,
            Some(b'#') => b.metadata(&mut line)?,
            Some(_) => b.sample(&mut line)?,
        }
        start = end + 1;
    }
    b.close()?;
    if !eof {
        return fail(bytes.len(), "missing '# EOF' at the end of the exposition");
    }
    Ok(Exposition {
        families: b.families,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Format, ParseError, parse as parse_any, test_support};
    use super::*;

    fn p(s: &str) -> Exposition<'_> {
        test_support::accepted(s, Format::OpenMetrics)
    }

    fn err(s: &str) -> ParseError {
        test_support::rejected(s, Format::OpenMetrics)
    }

    #[test]
    fn counter_with_total_created_unit_and_exemplar() {
        let e = p("# HELP http_requests Requests \\\"served\\\".\n\
                   # TYPE http_requests counter\n\
                   # UNIT http_requests \n\
                   http_requests_total{code=\"200\"} 1027 1700000000.5 # {trace_id=\"abc\"} 1 1700000000.25\n\
                   http_requests_created{code=\"200\"} 1600000000 1700000000.5\n\
                   # TYPE latency_seconds gauge\n\
                   # UNIT latency_seconds seconds\n\
                   latency_seconds 0.25\n\
                   # EOF\n");
        assert_eq!(e.families.len(), 2);
        let c = &e.families[0];
        assert_eq!(
            (c.name.as_ref(), c.kind),
            ("http_requests", MetricType::Counter)
        );
        assert_eq!(c.help.as_deref(), Some("Requests \"served\"."));
        assert_eq!(c.unit, None);
        assert_eq!(c.samples.len(), 2);
        let t = &c.samples[0];
        assert_eq!(
            (t.name.as_ref(), t.value, t.timestamp),
            ("http_requests_total", 1027.0, Some(1_700_000_000.5))
        );
        let x = t.exemplar.as_ref().unwrap();
        assert_eq!((x.value, x.timestamp), (1.0, Some(1_700_000_000.25)));
        assert_eq!(x.labels, vec![(Cow::from("trace_id"), Cow::from("abc"))]);
        assert_eq!(c.samples[1].name, "http_requests_created");
        assert_eq!(e.families[1].unit.as_deref(), Some("seconds"));
        assert_eq!(e.samples_named("http_requests_total").count(), 1);
    }

    #[test]
    fn histogram_gaugehistogram_summary_stateset_info() {
        let e = p("# TYPE h histogram\n\
                   h_bucket{path=\"/\",le=\"0.1\"} 1 # {id=\"x\"} 0.05\n\
                   h_bucket{path=\"/\",le=\"+Inf\"} 3\n\
                   h_count{path=\"/\"} 3\n\
                   h_sum{path=\"/\"} 0.4\n\
                   h_created{path=\"/\"} 1600000000\n\
                   h_bucket{path=\"/a\",le=\"+Inf\"} 0\n\
                   h_count{path=\"/a\"} 0\n\
                   h_sum{path=\"/a\"} 0\n\
                   # TYPE g gaugehistogram\n\
                   g_bucket{le=\"-1\"} 1\n\
                   g_bucket{le=\"+Inf\"} 2\n\
                   g_gcount 2\n\
                   g_gsum -3\n\
                   # TYPE s summary\n\
                   s{quantile=\"0.5\"} 1.5\n\
                   s{quantile=\"0.99\"} NaN\n\
                   s_sum 10\n\
                   s_count 4\n\
                   # TYPE st stateset\n\
                   st{st=\"a\"} 1\n\
                   st{st=\"b\"} 0\n\
                   # TYPE build info\n\
                   build_info{version=\"1.2\"} 1\n\
                   # TYPE u unknown\n\
                   u 1\n\
                   # EOF");
        let kinds: Vec<_> = e
            .families
            .iter()
            .map(|f| (f.kind, f.samples.len()))
            .collect();
        assert_eq!(
            kinds,
            [
                (MetricType::Histogram, 8),
                (MetricType::GaugeHistogram, 4),
                (MetricType::Summary, 4),
                (MetricType::StateSet, 2),
                (MetricType::Info, 1),
                (MetricType::Unknown, 1)
            ]
        );
        assert!(e.families[2].samples[1].value.is_nan());
        assert_eq!(
            e.samples_named("h_bucket")
                .filter(|s| s.exemplar.is_some())
                .count(),
            1
        );
    }

    #[test]
    fn eof_rules() {
        assert_eq!(p("# EOF").families.len(), 0);
        assert_eq!(p("# EOF\n").families.len(), 0);
        let e = err("a 1\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("missing '# EOF'"));
        let e = err("a 1\n# EOF\n\n");
        assert_eq!((e.line, e.message.as_str()), (3, "text after '# EOF'"));
        assert_eq!(err("").line, 1);
        assert!(err("a 1\n\n# EOF\n").message.contains("blank lines"));
        assert!(
            err("# a comment\n# EOF\n")
                .message
                .contains("comments are not allowed")
        );
    }

    #[test]
    fn float_second_timestamps() {
        let e = p("a 1 1.5e3\nb 1 1700000000\n# EOF\n");
        assert_eq!(e.families[0].samples[0].timestamp, Some(1500.0));
        assert_eq!(e.families[1].samples[0].timestamp, Some(1_700_000_000.0));
        assert!(
            err("a 1 Inf\n# EOF\n")
                .message
                .contains("invalid timestamp")
        );
    }

    #[test]
    fn rules_with_positions() {
        let cases: &[(&str, usize, usize, &str)] = &[
            (
                "# TYPE a counter\na_total -1\n# EOF\n",
                2,
                1,
                "_total values cannot be negative",
            ),
            (
                "# TYPE a counter\na_total NaN\n# EOF\n",
                2,
                1,
                "cannot be NaN",
            ),
            (
                "# TYPE a gauge\na 1 # {x=\"y\"} 1\n# EOF\n",
                2,
                1,
                "exemplars are only allowed",
            ),
            (
                "# TYPE a histogram\na_bucket{le=\"1\"} 1\n# EOF\n",
                2,
                1,
                "has no +Inf bucket",
            ),
            (
                "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1.5\n# EOF\n",
                2,
                1,
                "integers",
            ),
            (
                "# TYPE a histogram\na_bucket{le=\"2\"} 1\na_bucket{le=\"1\"} 1\n# EOF\n",
                3,
                1,
                "buckets out of order",
            ),
            (
                "# TYPE a histogram\na_bucket{le=\"+INF\"} 1\n# EOF\n",
                2,
                1,
                "non-canonical",
            ),
            (
                "# TYPE a summary\na{quantile=\"2\"} 1\n# EOF\n",
                2,
                1,
                "invalid quantile",
            ),
            ("# TYPE a stateset\na{a=\"x\"} 2\n# EOF\n", 2, 1, "0 or 1"),
            (
                "# TYPE a info\na_info 2\n# EOF\n",
                2,
                1,
                "info values must be 1",
            ),
            (
                "# TYPE a gauge\na 1\n# HELP a late\n# EOF\n",
                3,
                1,
                "after its samples",
            ),
            (
                "# TYPE a gauge\n# TYPE a gauge\n# EOF\n",
                2,
                1,
                "second TYPE",
            ),
            ("# UNIT a_s s\n# UNIT a_s s\n# EOF\n", 2, 1, "second UNIT"),
            (
                "# UNIT a seconds\n# EOF\n",
                1,
                1,
                "does not end with its unit",
            ),
            (
                "# TYPE a untyped\n# EOF\n",
                1,
                10,
                "invalid metric type 'untyped'",
            ),
            ("a{x=\"1\"} 1\nb 1\na{x=\"1\"} 2\n# EOF\n", 3, 1, "clashes"),
            (
                "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 1\na{x=\"1\"} 2\n# EOF\n",
                4,
                1,
                "contiguous",
            ),
            ("a 1 2\na 1 1\n# EOF\n", 2, 1, "backwards"),
            ("a 1 2\na 1\n# EOF\n", 2, 1, "mix of samples"),
            ("a  1\n# EOF\n", 1, 3, "expected a value"),
            ("a 1 \n# EOF\n", 1, 5, "expected a timestamp"),
            ("a{a=\"1\",} 1\n# EOF\n", 1, 9, "expected label name"),
            ("a{a=\"1\"} 1 # {} 1 1 \n# EOF\n", 1, 20, "unexpected"),
            (" a 1\n# EOF\n", 1, 1, "expected metric name"),
            ("a{__r=\"1\"} 1\n# EOF\n", 1, 3, "reserved label name"),
        ];
        for &(input, line, column, msg) in cases {
            let e = err(input);
            assert_eq!((e.line, e.column), (line, column), "{input:?}: {e}");
            assert!(e.message.contains(msg), "{input:?}: {e}");
        }
    }

    /// What the Python client (prometheus_client 0.26, `openmetrics.exposition.generate_latest`)
    /// writes: created timestamps, exemplars with timestamps, escaped HELP and label values.
    #[test]
    fn prometheus_client_output() {
        let input = r##"# HELP http_requests Requests
# TYPE http_requests counter
http_requests_total{code="200",method="GET"} 5.0 # {trace_id="abc123"} 5.0 1795461596.487936
http_requests_created{code="200",method="GET"} 1.7954615964879286e+09
http_requests_total{code="500",method="POST"} 2.0
http_requests_created{code="500",method="POST"} 1.7954615964879522e+09
# HELP active_connections Conns with \"quotes\" and \\ backslash\nnewline
# TYPE active_connections gauge
active_connections{path="C:\\dir\\\"x\"\nline"} 37.0
# HELP http_request_duration_seconds Latency
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{handler="/api",le="0.005"} 0.0
http_request_duration_seconds_bucket{handler="/api",le="0.01"} 1.0 # {trace_id="q1"} 0.01 1795461596.4880583
http_request_duration_seconds_bucket{handler="/api",le="0.025"} 1.0
http_request_duration_seconds_bucket{handler="/api",le="0.05"} 1.0
http_request_duration_seconds_bucket{handler="/api",le="0.075"} 1.0
http_request_duration_seconds_bucket{handler="/api",le="0.1"} 1.0
http_request_duration_seconds_bucket{handler="/api",le="0.25"} 2.0 # {trace_id="q20"} 0.2 1795461596.4880674
http_request_duration_seconds_bucket{handler="/api",le="0.5"} 2.0
http_request_duration_seconds_bucket{handler="/api",le="0.75"} 3.0 # {trace_id="q70"} 0.7 1795461596.488074
http_request_duration_seconds_bucket{handler="/api",le="1.0"} 3.0
http_request_duration_seconds_bucket{handler="/api",le="2.5"} 3.0
http_request_duration_seconds_bucket{handler="/api",le="5.0"} 4.0 # {trace_id="q300"} 3.0 1795461596.48808
http_request_duration_seconds_bucket{handler="/api",le="7.5"} 4.0
http_request_duration_seconds_bucket{handler="/api",le="10.0"} 4.0
http_request_duration_seconds_bucket{handler="/api",le="+Inf"} 4.0
http_request_duration_seconds_count{handler="/api"} 4.0
http_request_duration_seconds_sum{handler="/api"} 3.91
http_request_duration_seconds_created{handler="/api"} 1.7954615964880126e+09
# HELP rpc_seconds RPC
# TYPE rpc_seconds summary
# UNIT rpc_seconds seconds
rpc_seconds_count 1.0
rpc_seconds_sum 1.5
rpc_seconds_created 1.795461596488093e+09
# HELP build Build info
# TYPE build info
build_info{commit="abc",version="1.2.3"} 1.0
# HELP state State
# TYPE state stateset
state{state="a"} 0.0
state{state="b"} 1.0
# EOF
"##;
        let e = p(input);
        let kinds: Vec<_> = e
            .families
            .iter()
            .map(|f| (f.name.as_ref(), f.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("http_requests", MetricType::Counter),
                ("active_connections", MetricType::Gauge),
                ("http_request_duration_seconds", MetricType::Histogram),
                ("rpc_seconds", MetricType::Summary),
                ("build", MetricType::Info),
                ("state", MetricType::StateSet)
            ]
        );
        let total: f64 = e
            .samples_named("http_requests_total")
            .map(|s| s.value)
            .sum();
        assert_eq!(total, 7.0);
        let x = e
            .samples_named("http_requests_total")
            .find_map(|s| s.exemplar.as_ref())
            .unwrap();
        assert_eq!((x.value, x.timestamp), (5.0, Some(1795461596.487936)));
        let conn = &e.family("active_connections").unwrap();
        assert_eq!(
            conn.help.as_deref(),
            Some("Conns with \"quotes\" and \\ backslash\nnewline")
        );
        assert_eq!(conn.samples[0].label("path"), Some("C:\\dir\\\"x\"\nline"));
        let exemplars = e
            .samples_named("http_request_duration_seconds_bucket")
            .filter(|s| s.exemplar.is_some())
            .count();
        assert_eq!(exemplars, 4);
        assert_eq!(
            e.family("rpc_seconds").unwrap().unit.as_deref(),
            Some("seconds")
        );
        assert_eq!(e.sample_count(), 29);
    }

    #[test]
    fn info_timestamps_may_go_backwards_but_not_mix() {
        let e = p("# TYPE a info\na_info{x=\"1\"} 1 5\na_info{x=\"2\"} 1 1\n# EOF\n");
        assert_eq!(e.families[0].samples.len(), 2);
        let e = err("# TYPE a info\na_info{x=\"1\"} 1 5\na_info{x=\"2\"} 1\n# EOF\n");
        assert!(e.message.contains("mix of samples"), "{e}");
    }

    #[test]
    fn leniently_an_exemplar_goes_by_the_sample_name_as_prometheus_does() {
        let lenient = |page: &str| parse(page, false).map(|e| e.sample_count());
        // Prometheus 2.42 takes an exemplar on any sample named *_total or *_bucket...
        assert_eq!(
            lenient("# TYPE a_bucket gauge\na_bucket 1 # {a=\"b\"} 1\n# EOF\n"),
            Ok(1)
        );
        assert_eq!(lenient("x_total 1 # {a=\"b\"} 1\n# EOF\n"), Ok(1));
        // ...and rejects the page for one on any other sample, whatever the family's type.
        for page in [
            "# TYPE a gauge\na 1 # {a=\"b\"} 1\n# EOF\n",
            "# TYPE a histogram\na_sum 1 # {a=\"b\"} 0.5\n# EOF\n",
            "# TYPE a counter\na_created 1 # {a=\"b\"} 0.5\n# EOF\n",
        ] {
            let e = lenient(page).unwrap_err();
            assert!(e.message.contains("only samples named"), "{page}: {e:?}");
        }
    }

    #[test]
    fn exemplar_label_length_counts_characters() {
        let long = |n: usize, c: char| -> String {
            format!(
                "# TYPE a counter\na_total 1 # {{a=\"{}\"}} 1\n# EOF\n",
                c.to_string().repeat(n)
            )
        };
        // 'a' + 127 characters = 128: the limit, even when the characters take 3 bytes.
        assert!(parse_any(&long(127, '☃'), Format::OpenMetrics).is_ok());
        let e = err(&long(128, 'x'));
        assert!(e.message.contains("129 characters"), "{e}");
        assert_eq!((e.line, e.column), (2, 13));
    }

    #[test]
    fn empty_unit_and_help_are_allowed_and_owned_only_when_escaped() {
        let e = p("# HELP a \n# UNIT a \n# HELP b x\\ny\n# EOF\n");
        assert_eq!(e.families[0].help.as_deref(), Some(""));
        assert_eq!(e.families[0].unit, None);
        assert!(matches!(e.families[0].help, Some(Cow::Borrowed(_))));
        assert_eq!(e.families[1].help.as_deref(), Some("x\ny"));
        assert!(matches!(e.families[1].help, Some(Cow::Owned(_))));
    }

    #[test]
    fn groups_may_list_labels_in_any_order() {
        let e = p("# TYPE a histogram\n\
                   a_bucket{x=\"1\",le=\"+Inf\",y=\"2\"} 1\n\
                   a_count{y=\"2\",x=\"1\"} 1\n\
                   a_sum{x=\"1\",y=\"2\"} 1\n\
                   # EOF\n");
        assert_eq!(e.families[0].samples.len(), 3);
        // The same label pairs in another order are the same group, so coming back is an error.
        let e = err("a{x=\"1\",y=\"2\"} 1\na{x=\"2\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 1\n# EOF\n");
        assert!(e.message.contains("contiguous"), "{e}");
    }

    #[test]
    fn quoted_names_and_escapes() {
        let e = p("# TYPE \"my.counter\" counter\n\
                   # HELP \"my.counter\" a \\\\ b\n\
                   {\"my.counter_total\",\"label.x\"=\"a\\\"b\"} 1\n\
                   # EOF\n");
        let f = &e.families[0];
        assert_eq!(
            (f.name.as_ref(), f.kind),
            ("my.counter", MetricType::Counter)
        );
        assert_eq!(f.help.as_deref(), Some("a \\ b"));
        assert_eq!(f.samples[0].label("label.x"), Some("a\"b"));
        assert_eq!(e.samples_named("my.counter_total").count(), 1);
    }

    #[test]
    fn groups_with_colliding_hashes_are_told_apart() {
        let sample = |v: &'static str| MetricSample {
            name: Cow::Borrowed("a"),
            labels: vec![(Cow::Borrowed("x"), Cow::Borrowed(v))],
            value: 1.0,
            timestamp: None,
            exemplar: None,
        };
        let mut open = Open::new(Cow::Borrowed("a"), 0);
        let add = |open: &mut Open<'static>, v: &'static str| -> LResult<()> {
            let s = sample(v);
            group(open, &s, 0)?;
            open.fam.samples.push(s);
            Ok(())
        };
        add(&mut open, "1").unwrap();
        // Pretend group x="2" hashes like x="1": its slot is taken by group x="1" (index 0).
        let h2 = open.group_hash(&sample("2"));
        open.seen_groups.insert(h2, 0);
        add(&mut open, "2").unwrap();
        assert_eq!(open.collisions, [(h2, 1)]);
        add(&mut open, "3").unwrap();
        // Coming back to x="2" is found through the collision list; x="1" through the map.
        let e = add(&mut open, "2").unwrap_err();
        assert!(e.message.contains("contiguous"), "{}", e.message);
        assert!(add(&mut open, "1").is_err());
        assert!(add(&mut open, "4").is_ok());
    }

    #[test]
    fn same_labels_and_hash_are_order_independent() {
        let l =
            |v: &[(&'static str, &'static str)]| -> Vec<(Cow<'static, str>, Cow<'static, str>)> {
                v.iter()
                    .map(|&(a, b)| (Cow::from(a), Cow::from(b)))
                    .collect()
            };
        let a = l(&[("x", "1"), ("le", "1"), ("y", "2")]);
        let b = l(&[("y", "2"), ("x", "1")]);
        assert!(same_labels(&a, Some("le"), &b, None));
        assert!(!same_labels(&a, None, &b, None));
        assert!(!same_labels(
            &a,
            Some("le"),
            &l(&[("y", "2"), ("x", "2")]),
            None
        ));
        assert!(!same_labels(&b, None, &l(&[("x", "1")]), None));
        let h = |v: &[(Cow<str>, Cow<str>)]| {
            v.iter()
                .fold(0u64, |h, (n, v)| h.wrapping_add(pair_hash(n, v)))
        };
        assert_eq!(h(&b), h(&l(&[("x", "1"), ("y", "2")])));
        assert_ne!(h(&b), h(&l(&[("x", "2"), ("y", "1")])));
    }
}
