//! Samples as CSV (RFC 4180): a header of sample field names, one row per sample.
//!
//! CSV carries exactly the sample's named fields; extra fields (raw counters, …) have no column
//! and are dropped on export. Unknown values are empty cells. Numbers are written in Rust's
//! shortest round-trip form, so export → import gives back the same values bit for bit.

use jiff::Timestamp;

use crate::sample::{Metric, Sample, check_value};

/// The CSV columns, in the order written: every named field of a sample.
pub const FIELDS: [&str; 9] = [
    "timestamp",
    "cpu_percent",
    "memory_percent",
    "requests_per_second",
    "cache_hit_rate",
    "error_rate",
    "response_time_ms",
    "active_connections",
    "instance",
];

/// A row that could not be read: its 1-based line number and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// The line the row starts on.
    pub line: usize,
    /// What is wrong with it.
    pub error: String,
}

/// Samples as CSV text with a header line; every line ends with `\n`.
pub fn to_csv(samples: &[Sample]) -> String {
    let mut out = FIELDS.join(",");
    out.push('\n');
    for s in samples {
        let cells: Vec<String> = FIELDS
            .iter()
            .map(|&field| match field {
                "timestamp" => s.timestamp.map(|t| t.to_string()).unwrap_or_default(),
                "active_connections" => s
                    .active_connections
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                "instance" => match s.instance.as_deref() {
                    None => String::new(),
                    // An empty name must come back as an empty name, not as "no instance".
                    Some("") => "\"\"".to_string(),
                    Some(name) => quote(name),
                },
                metric => metric
                    .parse::<Metric>()
                    .ok()
                    .and_then(|m| s.get(m))
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// Quote a cell when it holds a separator, a quote or a line break.
fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Read CSV with a header of sample field names (any subset, any order). Every bad row is
/// reported with its line; a file with errors yields no samples at all.
pub fn parse_csv(text: &str) -> Result<Vec<Sample>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = records(text).map_err(|e| vec![e])?;
    let mut records = records.into_iter();
    let Some((header_line, header)) = records.next() else {
        return Err(vec![RowError {
            line: 1,
            error: format!(
                "empty file: expected a header of sample field names ({})",
                FIELDS.join(",")
            ),
        }]);
    };
    let columns = header_columns(&header).map_err(|error| {
        vec![RowError {
            line: header_line,
            error,
        }]
    })?;
    let mut samples = Vec::new();
    let mut errors = Vec::new();
    for (line, cells) in records {
        match row_sample(&columns, &cells) {
            Ok(sample) => samples.push(sample),
            Err(error) => errors.push(RowError { line, error }),
        }
    }
    if errors.is_empty() {
        Ok(samples)
    } else {
        Err(errors)
    }
}

/// One cell: its text, and whether it was quoted (`""` is an empty name, an empty cell is none).
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    text: String,
    quoted: bool,
}

fn header_columns(header: &[Cell]) -> Result<Vec<&'static str>, String> {
    let mut columns: Vec<&'static str> = Vec::with_capacity(header.len());
    for cell in header {
        let name = cell.text.trim();
        let Some(&field) = FIELDS.iter().find(|&&f| f == name) else {
            return Err(format!(
                "unknown column '{name}' in the header (sample fields: {})",
                FIELDS.join(", ")
            ));
        };
        if columns.contains(&field) {
            return Err(format!("column '{name}' appears twice in the header"));
        }
        columns.push(field);
    }
    Ok(columns)
}

fn row_sample(columns: &[&'static str], cells: &[Cell]) -> Result<Sample, String> {
    if cells.len() != columns.len() {
        return Err(format!(
            "{} cells, but the header has {} columns",
            cells.len(),
            columns.len()
        ));
    }
    let mut sample = Sample::default();
    for (&field, cell) in columns.iter().zip(cells) {
        let value = cell.text.trim();
        if field == "instance" {
            sample.instance = (cell.quoted || !cell.text.is_empty()).then(|| cell.text.clone());
            continue;
        }
        if value.is_empty() {
            continue;
        }
        match field {
            "timestamp" => {
                let t: Timestamp = value.parse().map_err(|e| {
                    format!(
                        "timestamp '{value}' is not an RFC 3339 time like 2026-11-23T18:00:00Z: {e}"
                    )
                })?;
                sample.timestamp = Some(t);
            }
            name => {
                let metric: Metric = name.parse()?;
                let v: f64 = value
                    .parse()
                    .map_err(|_| format!("{metric} '{value}' is not a number"))?;
                check_value(metric, v)?;
                sample.set(metric, Some(v));
            }
        }
    }
    Ok(sample)
}

/// Split CSV text into records of cells, each with the line it starts on. Blank lines are
/// skipped; quoted cells may hold commas, quotes (doubled) and line breaks.
fn records(text: &str) -> Result<Vec<(usize, Vec<Cell>)>, RowError> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start = line;
        let mut cells = Vec::new();
        let mut cell = Cell {
            text: String::new(),
            quoted: false,
        };
        let mut after_quote = false;
        loop {
            let Some(c) = chars.next() else {
                if cell.quoted && !after_quote {
                    return Err(RowError {
                        line: start,
                        error: "a quoted cell is never closed".to_string(),
                    });
                }
                break;
            };
            if cell.quoted && !after_quote {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.text.push('"');
                    }
                    '"' => after_quote = true,
                    '\n' => {
                        line += 1;
                        cell.text.push(c);
                    }
                    _ => cell.text.push(c),
                }
                continue;
            }
            match c {
                ',' => {
                    cells.push(std::mem::replace(
                        &mut cell,
                        Cell {
                            text: String::new(),
                            quoted: false,
                        },
                    ));
                    after_quote = false;
                }
                '\n' => {
                    line += 1;
                    break;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '"' if cell.text.is_empty() && !cell.quoted => cell.quoted = true,
                _ if after_quote => {
                    return Err(RowError {
                        line,
                        error: format!("unexpected '{c}' after a closing quote"),
                    });
                }
                '"' => {
                    return Err(RowError {
                        line,
                        error: "a quote inside an unquoted cell (quote the whole cell and double the quote)".to_string(),
                    });
                }
                _ => cell.text.push(c),
            }
        }
        let blank = cells.is_empty() && !cell.quoted && cell.text.trim().is_empty();
        if !blank {
            cells.push(cell);
            out.push((start, cells));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Sample {
        Sample::from_line(r#"{"timestamp":"2026-11-23T18:00:00.25Z","cpu_percent":72.5,"memory_percent":61.0,"requests_per_second":140.2,"cache_hit_rate":91.3,"error_rate":0.1,"response_time_ms":212.0,"active_connections":37,"instance":"web-1"}"#).unwrap()
    }

    #[test]
    fn writes_a_header_and_one_row_per_sample() {
        let text = to_csv(&[full(), Sample::default()]);
        assert_eq!(
            text,
            "timestamp,cpu_percent,memory_percent,requests_per_second,cache_hit_rate,error_rate,response_time_ms,active_connections,instance\n\
             2026-11-23T18:00:00.25Z,72.5,61,140.2,91.3,0.1,212,37,web-1\n\
             ,,,,,,,,\n"
        );
    }

    #[test]
    fn round_trips_values_exactly_and_drops_extra_fields() {
        let mut odd = full();
        odd.cpu_percent = Some(0.1 + 0.2);
        odd.requests_per_second = Some(1e-7);
        odd.response_time_ms = Some(123_456_789.123_456_78);
        odd.instance = Some("a \"quoted\", multi\nline name".into());
        odd.extra.insert("raw".into(), serde_json::json!(5));
        let empty_name = Sample {
            instance: Some(String::new()),
            ..Sample::default()
        };
        let samples = vec![full(), odd.clone(), empty_name.clone(), Sample::default()];
        let back = parse_csv(&to_csv(&samples)).unwrap();
        odd.extra.clear();
        assert_eq!(back, vec![full(), odd, empty_name, Sample::default()]);
    }

    #[test]
    fn reads_any_subset_of_columns_in_any_order() {
        let text = "\u{feff}instance, cpu_percent\r\nweb-2, 55\r\n\r\n,\r\n";
        let s = parse_csv(text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].instance.as_deref(), s[0].cpu_percent),
            (Some("web-2"), Some(55.0))
        );
        assert_eq!(s[0].memory_percent, None);
        assert_eq!(s[1], Sample::default());
    }

    #[test]
    fn fractional_connections_and_utilization_over_100_are_read_and_written() {
        let text = "cpu_percent,memory_percent,error_rate,active_connections\n250,1200.5,3,12.5\n";
        let s = parse_csv(text).unwrap();
        assert_eq!(
            (
                s[0].cpu_percent,
                s[0].memory_percent,
                s[0].active_connections
            ),
            (Some(250.0), Some(1200.5), Some(12.5))
        );
        assert!(to_csv(&s).contains(",12.5,"), "{}", to_csv(&s));
        let e = parse_csv("error_rate\n101\n").unwrap_err();
        assert!(e[0].error.contains("percentage (0–100)"), "{e:?}");
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let text = "timestamp,error_rate,active_connections\n\
                    2026-11-23T18:00:00Z,50,3\n\
                    yesterday,50,3\n\
                    ,-5,3\n\
                    ,50,-2\n\
                    ,abc,1\n\
                    ,1\n";
        let errors = parse_csv(text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7]);
        assert!(errors[0].error.contains("timestamp 'yesterday'"));
        assert!(
            errors[1]
                .error
                .contains("error_rate must be a finite number ≥ 0")
        );
        assert!(
            errors[2]
                .error
                .contains("active_connections must be a finite number ≥ 0")
        );
        assert!(errors[3].error.contains("error_rate 'abc' is not a number"));
        assert!(errors[4].error.contains("2 cells, but the header has 3"));
    }

    #[test]
    fn rejects_bad_headers_and_broken_quoting() {
        let e = parse_csv("cpu_pct\n1\n").unwrap_err();
        assert_eq!(e[0].line, 1);
        assert!(e[0].error.contains("unknown column 'cpu_pct'"));
        assert!(
            parse_csv("cpu_percent,cpu_percent\n").unwrap_err()[0]
                .error
                .contains("twice")
        );
        assert!(parse_csv("").unwrap_err()[0].error.contains("empty file"));
        let e = parse_csv("instance\n\"a\n\nb").unwrap_err();
        assert_eq!(
            (e[0].line, e[0].error.as_str()),
            (2, "a quoted cell is never closed")
        );
        let e = parse_csv("instance\n\nab\"c\n").unwrap_err();
        assert_eq!(e[0].line, 3);
        let e = parse_csv("instance\n\"a\"b\n").unwrap_err();
        assert!(e[0].error.contains("after a closing quote"));
        // A multi-line quoted cell counts its lines: the bad row after it is on line 4.
        let e = parse_csv("instance,cpu_percent\n\"x\ny\",1\nz,oops\n").unwrap_err();
        assert_eq!(e[0].line, 4);
        // A header alone is an empty import, not an error.
        assert_eq!(parse_csv("cpu_percent\n").unwrap(), vec![]);
    }
}
