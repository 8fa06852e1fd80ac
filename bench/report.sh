#!/usr/bin/env bash
# The reproducible performance report: rebuilds in release mode, measures everything the
# README's Performance table quotes — with the peers side by side in the same run — and writes
# bench/REPORT.md (also printed).
#
#   whole process (hyperfine -N): recommend --json on 100 / 10 000 samples and the Python port
#     of the seed's controller (bench/seed_controller.py); recommend --collect one-shot vs the
#     port's collect_metrics + get_scaling_recommendation; validate on the seed's manifests +
#     nginx.conf, without and with a local 3-master/3-replica Redis Cluster;
#   criterion: the exposition parser (benches/exposition.rs), the policy (benches/policy.rs);
#   parser peer: prometheus_client's text parser vs ours on the same 10 MB file;
#   growth: 1 / 100 / 1000 loopback targets in one collect (wall, max RSS by GNU time);
#   monitor: RSS over N ticks (bench/monitor.sh); Redis shared-history append p50/p99
#     (tests/fleet_bench.rs, ignored tests).
#
# usage: bench/report.sh [--quick] [--out FILE]
#   --quick   fewer runs and ticks, shorter criterion times: a smoke test (a few minutes once
#             built). Writes target/bench-report/REPORT.md unless --out is given, so the
#             committed bench/REPORT.md only ever holds a full run.
# Raw results (hyperfine JSON, criterion estimates, logs) stay in target/bench-report/.
# Needs: the Rust toolchain; installs hyperfine, GNU time, bc, redis-server/redis-tools (apt-get)
# and psutil, prometheus_client (pip, else apt-get) when missing. Every process it starts is
# stopped on exit (trap).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0
out_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out_file="${2:?--out needs a file}"; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "report.sh: error: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$out_file" ]; then
  if [ "$quick" = 1 ]; then out_file=target/bench-report/REPORT.md; else out_file=bench/REPORT.md; fi
fi

if [ "$quick" = 1 ]; then
  RUNS_FAST=10 WARM_FAST=2 RUNS_SLOW=3 WARM_SLOW=1 RUNS_VALIDATE=5
  PY_PARSE_RUNS=2 RS_PARSE_RUNS=5 FLEET_RUNS=3 TICKS=1000
  CRITERION_ARGS=(--warm-up-time 1 --measurement-time 2)
else
  RUNS_FAST=50 WARM_FAST=5 RUNS_SLOW=15 WARM_SLOW=2 RUNS_VALIDATE=30
  PY_PARSE_RUNS=5 RS_PARSE_RUNS=21 FLEET_RUNS=6 TICKS=10000
  CRITERION_ARGS=()
fi

log() { printf '\n==> %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Processes and files: everything started here is listed in PIDS and stopped on exit.
PIDS=()
work=$(mktemp -d "${TMPDIR:-/tmp}/rizk-report.XXXXXX")
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Tools: install what is missing (Debian).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
ensure_tools() {
  local pkgs=()
  command -v hyperfine >/dev/null || pkgs+=(hyperfine)
  [ -x /usr/bin/time ] || pkgs+=(time)
  command -v bc >/dev/null || pkgs+=(bc)
  command -v pgrep >/dev/null || pkgs+=(procps)
  command -v redis-server >/dev/null || pkgs+=(redis-server)
  command -v redis-cli >/dev/null || pkgs+=(redis-tools)
  command -v python3 >/dev/null || pkgs+=(python3)
  if [ ${#pkgs[@]} -gt 0 ]; then log "installing ${pkgs[*]}"; apt_install "${pkgs[@]}"; fi
  if ! python3 -c 'import psutil, prometheus_client' 2>/dev/null; then
    log "installing psutil, prometheus_client"
    python3 -m pip install --quiet psutil prometheus_client 2>/dev/null \
      || python3 -m pip install --quiet --user --break-system-packages psutil prometheus_client 2>/dev/null \
      || apt_install python3-psutil python3-prometheus-client
  fi
}
ensure_tools

# ---------------------------------------------------------------------------------------------
# A local Redis Cluster: 3 masters, 1 replica each, on free loopback ports (the cluster bus
# uses port + 10000, so both must be free).
free_ports() {
  python3 - "$1" <<'PY'
import random, socket, sys
def free(p):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p))
            return True
        except OSError:
            return False
want, found = int(sys.argv[1]), []
for p in random.sample(range(20000, 40000), 4000):
    if free(p) and free(p + 10000):
        found.append(p)
        if len(found) == want:
            break
print(" ".join(map(str, found)))
PY
}
CLUSTER_PORTS=()
start_redis_cluster() {
  local dir="$work/cluster" p ok i
  read -r -a CLUSTER_PORTS <<<"$(free_ports 6)"
  [ ${#CLUSTER_PORTS[@]} -eq 6 ] || { echo "no free ports for the cluster" >&2; return 1; }
  for p in "${CLUSTER_PORTS[@]}"; do
    mkdir -p "$dir/$p"
    redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir/$p" \
      --logfile "$dir/$p/redis.log" --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 2000 --daemonize no &
    PIDS+=($!)
  done
  for p in "${CLUSTER_PORTS[@]}"; do
    for i in $(seq 100); do
      [ "$(redis-cli -p "$p" ping 2>/dev/null)" = PONG ] && break
      sleep 0.1
    done
  done
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${CLUSTER_PORTS[@]}") \
    --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 \
    || { cat "$dir/create.log" >&2; return 1; }
  # Converged: every node sees cluster_state:ok, every replica's link is up, every master
  # has its replica online (bounded: 30 s).
  for i in $(seq 300); do
    ok=1
    for p in "${CLUSTER_PORTS[@]}"; do
      redis-cli -p "$p" cluster info | grep -q '^cluster_state:ok' || { ok=0; break; }
      case "$(redis-cli -p "$p" info replication | tr -d '\r')" in
        *role:master*connected_slaves:1*) ;;
        *role:slave*master_link_status:up*) ;;
        *) ok=0; break ;;
      esac
    done
    [ "$ok" = 1 ] && return 0
    sleep 0.1
  done
  echo "the Redis cluster did not converge in 30 s" >&2
  return 1
}
stop_redis_cluster() {
  local p
  for p in "${CLUSTER_PORTS[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
}

# ---------------------------------------------------------------------------------------------
out=target/bench-report
rm -rf "$out"
mkdir -p "$out"
mode=$([ "$quick" = 1 ] && echo quick || echo full)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)

log "building (release)"
# Targets that need dev-dependencies first: cargo unifies dependency features differently for
# them and re-links target/release/rizk-scale with those. The binary measured is the plain
# `cargo build --release` one (what `cargo install` gives), built last and copied aside.
cargo build --release --locked --quiet --example fleet_server --example parse_file
cargo bench --locked --quiet --no-run --bench exposition --bench policy
cargo test --release --locked --quiet --test integration --no-run
cargo build --release --locked --quiet --bin rizk-scale
cp target/release/rizk-scale "$work/rizk-scale"
bin=$work/rizk-scale

# No user configuration or state may leak in.
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" NO_COLOR=1
unset RIZK_SCALE_HISTORY RIZK_SCALE_REDIS RIZK_SCALE_CONFIG 2>/dev/null || true
mkdir -p "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"

python3 bench/make_history.py "$work/h100.jsonl" 100
python3 bench/make_history.py "$work/h10k.jsonl" 10000
cp "$work/h100.jsonl" "$work/py100.jsonl"
cp "$work/h10k.jsonl" "$work/py10k.jsonl"
cp "$work/h100.jsonl" "$work/oneshot.jsonl"
cp "$work/h100.jsonl" "$work/py-oneshot.jsonl"
cp "$work/h100.jsonl" "$work/validate.jsonl"

hf() { hyperfine -N --style basic "$@"; }

log "recommend --json: rizk-scale vs the Python seed port"
hf --warmup "$WARM_FAST" --runs "$RUNS_FAST" --export-json "$out/recommend.json" \
  -n "rizk-scale recommend --json (100 samples)" \
  "$bin --history $work/h100.jsonl recommend --json --max-age 0" \
  -n "rizk-scale recommend --json (10 000 samples)" \
  "$bin --history $work/h10k.jsonl --capacity 10000 recommend --json --max-age 0" \
  -n "python seed port, recommend (100 samples)" \
  "python3 bench/seed_controller.py $work/py100.jsonl" \
  -n "python seed port, recommend (10 000-line file)" \
  "python3 bench/seed_controller.py $work/py10k.jsonl"

log "one-shot: sample the host, append, recommend"
hf --warmup "$WARM_SLOW" --runs "$RUNS_SLOW" --export-json "$out/oneshot.json" \
  -n "rizk-scale recommend --collect --json" \
  "$bin --history $work/oneshot.jsonl recommend --collect --json" \
  -n "python seed port, collect_metrics + get_scaling_recommendation" \
  "python3 bench/seed_controller.py $work/py-oneshot.jsonl --collect"

log "validate: seed manifests + nginx.conf, then with a local 3x3 Redis Cluster"
start_redis_cluster
seed=tests/fixtures/validate/seed
validate_files=("$bin" --history "$work/validate.jsonl" validate --json
  --manifests "$seed" --nginx-conf "$seed/nginx.conf")
validate_cluster=("${validate_files[@]}" --redis "redis://127.0.0.1:${CLUSTER_PORTS[0]}")
# One recorded run each: exit code and summary, for the report.
record() {
  local name=$1; shift
  local rc=0
  "$@" >"$out/validate-$name.out" 2>"$out/validate-$name.err" || rc=$?
  echo "$rc" >"$out/validate-$name.rc"
}
record files "${validate_files[@]}"
record cluster "${validate_cluster[@]}"
hf -i --warmup "$WARM_FAST" --runs "$RUNS_VALIDATE" --export-json "$out/validate.json" \
  -n "rizk-scale validate (seed manifests + nginx.conf)" "${validate_files[*]}" \
  -n "rizk-scale validate (… + 3x3 Redis Cluster)" "${validate_cluster[*]}"
stop_redis_cluster

log "criterion: exposition parser and policy"
export CRITERION_HOME="$root/$out/criterion"
cargo bench --locked --quiet --bench exposition -- "${CRITERION_ARGS[@]}" 2>&1 | tee "$out/criterion-exposition.txt" >&2
cargo bench --locked --quiet --bench policy -- "${CRITERION_ARGS[@]}" 2>&1 | tee "$out/criterion-policy.txt" >&2
unset CRITERION_HOME

log "parser peer: prometheus_client vs ours on the same 10 MB file"
prom="$work/exposition.prom"
python3 bench/gen_exposition.py "$prom" 10485760
target/release/examples/parse_file --generate "$work/exposition-rs.prom" 10485760
cmp -s "$prom" "$work/exposition-rs.prom" \
  || { echo "bench/gen_exposition.py and benches/common/gen.rs disagree" >&2; exit 2; }
target/release/examples/parse_file "$prom" --repeat "$RS_PARSE_RUNS" >"$out/parser-ours.txt"
echo "runs=$RS_PARSE_RUNS" >>"$out/parser-ours.txt"
python3 bench/prom_client_parse.py "$prom" "$PY_PARSE_RUNS" >"$out/parser-python.txt"

log "growth: 1 / 100 / 1000 loopback targets in one collect"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
target/release/examples/fleet_server 1000 >"$work/urls" &
PIDS+=($!)
for _ in $(seq 100); do
  [ "$(wc -l <"$work/urls")" -ge 1000 ] && break
  sleep 0.1
done
[ "$(wc -l <"$work/urls")" -ge 1000 ] || { echo "the fleet server did not start" >&2; exit 1; }
: >"$out/fleet.tsv"
for n in 1 100 1000; do
  args=()
  while read -r url; do args+=(--endpoint "$url"); done < <(head -n "$n" "$work/urls")
  for run in $(seq "$FLEET_RUNS"); do
    # Wall from bash's microsecond clock (GNU time's %e has 10 ms steps); RSS from GNU time.
    t_start=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$work/time" \
      "$bin" --history "$work/fleet-$n.jsonl" collect --no-host --json "${args[@]}" >"$work/fleet.json"
    t_end=$EPOCHREALTIME
    wall=$(python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.4f}")' "$t_start" "$t_end")
    rss_kib=$(tail -n1 "$work/time")
    ok=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["sample"]; print(s["targets_ok"], s["targets_total"])' "$work/fleet.json")
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$run" "$wall" "$rss_kib" "$ok" >>"$out/fleet.tsv"
  done
done
kill "${PIDS[-1]}" 2>/dev/null || true

log "monitor: $TICKS ticks, RSS start vs end"
TICKS=$TICKS RIZK_BIN=$bin bash bench/monitor.sh >"$out/monitor.txt" 2>&1
cat "$out/monitor.txt" >&2

log "Redis shared-history append (tests/integration/fleet_bench.rs)"
cargo test --release --locked --quiet --test integration fleet_bench -- --ignored --nocapture --test-threads 1 \
  >"$out/fleet_bench.txt" 2>&1
grep -E 'p50' "$out/fleet_bench.txt" >&2 || true

# ---------------------------------------------------------------------------------------------
python3 - "$out/env.json" <<PY
import json, platform, sys
from importlib.metadata import version
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
json.dump({
    "mode": "$mode", "started": "$started", "seconds": $(date +%s) - $t0,
    "commit": "$(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- src benches bench Cargo.toml ':!bench/REPORT.md')" ] || echo '+dirty')",
    "rustc": "$(rustc -V)", "hyperfine": "$(hyperfine --version)",
    "python": platform.python_version(), "psutil": version("psutil"),
    "prometheus_client": version("prometheus_client"),
    "redis": "$(redis-server --version | sed -E 's/.* v=([^ ]+).*/\1/')",
    "cpu": cpu, "cores": $(nproc), "load_start": "$load_start",
    "load_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
    "command": "bench/report.sh" + (" --quick" if "$mode" == "quick" else ""),
}, open(sys.argv[1], "w"), indent=1)
PY
mkdir -p "$(dirname "$out_file")"
python3 bench/report.py "$out" >"$out_file"
log "written $out_file"
cat "$out_file"
