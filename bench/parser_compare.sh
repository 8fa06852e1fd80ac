#!/usr/bin/env bash
# Times prometheus_client's text parser against ours on the same ~10 MB exposition.
#
# usage: bench/parser_compare.sh            (env: PY_RUNS=5 RS_RUNS=21 MIN_BYTES=10485760)
# needs: python3 with prometheus_client (pip install prometheus_client), cargo.
#
# Both sides read the file into memory first and time only the parse (Python: consuming every
# family of text_string_to_metric_families; ours: parse(.., Format::PrometheusText)), and report
# the median of several runs.
set -euo pipefail
cd "$(dirname "$0")/.."

py_runs=${PY_RUNS:-5}
rs_runs=${RS_RUNS:-21}
min_bytes=${MIN_BYTES:-10485760}
file=target/bench-exposition.prom

mkdir -p target
python3 bench/gen_exposition.py "$file" "$min_bytes"
cargo build --release --quiet --example parse_file
bin=target/release/examples/parse_file

# The Python generator and the one the criterion bench uses must write the same bytes.
"$bin" --generate target/bench-exposition-rs.prom "$min_bytes"
if ! cmp -s "$file" target/bench-exposition-rs.prom; then
    echo "parser_compare: error: bench/gen_exposition.py and benches/common/gen.rs disagree" >&2
    exit 2
fi

ours=$("$bin" "$file" --repeat "$rs_runs")
ours_s=$(sed -E 's/.*median_s=([0-9.]+).*/\1/' <<<"$ours")
ours_samples=$(sed -E 's/.*samples=([0-9]+).*/\1/' <<<"$ours")

python_out=$(python3 bench/prom_client_parse.py "$file" "$py_runs")
read -r py_s py_samples py_version _ <<<"$python_out"

bytes=$(wc -c <"$file")
python3 - "$bytes" "$py_s" "$py_samples" "$py_version" "$py_runs" "$ours_s" "$ours_samples" "$rs_runs" <<'PY'
import sys
size, py_s, py_n, py_v, py_runs, rs_s, rs_n, rs_runs = sys.argv[1:]
size, py_s, rs_s = int(size), float(py_s), float(rs_s)
mb = size / 1e6
print(f"file: target/bench-exposition.prom, {size} bytes ({mb:.1f} MB)")
print(f"{'parser':<44} {'median':>10} {'MB/s':>9} {'samples':>9} runs")
print(f"{'prometheus_client ' + py_v + ' (Python)':<44} {py_s:>9.3f}s {mb / py_s:>9.1f} {py_n:>9} {py_runs}")
print(f"{'rizk-scale exposition::parse (release)':<44} {rs_s:>9.4f}s {mb / rs_s:>9.1f} {rs_n:>9} {rs_runs}")
print(f"ratio: ours is {py_s / rs_s:.0f}x faster")
if py_n != rs_n:
    print(f"warning: sample counts differ ({py_n} vs {rs_n})")
PY
