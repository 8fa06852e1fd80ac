#!/usr/bin/env bash
# Host sampling one-shots (issue 17), all in one hyperfine run so the ratios compare alike:
#   recommend --collect warm (a recent sample of this instance: CPU over the interval, no wait),
#   recommend --collect cold (first sample of this instance: the 200 ms window),
#   collect warm (history on disk, and on tmpfs to show what the two fsyncs of a write cost),
#   the Python port of the seed's controller one-shot (psutil.cpu_percent(interval=1)).
# Writes target/bench-host/host.json (hyperfine) and prints a median table (bench/medians.py).
# Needs a release build (built when missing), hyperfine and psutil (installed when missing).
# usage: bash bench/host.sh [RUNS]      (default 30 runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
bin=target/release/rizk-scale
[ -x "$bin" ] || cargo build --release --locked --quiet --bin rizk-scale
command -v hyperfine >/dev/null || apt-get install -y hyperfine
python3 -c 'import psutil' 2>/dev/null || pip install psutil
out=target/bench-host
mkdir -p "$out"
disk=$(mktemp -d "$PWD/target/bench-host/run.XXXXXX")
shm=$(mktemp -d /dev/shm/rizk-host-bench.XXXXXX)
trap 'rm -rf "$disk" "$shm"' EXIT
export XDG_CONFIG_HOME="$disk/config" XDG_STATE_HOME="$disk/state" NO_COLOR=1
unset RIZK_SCALE_HISTORY RIZK_SCALE_CONFIG RIZK_SCALE_MAX_AGE 2>/dev/null || true

# 100 samples of instance "bench" (no host counters); this machine's samples are added by the
# runs, so after the first (a warmup) every warm run finds the previous run's sample. Warm runs
# are prepared with an untimed 0.3 s pause: a previous sample younger than 200 ms (the shortest
# interval CPU is measured over, the kernel counting in 10 ms ticks) makes the run wait out the
# rest, which back-to-back runs would otherwise measure; from cron the previous sample is a
# minute old.
python3 bench/make_history.py "$disk/base.jsonl" 100
for f in warm cold collect py; do cp "$disk/base.jsonl" "$disk/$f.jsonl"; done
cp "$disk/base.jsonl" "$shm/collect.jsonl"

hyperfine -N --style basic --warmup 3 --runs "$runs" --export-json "$out/host.json" \
  --prepare "sleep 0.3" --prepare "cp $disk/base.jsonl $disk/cold.jsonl" \
  --prepare "sleep 0.3" --prepare "sleep 0.3" --prepare true \
  -n "rizk-scale recommend --collect --json (warm)" \
  "$bin --history $disk/warm.jsonl recommend --collect --json" \
  -n "rizk-scale recommend --collect --json (cold: first sample of this instance)" \
  "$bin --history $disk/cold.jsonl recommend --collect --json" \
  -n "rizk-scale collect --json (warm)" \
  "$bin --history $disk/collect.jsonl collect --json" \
  -n "rizk-scale collect --json (warm, history on tmpfs)" \
  "$bin --history $shm/collect.jsonl collect --json" \
  -n "python seed port one-shot (psutil.cpu_percent(interval=1))" \
  "python3 bench/seed_controller.py $disk/py.jsonl --collect"
python3 bench/medians.py "$out/host.json"
# Every warm run did measure over the interval (the last sample written says so).
"$bin" --history "$disk/warm.jsonl" collect --json | grep '"cpu_basis"'
