#!/usr/bin/env bash
# Fleet benchmark: scrape N loopback targets (default 1000) in one `collect` and report the
# wall time and the maximum RSS of the rizk-scale process (GNU time), five times: the first
# collect (rates unknown), then four with rates from the stored counters.
#
# The targets are one process (examples/fleet_server.rs): one axum router on N ports of
# 127.0.0.1, each serving a ~2.5 KB text 0.0.4 page. Usage: bench/fleet.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"

cargo build --release --quiet --bin rizk-scale --example fleet_server
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
: > "$work/urls"
target/release/examples/fleet_server "$n" > "$work/urls" &
server_pid=$!
for _ in $(seq 100); do
  [ "$(wc -l < "$work/urls")" -ge "$n" ] && break
  sleep 0.1
done
[ "$(wc -l < "$work/urls")" -ge "$n" ] || { echo "fleet server did not start" >&2; exit 1; }

args=()
while read -r url; do args+=(--endpoint "$url"); done < "$work/urls"

for run in 1 2 3 4 5; do
  /usr/bin/time -f "%e %M" -o "$work/time" \
    target/release/rizk-scale --history "$work/history.jsonl" collect --no-host --json "${args[@]}" \
    > "$work/out.json"
  read -r wall rss_kib < "$work/time"
  ok="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["sample"]["targets_ok"], d["sample"]["targets_total"], d["sample"]["requests_per_second"])' "$work/out.json")"
  echo "collect #$run: $n targets, ok/total/rps: $ok, wall ${wall}s, max RSS $((rss_kib / 1024)) MiB ($rss_kib KiB)"
done
echo "history line: $(tail -n1 "$work/history.jsonl" | wc -c) bytes"
