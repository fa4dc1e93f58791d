#!/usr/bin/env bash
# Session 43: the plans before the ping-pong swapAB rule (the staged build
# of 2c5d345, .device/bin/mlpjit-dump, before the planner change) at the
# token counts ab-pprule.sh times, pinned per GPU (pprule-old-<gpu>/).
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=docs/results/2026-12-07-s43
for g in h100 h200; do
  bw=$([ $g = h100 ] && echo 3352.32 || echo 4916.736)
  V=$R/pprule-old-$g
  rm -rf "$V" && mkdir -p "$V"
  for c in .device/fit/llama-3-70b.json .device/tp8/llama-3-70b-tp8-shard.json \
    .device/V/llama-3.1-405b.json; do
    n=$(basename "$c" .json)
    MLPJIT_CACHE=0 .device/bin/mlpjit-dump --stage=kernels --json --sm-count=132 \
      --memory-gbs=$bw "$c" > "$V/dump-$n.json" 2>/dev/null
    /usr/bin/python3 scripts/plans_as_tuning.py --tokens 260,272,300,320 --roles gate_up \
      "$V/$n.json" "$V/dump-$n.json"
    rm "$V/dump-$n.json"
  done
done
