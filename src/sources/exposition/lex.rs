//! Byte-level lexing shared by both exposition formats: names, quoted strings, label sets, numbers.
//!
//! Everything here works on one line of the input at a time (`Line`) and borrows from the input;
//! a string is only copied when it contains an escape sequence.

use std::borrow::Cow;

/// A lexing or validation failure at an absolute byte offset of the input (mapped to a line and
/// column only when the error is reported, so the happy path never counts lines backwards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fail {
    pub offset: usize,
    pub message: String,
}

pub(super) type LResult<T> = Result<T, Fail>;

pub(super) fn fail<T>(offset: usize, message: impl Into<String>) -> LResult<T> {
    Err(Fail {
        offset,
        message: message.into(),
    })
}

/// A label set as parsed: names and values, in the order they were written.
pub(super) type Labels<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

const METRIC_START: u8 = 1;
const METRIC_CONT: u8 = 2;
const LABEL_START: u8 = 4;
const LABEL_CONT: u8 = 8;
const DIGIT: u8 = 16;

/// Character classes of ASCII bytes (a lookup is cheaper than a chain of range comparisons).
static CLASS: [u8; 256] = build_classes();

const fn build_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        let alpha = c.is_ascii_alphabetic() || c == b'_';
        let digit = c.is_ascii_digit();
        let mut v = 0;
        if alpha || c == b':' {
            v |= METRIC_START | METRIC_CONT;
        }
        if digit {
            v |= METRIC_CONT | LABEL_CONT | DIGIT;
        }
        if alpha {
            v |= LABEL_START | LABEL_CONT;
        }
        t[b] = v;
        b += 1;
    }
    t
}

#[inline]
fn class(b: u8, c: u8) -> bool {
    CLASS[b as usize] & c != 0
}

/// The offset of the `\n` ending the line that starts at `start`, or the input length.
/// (`str::find` with a char uses the standard library's word-at-a-time `memchr`.)
#[inline]
pub(super) fn line_end(src: &str, start: usize) -> usize {
    src.get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(src.len(), |i| start + i)
}

/// The result of parsing `{...}`: an optional metric name written inside the braces (the quoted
/// UTF-8 form `{"my.metric", ...}` or `__name__="..."`) and the labels.
#[derive(Debug)]
pub(super) struct LabelSet<'a> {
    pub name: Option<Cow<'a, str>>,
    pub labels: Labels<'a>,
}

/// A cursor over one line: `pos` and `end` are absolute byte offsets into `src`, and `end` is
/// the offset of the line's `\n` (or the end of input).
pub(super) struct Line<'a> {
    pub src: &'a str,
    pub pos: usize,
    pub end: usize,
    /// OpenMetrics read as the Prometheus server reads it: reserved `__` label names are
    /// allowed in label sets (a trailing comma is not: Prometheus 2.42 rejects it too).
    pub loose: bool,
}

impl<'a> Line<'a> {
    pub fn new(src: &'a str, start: usize, end: usize) -> Self {
        Line {
            src,
            pos: start,
            end,
            loose: false,
        }
    }

    #[inline]
    pub fn peek(&self) -> Option<u8> {
        if self.pos < self.end {
            self.src.as_bytes().get(self.pos).copied()
        } else {
            None
        }
    }

    #[inline]
    pub fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    /// The rest of the line (from the cursor).
    pub fn rest(&self) -> &'a str {
        self.src.get(self.pos..self.end).unwrap_or("")
    }

    /// Skips spaces and tabs (text format only: OpenMetrics has exactly one space as separator).
    #[inline]
    pub fn skip_ws(&mut self) {
        let b = self.src.as_bytes();
        while self.pos < self.end && matches!(b.get(self.pos), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Consumes `c` or fails with `what`.
    pub fn expect(&mut self, c: u8, what: &str) -> LResult<()> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            fail(
                self.pos,
                format!("expected {what}, found {}", self.describe()),
            )
        }
    }

    /// A short description of what is under the cursor, for error messages.
    pub fn describe(&self) -> String {
        match self.rest().chars().next() {
            None => "end of line".to_string(),
            Some(c) if c.is_control() || c == ' ' => format!("{:?}", c),
            Some(c) => format!("'{c}'"),
        }
    }

    /// An unquoted metric name `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    pub fn metric_name(&mut self) -> LResult<&'a str> {
        let start = self.pos;
        let b = self.src.as_bytes();
        match self.peek() {
            Some(c) if class(c, METRIC_START) => self.pos += 1,
            _ => {
                return fail(
                    start,
                    format!("expected metric name, found {}", self.describe()),
                );
            }
        }
        while self.pos < self.end && b.get(self.pos).is_some_and(|&c| class(c, METRIC_CONT)) {
            self.pos += 1;
        }
        Ok(self.src.get(start..self.pos).unwrap_or(""))
    }

    /// An unquoted label name `[a-zA-Z_][a-zA-Z0-9_]*` (the caller checked the first byte).
    fn label_name(&mut self) -> &'a str {
        let start = self.pos;
        let b = self.src.as_bytes();
        self.pos += 1;
        while self.pos < self.end && b.get(self.pos).is_some_and(|&c| class(c, LABEL_CONT)) {
            self.pos += 1;
        }
        self.src.get(start..self.pos).unwrap_or("")
    }

    /// A double-quoted string at the cursor, with `\\`, `\"` and `\n` unescaped. Any other
    /// backslash sequence is kept verbatim, as both the Prometheus server and the OpenMetrics
    /// reference parser do. Borrowed unless an escape had to be replaced.
    pub fn quoted(&mut self) -> LResult<Cow<'a, str>> {
        let open = self.pos;
        self.expect(b'"', "'\"'")?;
        let b = self.src.as_bytes();
        let start = self.pos;
        let mut i = start;
        // Fast path: no backslash before the closing quote.
        loop {
            if i >= self.end {
                return fail(open, "unterminated quoted string");
            }
            match b.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(self.src.get(start..i).unwrap_or("")));
                }
                Some(b'\\') => break,
                _ => i += 1,
            }
        }
        let mut out = String::with_capacity(i - start + 16);
        let mut seg = start;
        loop {
            if i >= self.end {
                return fail(open, "unterminated quoted string");
            }
            match b.get(i) {
                Some(b'"') => {
                    out.push_str(self.src.get(seg..i).unwrap_or(""));
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    out.push_str(self.src.get(seg..i).unwrap_or(""));
                    if i + 1 >= self.end {
                        return fail(open, "unterminated quoted string");
                    }
                    match b.get(i + 1) {
                        Some(b'\\') => out.push('\\'),
                        Some(b'"') => out.push('"'),
                        Some(b'n') => out.push('\n'),
                        _ => {
                            // Unknown escape: keep the backslash; the next char is copied as is.
                            out.push('\\');
                            i += 1;
                            seg = i;
                            continue;
                        }
                    }
                    i += 2;
                    seg = i;
                }
                _ => i += 1,
            }
        }
    }

    /// A label set `{...}` at the cursor.
    ///
    /// * `om`: OpenMetrics rules (no whitespace, no trailing comma, no reserved `__` names; with
    ///   `loose`, as Prometheus reads it, `__` names are allowed);
    ///   otherwise the text format's (spaces and tabs between tokens, a trailing comma allowed).
    /// * `name_slot`: a metric name may be written inside the braces (no name before them).
    ///
    /// The labels are collected in `scratch` (reused across lines) and returned in a vector of
    /// exactly the right size: one allocation per sample, none for `{}`.
    pub fn label_set(
        &mut self,
        om: bool,
        name_slot: bool,
        scratch: &mut Labels<'a>,
    ) -> LResult<LabelSet<'a>> {
        scratch.clear();
        let name = self.label_terms(om, name_slot, scratch)?;
        // `append` moves the pairs and leaves `scratch` empty with its capacity kept.
        let mut labels = Vec::with_capacity(scratch.len());
        labels.append(scratch);
        Ok(LabelSet { name, labels })
    }

    fn label_terms(
        &mut self,
        om: bool,
        name_slot: bool,
        labels: &mut Labels<'a>,
    ) -> LResult<Option<Cow<'a, str>>> {
        self.expect(b'{', "'{'")?;
        let mut name = None;
        if !om {
            self.skip_ws();
        }
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(name);
        }
        let mut first = true;
        loop {
            let term = self.pos;
            let (lname, quoted) = match self.peek() {
                Some(b'"') => (self.quoted()?, true),
                Some(c) if class(c, LABEL_START) => (Cow::Borrowed(self.label_name()), false),
                _ => {
                    return fail(
                        term,
                        format!("expected label name, found {}", self.describe()),
                    );
                }
            };
            if !om {
                self.skip_ws();
            }
            if self.peek() == Some(b'=') {
                self.pos += 1;
                if !om {
                    self.skip_ws();
                }
                if self.peek() != Some(b'"') {
                    return fail(
                        self.pos,
                        format!(
                            "expected '\"' to start a label value, found {}",
                            self.describe()
                        ),
                    );
                }
                let value = self.quoted()?;
                if lname.is_empty() {
                    return fail(term, "empty label name");
                }
                if lname == "__name__" {
                    if !name_slot || name.is_some() {
                        return fail(term, "metric name given twice");
                    }
                    if value.is_empty() {
                        return fail(term, "empty metric name");
                    }
                    name = Some(value);
                } else {
                    if om && !self.loose && lname.starts_with("__") {
                        return fail(term, format!("reserved label name '{lname}'"));
                    }
                    if labels.iter().any(|(n, _)| *n == lname) {
                        return fail(term, format!("duplicate label name '{lname}'"));
                    }
                    labels.push((lname, value));
                }
            } else if quoted && first && name_slot {
                if lname.is_empty() {
                    return fail(term, "empty metric name");
                }
                name = Some(lname);
            } else if quoted && first {
                return fail(term, "metric name given twice");
            } else {
                return fail(self.pos, format!("expected '=', found {}", self.describe()));
            }
            first = false;
            if !om {
                self.skip_ws();
            }
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    if !om {
                        self.skip_ws();
                        if self.peek() == Some(b'}') {
                            self.pos += 1;
                            return Ok(name);
                        }
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(name);
                }
                _ => {
                    return fail(
                        self.pos,
                        format!(
                            "expected ',' or '}}' in label set, found {}",
                            self.describe()
                        ),
                    );
                }
            }
        }
    }

    /// The token up to the next space (and tab, in the text format) or the end of the line.
    #[inline]
    pub fn token(&mut self, tabs: bool) -> &'a str {
        let start = self.pos;
        let b = self.src.as_bytes();
        while self.pos < self.end {
            match b.get(self.pos) {
                Some(b' ') => break,
                Some(b'\t') if tabs => break,
                _ => self.pos += 1,
            }
        }
        self.src.get(start..self.pos).unwrap_or("")
    }
}

/// `[sign] 1*DIGIT ["." *DIGIT] ["e" [sign] 1*DIGIT]` or `[sign] *DIGIT "." 1*DIGIT [exp]`:
/// the OpenMetrics `realnumber` (also what the Prometheus text parser accepts, minus Go's hex
/// floats, which it rejects too).
pub(super) fn is_real_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(|&c| class(c, DIGIT)) {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let f = i;
        while b.get(i).is_some_and(|&c| class(c, DIGIT)) {
            i += 1;
        }
        frac_digits = i - f;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let e = i;
        while b.get(i).is_some_and(|&c| class(c, DIGIT)) {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// Parses a sample or exemplar value: a real number, `[+-]Inf`/`[+-]Infinity` or `NaN` (case
/// insensitive). Returns `None` for anything else (hex, underscores, empty, ...).
#[inline]
pub(super) fn parse_value(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    // Fast path: a short unsigned integer is exact in f64 (most counters and bucket counts).
    if !b.is_empty() && b.len() <= 15 && b.iter().all(|c| c.is_ascii_digit()) {
        let mut v: u64 = 0;
        for &c in b {
            v = v * 10 + u64::from(c - b'0');
        }
        return Some(v as f64);
    }
    if is_real_number(s) {
        return s.parse().ok();
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
        return Some(if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if s.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    None
}

/// An OpenMetrics timestamp: a real number of seconds (no `Inf`/`NaN`).
pub(super) fn parse_om_timestamp(s: &str) -> Option<f64> {
    if is_real_number(s) {
        s.parse::<f64>().ok().filter(|t| t.is_finite())
    } else {
        None
    }
}

/// A text-format (0.0.4) timestamp: an integer number of milliseconds, returned in seconds.
pub(super) fn parse_text_timestamp(s: &str) -> Option<f64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().map(|ms| ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Line<'_> {
        Line::new(s, 0, s.len())
    }

    #[test]
    fn values_accept_the_spec_grammar_and_nothing_else() {
        for (s, v) in [
            ("1", 1.0),
            ("-1", -1.0),
            ("+1.5", 1.5),
            ("1.", 1.0),
            (".5", 0.5),
            ("1e3", 1000.0),
            ("1.5E-3", 0.0015),
            ("0000001.2e-1", 0.12),
            ("9223372036854775808", 9_223_372_036_854_775_808.0),
            ("123456789012345", 123_456_789_012_345.0),
        ] {
            assert_eq!(parse_value(s), Some(v), "{s}");
        }
        assert_eq!(parse_value("+Inf"), Some(f64::INFINITY));
        assert_eq!(parse_value("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_value("Infinity"), Some(f64::INFINITY));
        assert!(parse_value("NaN").is_some_and(f64::is_nan));
        assert!(parse_value("nan").is_some_and(f64::is_nan));
        for s in [
            "", "+", ".", "e3", "1e", "1e+", "1_2", "0x1", "0x1p-3", "0b1", "0o1", "1.1.1", "a",
            "+NaN", "-nan", "1 ", " 1", "Inf1", "1f",
        ] {
            assert_eq!(parse_value(s), None, "{s:?} must be rejected");
        }
    }

    #[test]
    fn timestamps_by_format() {
        assert_eq!(
            parse_text_timestamp("1700000000123"),
            Some(1_700_000_000.123)
        );
        assert_eq!(parse_text_timestamp("-1000"), Some(-1.0));
        assert_eq!(parse_text_timestamp("1.5"), None);
        assert_eq!(parse_text_timestamp("1e3"), None);
        assert_eq!(parse_text_timestamp("-"), None);
        assert_eq!(parse_text_timestamp("99999999999999999999"), None);
        assert_eq!(parse_om_timestamp("1.5e3"), Some(1500.0));
        assert_eq!(parse_om_timestamp("000"), Some(0.0));
        assert_eq!(parse_om_timestamp("Inf"), None);
        assert_eq!(parse_om_timestamp("NaN"), None);
    }

    #[test]
    fn quoted_strings_borrow_unless_escaped() {
        let mut l = line(r#""plain" rest"#);
        let q = l.quoted().unwrap();
        assert!(matches!(q, Cow::Borrowed("plain")));
        assert_eq!(l.rest(), " rest");

        let mut l = line(r#""a\\b\"c\nd\ze""#);
        let q = l.quoted().unwrap();
        assert!(matches!(q, Cow::Owned(_)));
        assert_eq!(q, "a\\b\"c\nd\\ze");
        assert!(l.at_end());

        let mut l = line(r#""ünï\"cödé""#);
        assert_eq!(l.quoted().unwrap(), "ünï\"cödé");

        let mut l = line(r#""open"#);
        assert_eq!(l.quoted().unwrap_err().offset, 0);
        let mut l = line(r#""ends in backslash\"#);
        assert!(l.quoted().is_err());
    }

    #[test]
    fn label_sets_in_both_dialects() {
        let mut l = line(r#"{a="1",b="x,y=}{z"} 1"#);
        let set = l.label_set(true, false, &mut Vec::new()).unwrap();
        assert_eq!(set.labels.len(), 2);
        assert_eq!(set.labels[1].1, "x,y=}{z");
        assert_eq!(l.rest(), " 1");

        // Text format: whitespace and a trailing comma are fine; OpenMetrics: not.
        let s = r#"{ a = "1" , b="2", }"#;
        assert_eq!(
            line(s)
                .label_set(false, false, &mut Vec::new())
                .unwrap()
                .labels
                .len(),
            2
        );
        assert!(line(s).label_set(true, false, &mut Vec::new()).is_err());
        assert!(
            line(r#"{a="1",}"#)
                .label_set(true, false, &mut Vec::new())
                .is_err()
        );

        // Quoted metric name and label names.
        let mut l = line(r#"{"my.metric", "label.x"="v"}"#);
        let set = l.label_set(false, true, &mut Vec::new()).unwrap();
        assert_eq!(set.name.as_deref(), Some("my.metric"));
        assert_eq!(set.labels, vec![(Cow::from("label.x"), Cow::from("v"))]);
        // ... but not when the name was already written before the braces.
        assert!(
            line(r#"{"my.metric"}"#)
                .label_set(false, false, &mut Vec::new())
                .is_err()
        );

        let err = line(r#"{a="1",a="2"}"#)
            .label_set(false, false, &mut Vec::new())
            .unwrap_err();
        assert!(
            err.message.contains("duplicate label name 'a'"),
            "{}",
            err.message
        );
        assert_eq!(err.offset, 7);
        assert!(
            line(r#"{a=1}"#)
                .label_set(false, false, &mut Vec::new())
                .is_err()
        );
        assert!(
            line(r#"{a}"#)
                .label_set(false, false, &mut Vec::new())
                .is_err()
        );
        assert!(
            line(r#"{1="a"}"#)
                .label_set(false, false, &mut Vec::new())
                .is_err()
        );
        assert!(
            line(r#"{__x="a"}"#)
                .label_set(true, false, &mut Vec::new())
                .is_err()
        );
        assert!(
            line(r#"{__x="a"}"#)
                .label_set(false, false, &mut Vec::new())
                .is_ok()
        );
    }
}
