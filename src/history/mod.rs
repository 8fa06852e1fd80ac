//! The rolling history of samples: where it lives and how it is read and written.

pub mod csv;
pub mod file;
pub mod import;
pub mod redis;
pub mod store;

use crate::sample::{Problem, Sample};

/// The default number of samples kept (the seed's `metrics_history[-100:]`).
pub const DEFAULT_CAPACITY: usize = 100;

/// A line of the history that did not parse: reported, never silently dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// 1-based line number in the file.
    pub line: usize,
    /// The line as it was (lossily decoded if it was not UTF-8).
    pub text: String,
    /// Why it did not parse.
    pub error: String,
}

/// A line that parsed with a problem to report (its sample is kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    /// 1-based line number in the file.
    pub line: usize,
    /// The line as it was.
    pub text: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What a read of the history found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// The samples, oldest first.
    pub samples: Vec<Sample>,
    /// Lines that did not parse.
    pub rejected: Vec<Rejected>,
    /// Lines that parsed with a problem to report (a metric's invalid value, which leaves that
    /// metric unknown; a field name close to a metric's): one entry per problem.
    pub flagged: Vec<Flagged>,
}

impl Loaded {
    /// Record what a reader should be warned about in the sample read from `line`.
    pub fn flag(&mut self, line: usize, text: &str, sample: &Sample) {
        for problem in sample.problems() {
            self.flagged.push(Flagged {
                line,
                text: text.to_string(),
                problem,
            });
        }
    }
}

/// Parse JSON Lines history content. Blank lines are skipped; bad lines are collected.
pub fn parse_lines(content: &[u8]) -> Loaded {
    let mut loaded = Loaded::default();
    for (index, raw) in content.split(|&b| b == b'\n').enumerate() {
        let text = String::from_utf8_lossy(raw);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        let parsed = std::str::from_utf8(raw)
            .map_err(|e| format!("not UTF-8: {e}"))
            .and_then(|line| Sample::from_line(line.trim()));
        match parsed {
            Ok(sample) => {
                loaded.flag(index + 1, trimmed, &sample);
                loaded.samples.push(sample);
            }
            Err(error) => loaded.rejected.push(Rejected {
                line: index + 1,
                text: trimmed.to_string(),
                error,
            }),
        }
    }
    loaded
}

/// Serialize samples as JSON Lines (one per line, trailing newline).
pub fn to_lines(samples: &[Sample]) -> serde_json::Result<String> {
    let mut out = String::with_capacity(samples.len() * 256);
    for sample in samples {
        out.push_str(&sample.to_line()?);
        out.push('\n');
    }
    Ok(out)
}

/// Keep only the newest `capacity` samples.
pub fn trim_to_capacity(samples: &mut Vec<Sample>, capacity: usize) {
    if samples.len() > capacity {
        samples.drain(..samples.len() - capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_good_lines_and_reports_bad_ones_with_line_numbers() {
        let content = b"{\"cpu_percent\":1}\n\nnot json\r\n{\"cpu_percent\":2}\n\xff\xfe\n{\"cpu_percent\":200,\"error_rate\":200,\"memory_percnt\":3}";
        let loaded = parse_lines(content);
        assert_eq!(loaded.samples.len(), 3);
        assert_eq!(loaded.samples[1].cpu_percent, Some(2.0));
        let lines: Vec<usize> = loaded.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 5]);
        assert_eq!(loaded.rejected[0].text, "not json");
        assert!(loaded.rejected[1].error.contains("UTF-8"));
        // Line 6: CPU over 100 is utilization; the error rate is unknown, the typo named.
        assert_eq!(loaded.samples[2].cpu_percent, Some(200.0));
        assert_eq!(loaded.samples[2].error_rate, None);
        let flagged: Vec<(usize, String)> = loaded
            .flagged
            .iter()
            .map(|r| (r.line, r.problem.to_string()))
            .collect();
        assert_eq!(flagged.len(), 2, "{flagged:?}");
        assert_eq!(flagged[0].0, 6);
        assert!(flagged[0].1.starts_with("error_rate 200: "), "{flagged:?}");
        assert_eq!(
            flagged[1],
            (
                6,
                "unknown field 'memory_percnt' (did you mean memory_percent?)".to_string()
            )
        );
        assert_eq!(
            loaded.flagged[0].problem.unknown_metric(),
            Some(crate::sample::Metric::ErrorRate)
        );
    }

    #[test]
    fn trims_oldest_first() {
        let mut v: Vec<Sample> = (0..5)
            .map(|i| Sample {
                cpu_percent: Some(f64::from(i)),
                ..Sample::default()
            })
            .collect();
        trim_to_capacity(&mut v, 3);
        assert_eq!(
            v.iter().map(|s| s.cpu_percent.unwrap()).collect::<Vec<_>>(),
            vec![2.0, 3.0, 4.0]
        );
        let text = to_lines(&v).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert_eq!(parse_lines(text.as_bytes()).samples, v);
    }
}
