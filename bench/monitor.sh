#!/usr/bin/env bash
# Reproduce the README's monitor figures: 10 000 back-to-back ticks (--interval 0) with the
# release binary, RSS sampled from /proc at the start and the end, CPU time per tick from
# /usr/bin/time -v (falls back to /proc/<pid>/stat when GNU time is missing).
#
# --no-host: the host sampler needs 200 ms between CPU readings (sysinfo's minimum), which
# would make this a 2000-second benchmark of sleeping; --metric values stand in for it.
# Every tick still does the full work: build the sample, append it (flock, read, parse, write
# a temp file, fsync, rename, fsync the directory), reload, recommend, print one NDJSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
ticks=${TICKS:-10000}
# RIZK_BIN: a binary built already (bench/report.sh passes the one it measures everything with).
if [ -n "${RIZK_BIN:-}" ]; then
  bin=$RIZK_BIN
else
  cargo build --release --quiet --bin rizk-scale
  bin=$PWD/target/release/rizk-scale
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

args=(--history "$work/history.jsonl" monitor --interval 0 --count "$ticks" --json --no-host
      --metric cpu_percent=85 --metric memory_percent=90 --metric requests_per_second=120
      --current-replicas 5)

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

if /usr/bin/time -V >/dev/null 2>&1; then timer=(/usr/bin/time -v -o "$work/time.txt"); else timer=(); fi
"${timer[@]}" "$bin" "${args[@]}" >"$work/out.ndjson" 2>"$work/err.txt" &
pid=$!
# With /usr/bin/time the binary is its child: find it.
sleep 0.3
target=$(pgrep -P "$pid" -x rizk-scale || echo "$pid")
rss_start=$(rss_kb "$target")
rss_peak_seen=$rss_start
rss_end=$rss_start
start=$(date +%s.%N)
while kill -0 "$target" 2>/dev/null; do
  r=$(rss_kb "$target"); [ "${r:-0}" -gt 0 ] && rss_end=$r
  [ "${r:-0}" -gt "$rss_peak_seen" ] && rss_peak_seen=$r
  # CPU time so far (utime+stime, clock ticks), kept for when GNU time is absent.
  cpu_ticks=$(awk '{print $14+$15}' "/proc/$target/stat" 2>/dev/null || echo "${cpu_ticks:-0}")
  sleep 0.2
done
wait "$pid"
wall=$(echo "$(date +%s.%N) - $start + 0.3" | bc)

lines=$(wc -l <"$work/out.ndjson")
echo "ticks printed:      $lines (of $ticks)"
echo "history lines:      $(wc -l <"$work/history.jsonl") (capacity 100)"
echo "RSS start / end:    ${rss_start} KiB / ${rss_end} KiB (highest seen ${rss_peak_seen} KiB)"
if [ -s "$work/time.txt" ]; then
  user=$(awk -F': ' '/User time/ {print $2}' "$work/time.txt")
  sys=$(awk -F': ' '/System time/ {print $2}' "$work/time.txt")
  maxrss=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")
  echo "max RSS (time -v):  ${maxrss} KiB"
else
  hz=$(getconf CLK_TCK)
  user=$(echo "scale=3; $cpu_ticks / $hz" | bc); sys=0
fi
cpu=$(echo "$user + $sys" | bc)
echo "CPU user / sys:     ${user}s / ${sys}s"
echo "CPU per tick:       $(echo "scale=1; $cpu * 1000000 / $lines" | bc) µs"
echo "wall:               ${wall}s ($(echo "scale=1; $wall * 1000000 / $lines" | bc) µs per tick, fsync included)"
tail -1 "$work/err.txt"
