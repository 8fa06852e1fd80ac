#!/usr/bin/env bash
# The long fuzz runs (not in CI): every target for SECONDS (default 600), two at a time, on the
# corpora in fuzz/corpus/<target>; logs and a summary line per target in fuzz/runs/.
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
mkdir -p runs
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O >runs/build.log 2>&1 || { echo "build failed: see fuzz/runs/build.log"; exit 2; }
run() {
  local t="$1"
  mkdir -p "corpus/$t"
  cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -print_final_stats=1 >"runs/$t.log" 2>&1
  local rc=$?
  local execs
  execs=$(grep -m1 'stat::number_of_executed_units' "runs/$t.log" | awk '{print $2}')
  echo "$t: exit $rc, ${secs}s, ${execs:-?} execs, crashes: $(ls "artifacts/$t" 2>/dev/null | wc -l)" | tee -a runs/summary.txt
}
run exposition & run history_line & wait
run config & run nginx_conf & wait
