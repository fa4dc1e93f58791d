#!/usr/bin/env bash
# Session 46: the H100 gate-up plans before gatedPingPongScale (the planner
# at c4725b5), pinned at the token counts of points.txt (one tuning file a
# config in old-h100/), from a dump of the tools staged at c4725b5
# (OLD_DUMP, default .device/bin/mlpjit-dump staged before the change);
# ab-ppgated.sh times them against the change as built. The H200's plans
# do not change (the scale is 1 there).
set -euo pipefail
cd "$(dirname "$0")/../../.."
source scripts/device-lookup.sh
R=docs/results/2026-12-07-s46
dump=${OLD_DUMP:-.device/bin/mlpjit-dump}
V=$R/old-h100
rm -rf "$V" && mkdir -p "$V"
while read -r c tokens; do
  f=$(config_file "$c")
  MLPJIT_CACHE=0 $dump --stage=kernels --json --sm-count=132 --memory-gbs=3352.32 "$f" > "$V/dump-$c.json"
  /usr/bin/python3 scripts/plans_as_tuning.py --tokens "$tokens" --roles gate_up "$V/$c.json" "$V/dump-$c.json"
  rm "$V/dump-$c.json"
done < $R/points.txt
