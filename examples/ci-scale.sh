#!/usr/bin/env bash
# ci-scale.sh — ask rizk-scale whether a deployment should scale, and say (or do) it.
#
# A CI/cron step built on `rizk-scale recommend --collect --exit-code --json` and `case $?`.
# It is a dry run by default: it prints the kubectl command it would run. It calls kubectl only
# when KUBECTL is set (e.g. KUBECTL=kubectl), and never with --dry-run.
#
# Usage: examples/ci-scale.sh [--dry-run] [--no-collect] [--current-replicas N] [-- RECOMMEND-ARGS…]
#
#   --dry-run              print what would be done even when KUBECTL is set
#   --no-collect           decide from the stored history only (no fresh sample)
#   --current-replicas N   replicas running now (default: asked from kubectl when KUBECTL is set)
#   -- ARGS…               passed to `rizk-scale recommend` (e.g. --history PATH, --no-host,
#                          --endpoint URL, --max-replicas 20)
#
# Environment: RIZK_SCALE (the binary, default rizk-scale), KUBECTL (unset: never call kubectl),
# DEPLOYMENT (default deployment/rizk-app), NAMESPACE (optional).
#
# Exit: 0 when a decision was handled (scale_up, scale_down, wait or maintain), 2 when
# rizk-scale failed (its error is on stderr), 3 when kubectl failed.
#
# The contract it relies on: with the current count known, the action, replica_delta and exit
# code follow target_replicas − current_replicas after every limit (bounds, HPA behavior
# policies, stabilization windows). At the maximum and wanting more is a maintain (exit 0,
# "at max replicas N"); above the maximum is a scale_down to it; below the minimum a scale_up
# to it. So 10/11 always come with a target different from the current count, and 0 never
# hides a needed change. What the policy wanted before the limits is in "proposed".

set -u -o pipefail

rizk=${RIZK_SCALE:-rizk-scale}
deployment=${DEPLOYMENT:-deployment/rizk-app}
dry_run=1
[[ -n ${KUBECTL:-} ]] && dry_run=0
collect=(--collect)
current=""
while (($# > 0)); do
  case $1 in
    --dry-run) dry_run=1 ;;
    --no-collect) collect=() ;;
    --current-replicas) current=${2:?--current-replicas needs a number}; shift ;;
    --) shift; break ;;
    *) echo "ci-scale: unknown option '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done

kubectl_args=()
[[ -n ${NAMESPACE:-} ]] && kubectl_args+=(--namespace "$NAMESPACE")

# Replicas running now: given, or asked from the cluster when kubectl may be called.
if [[ -z $current && -n ${KUBECTL:-} ]]; then
  current=$("$KUBECTL" "${kubectl_args[@]}" get "$deployment" -o 'jsonpath={.spec.replicas}') || {
    echo "ci-scale: could not read the replicas of $deployment" >&2
    exit 3
  }
fi
replica_args=()
[[ -n $current ]] && replica_args=(--current-replicas "$current")

# The one call. --json is pretty-printed, one field per line: read fields without jq.
json=$("$rizk" recommend "${collect[@]}" --exit-code --json "${replica_args[@]}" "$@")
code=$?
field() { sed -n "s/^  \"$1\": \"\{0,1\}\(.*[^\",]\)\"\{0,1\},\{0,1\}\$/\1/p" <<<"$json"; }

scale_to() {
  local target=$1
  local command=("${KUBECTL:-kubectl}" "${kubectl_args[@]}" scale "$deployment" "--replicas=$target")
  if ((dry_run)); then
    echo "dry run: would run: ${command[*]}"
  else
    echo "running: ${command[*]}"
    "${command[@]}" || { echo "ci-scale: kubectl failed" >&2; exit 3; }
  fi
}

case $code in
  0)
    echo "maintain: $(field reason)"
    ;;
  10 | 11)
    action=$(field action) delta=$(field replica_delta) target=$(field target_replicas)
    echo "$action: $(printf '%+d' "$delta") replicas: $(field reason)"
    if [[ -z $target ]]; then
      echo "no --current-replicas (and no KUBECTL to ask): not scaling; the delta is $delta"
    else
      scale_to "$target"
    fi
    ;;
  12)
    echo "wait: $(field reason)"
    echo "not scaling until the history can be trusted"
    ;;
  *)
    echo "ci-scale: rizk-scale failed (exit $code); not scaling" >&2
    exit 2
    ;;
esac
