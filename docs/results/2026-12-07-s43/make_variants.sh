#!/usr/bin/env bash
# Session 43: the plan variants ab-clustern.sh pins, from the committed
# planner's dumps (per GPU: clustern-<h100|h200>/<variant>/<config>.json).
# Run here (needs build/bin/mlpjit-dump). Variants: clusters of weight tiles
# sharing the token tile (clusterN, new this session) on the plans where
# cuBLASLt ran them (session 43's ncu: 128x152 swapAB in 2x1 at llama-3-70b
# 300, 4x2 at the tp8 shard's 300; 256x128 1x2 at llama-3-8b/gemma-7b 256).
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=docs/results/2026-12-07-s43
P="/usr/bin/python3 scripts/plans_as_tuning.py"
for g in h100 h200; do
  bw=$([ $g = h100 ] && echo 3352.32 || echo 4916.736)
  D=$(mktemp -d)
  for c in .device/tp8/llama-3-70b-tp8-shard.json .device/fit/llama-3-70b.json \
    .device/fit/llama-3-8b.json .device/fit/gemma-7b.json; do
    MLPJIT_CACHE=0 build/bin/mlpjit-dump --stage=kernels --json --sm-count=132 \
      --memory-gbs=$bw "$c" > "$D/$(basename "$c")"
  done
  V=$R/clustern-$g
  rm -rf "$V"
  mk() { # <variant> <config> <tokens> [plans_as_tuning options]
    local v=$1 c=$2 t=$3; shift 3
    mkdir -p "$V/$v"
    $P --tokens "$t" "$@" "$V/$v/$c.json" "$D/$c.json"
  }
  T=llama-3-70b-tp8-shard
  mk tp8-cn2 $T 272,300 --set clusterN=2
  mk tp8-cn4 $T 272,300 --set clusterN=4
  mk tp8-c2x4 $T 272,300 --set clusterM=2 --set clusterN=4
  mk l70b-gn llama-3-70b 300 --roles gate_up --set tileN=128 --set stages=6
  mk l70b-gn-cn2 llama-3-70b 300 --roles gate_up --set tileN=128 --set stages=6 --set clusterN=2
  mk l70b-gw-cn2 llama-3-70b 300 --roles gate_up --set clusterN=2
  mk l70b-d-cn2 llama-3-70b 300 --roles down --set clusterN=2
  # Both GEMMs in cuBLASLt's clusters: the narrow gate-up above and the
  # down GEMM's own plan (5 stages) in 1x2, one file.
  mk l70b-both-cn2 llama-3-70b 300 --roles gate_up --set tileN=128 --set stages=6 --set clusterN=2
  mv "$V/l70b-both-cn2/llama-3-70b.json" "$D/gate_up.json"
  /usr/bin/python3 - "$D/gate_up.json" "$V/l70b-d-cn2/llama-3-70b.json" \
    "$V/l70b-both-cn2/llama-3-70b.json" <<'PY2'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
a["plans"] += b["plans"]
json.dump(a, open(sys.argv[3], "w"), indent=2)
PY2
  mk l8b-g-cn2 llama-3-8b 256 --roles gate_up --set clusterN=2
  mk g7b-g-cn2 gemma-7b 256 --roles gate_up --set clusterN=2
  rm -rf "$D"
done
