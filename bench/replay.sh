#!/usr/bin/env bash
# What-if replay over Prometheus history (issue 18): for 1, 7 and 30 days of a synthetic service
# at 30 s steps, backfill a local Prometheus (promtool tsdb create-blocks-from openmetrics), then
# time `replay --prometheus` with 3 policies side by side and the HTML report — the fetch
# included — with hyperfine (wall, median) and GNU time (max RSS).
#
# usage: bench/replay.sh [DAYS…]      (default: 1 7 30)
# Needs: a release build (cargo build --release --locked), promtool and prometheus (Debian
# package prometheus), hyperfine, /usr/bin/time. The data comes from the generator in
# tests/integration/replay_prometheus.rs (the same synthetic service the test replays).
# Everything it starts is stopped on exit; results go to target/bench-replay/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/target/bench-replay
mkdir -p "$out"
bin=$root/target/release/rizk-scale
[ -x "$bin" ] || { echo "replay.sh: build first: cargo build --release --locked" >&2; exit 2; }
days_list=("$@")
[ ${#days_list[@]} -gt 0 ] || days_list=(1 7 30)

pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

summary=$out/summary.md
printf '| days | samples | policies | wall median | min | max RSS |\n|---:|---:|---:|---:|---:|---:|\n' >"$summary"
for days in "${days_list[@]}"; do
  dir=$out/d$days
  rm -rf "$dir"; mkdir -p "$dir"
  range=$(RIZK_SYNTHETIC_DAYS=$days RIZK_SYNTHETIC_OUT=$dir/week.om \
    cargo test --locked -q --test integration -- --ignored --exact replay_prometheus::write_synthetic --nocapture 2>/dev/null \
    | grep -E '^[0-9]{4}-' | head -1)
  from=${range% *}; to=${range#* }
  promtool tsdb create-blocks-from openmetrics "$dir/week.om" "$dir/data" >/dev/null
  port=$(free_port)
  printf 'global:\n  scrape_interval: 1m\n' >"$dir/prometheus.yml"
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --storage.tsdb.retention.time=3650d --web.listen-address=127.0.0.1:$port \
    >/dev/null 2>"$dir/prometheus.log" &
  pid=$!
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  args=(--history "$dir/unused.jsonl" replay --prometheus "http://127.0.0.1:$port" --from "$from" --to "$to"
    --step 30s --current-replicas 6 --compare hpa --compare 'hpa,scale-up-window=30m'
    --prometheus-query 'cpu_percent=max(app_cpu_percent)'
    --prometheus-query 'memory_percent=max(app_memory_percent)'
    --prometheus-query 'response_time_ms=max(app_response_time_ms)'
    --prometheus-query 'error_rate=max(app_error_percent)'
    --prometheus-query 'requests_per_second=sum(rate(http_requests_total[2m]))'
    --prometheus-query 'cache_hit_rate='
    --prometheus-query 'replicas=max(kube_deployment_status_replicas{deployment="web"})'
    --report "$dir/report.html")
  "$bin" "${args[@]}" >"$dir/output.txt"   # warm Prometheus's caches once
  printf -v cmd '%q ' "$bin" "${args[@]}"
  hyperfine -N --warmup 1 --runs 5 --export-json "$dir/hyperfine.json" "$cmd" >"$dir/hyperfine.txt"
  /usr/bin/time -v "$bin" "${args[@]}" >/dev/null 2>"$dir/time.txt"
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.1f MiB", $2/1024}' "$dir/time.txt")
  IFS='|' read -r median min < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f s|%.2f s" % (r["median"], r["min"]))' "$dir/hyperfine.json")
  samples=$(grep -oE 'What-if replay of [0-9]+' "$dir/output.txt" | grep -oE '[0-9]+$')
  printf '| %s | %s | 3 | %s | %s | %s |\n' "$days" "$samples" "$median" "$min" "$rss" >>"$summary"
  cleanup; pid=""
done
cat "$summary"
