#!/usr/bin/env bash
# Reproduce the README's Performance table for the CLI: whole-process timings with hyperfine,
# rizk-scale beside the Python port of the seed's controller, in one run.
# Needs: hyperfine (apt-get install hyperfine), python3 with psutil (pip install psutil).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/rizk-scale
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/make_history.py "$work/h100.jsonl" 100
python3 bench/make_history.py "$work/h10k.jsonl" 10000
cp "$work/h100.jsonl" "$work/py100.jsonl"

echo "## recommend on a 100-sample history (no sampling)"
hyperfine -N --style basic --warmup 5 --runs 50 --export-json "$work/recommend.json" \
  -n "rizk-scale recommend --json" "$bin --history $work/h100.jsonl recommend --json --max-age 0" \
  -n "rizk-scale recommend --json (10 000 samples)" "$bin --history $work/h10k.jsonl --capacity 10000 recommend --json --max-age 0" \
  -n "python seed port (recommend)" "python3 bench/seed_controller.py $work/py100.jsonl"

echo "## one-shot: take a sample, append, recommend"
hyperfine -N --style basic --warmup 2 --runs 15 --export-json "$work/oneshot.json" \
  -n "rizk-scale recommend --collect --json" "$bin --history $work/h100.jsonl recommend --collect --json" \
  -n "python seed port (collect_metrics + get_scaling_recommendation)" "python3 bench/seed_controller.py $work/py100.jsonl --collect"

echo "## medians"
python3 bench/medians.py "$work/recommend.json" "$work/oneshot.json"
