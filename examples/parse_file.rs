//! Parses an exposition file and prints its sample count and parse time (for bench/parser_compare.sh).
//!
//! usage: parse_file PATH [--openmetrics] [--repeat N]
//!        parse_file --generate OUT [MIN_BYTES]   (write the benchmark exposition)

#[path = "../benches/common/gen.rs"]
mod generator;

use std::process::ExitCode;
use std::time::Instant;

use rizk_scale::sources::exposition::{Format, parse};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parse_file: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("--generate") {
        let out = args.get(1).ok_or("--generate needs an output path")?;
        let min_bytes = match args.get(2) {
            Some(n) => n.parse().map_err(|e| format!("'{n}': {e}"))?,
            None => 10 * 1024 * 1024,
        };
        return std::fs::write(out, generator::generate(min_bytes))
            .map_err(|e| format!("'{out}': {e}"));
    }
    let path = args
        .first()
        .ok_or("usage: parse_file PATH [--openmetrics] [--repeat N]")?;
    let format = if args.iter().any(|a| a == "--openmetrics") {
        Format::OpenMetrics
    } else {
        Format::PrometheusText
    };
    let repeat: usize = match args.iter().position(|a| a == "--repeat") {
        Some(i) => {
            let n = args.get(i + 1).ok_or("--repeat needs a number")?;
            n.parse().map_err(|e| format!("'{n}': {e}"))?
        }
        None => 1,
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("'{path}': {e}"))?;
    let mut times = Vec::with_capacity(repeat);
    let mut samples = 0;
    let mut families = 0;
    for _ in 0..repeat.max(1) {
        // Timed: parsing and dropping the result (Python's timing includes freeing its objects).
        let start = Instant::now();
        let exposition = parse(&text, format).map_err(|e| format!("'{path}': {e}"))?;
        samples = exposition.sample_count();
        families = exposition.families.len();
        drop(exposition);
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "samples={samples} families={families} bytes={} median_s={median:.6} mb_per_s={:.1}",
        text.len(),
        text.len() as f64 / median / 1e6
    );
    Ok(())
}
