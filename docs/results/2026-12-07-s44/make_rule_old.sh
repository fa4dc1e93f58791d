#!/usr/bin/env bash
# Session 44: the plans before the 193-208 ping-pong swapAB rule, pinned at
# 200 and 208 tokens (per GPU folder rule-old-<gpu>/), from a dump of the
# tools staged before it (OLD_DUMP: a build of e2da406; the committed
# folders came from .device/bin/mlpjit-dump staged at e2da406, before the
# rule); ab-rule.sh times them against the rule as built.
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=docs/results/2026-12-07-s44
dump=${OLD_DUMP:-.device/bin/mlpjit-dump}
for g in h100 h200; do
  bw=$([ $g = h100 ] && echo 3352.32 || echo 4916.736)
  V=$R/rule-old-$g
  rm -rf "$V" && mkdir -p "$V"
  for c in .device/fit/llama-3-70b.json .device/tp8/llama-3-70b-tp8-shard.json; do
    n=$(basename "$c" .json)
    MLPJIT_CACHE=0 $dump --stage=kernels --json --sm-count=132 --memory-gbs=$bw "$c" > "$V/dump-$n.json"
    /usr/bin/python3 scripts/plans_as_tuning.py --tokens 200,208 --roles gate_up "$V/$n.json" "$V/dump-$n.json"
    rm "$V/dump-$n.json"
  done
done
