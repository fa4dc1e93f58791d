#!/usr/bin/env bash
# Session 44: ping-pong swapAB gate-ups (sm90::swapPingPong, 128 weight
# rows a tile, one consumer warpgroup per tile) pinned at 129-256 tokens on
# the long-K configs (K >= 8192), where session 43's rule (257-320) does not
# reach; plus llama-3.1-405b's down GEMM (K = 53248) at 272/300 as
# ping-pong twins of its wide swapAB plans. Per GPU folder pp256-<gpu>/,
# one tuning file per config: token tiles of ceil(m / t) rounded up to 8
# (t = 1 up to 176 tokens, else 2), the deepest ring that fits (checked:
# mlpjit-dump --stage=ptx compiles each pinned file).
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=docs/results/2026-12-07-s44
tokens=${TOKENS:-144,176,200,240,256}
for g in h100 h200; do
  bw=$([ $g = h100 ] && echo 3352.32 || echo 4916.736)
  V=$R/pp256-$g
  rm -rf "$V" && mkdir -p "$V"
  D=$(mktemp -d)
  for c in .device/fit/llama-3-70b.json .device/tp8/llama-3-70b-tp8-shard.json \
    .device/V/llama-3.1-405b.json; do
    n=$(basename "$c" .json)
    MLPJIT_CACHE=0 build/bin/mlpjit-dump --stage=kernels --json --sm-count=132 \
      --memory-gbs=$bw "$c" > "$D/$n.json"
    parts=()
    for m in ${tokens//,/ }; do
      t=$((m <= 176 ? 1 : 2)); tm=$(( ((m + t - 1) / t + 7) / 8 * 8 ))
      st=$((tm <= 144 ? 6 : 5)) # the deepest ring that fits 227 KiB
      /usr/bin/python3 scripts/plans_as_tuning.py --tokens $m --roles gate_up \
        --set template=sm90_tma_ws_pingpong --set swapAB=1 --set splitK=1 \
        --set clusterM=1 --set tileN=128 --set tileM=$tm --set stages=$st \
        "$D/$n-$m.json" "$D/$n.json"
      parts+=("$D/$n-$m.json")
    done
    if [ $n = llama-3.1-405b ]; then
      /usr/bin/python3 scripts/plans_as_tuning.py --tokens 272,300 --roles down \
        --set template=sm90_tma_ws_pingpong --set tileN=128 --set stages=5 \
        "$D/$n-down.json" "$D/$n.json"
      parts+=("$D/$n-down.json")
    fi
    /usr/bin/python3 - "$V/$n.json" "${parts[@]}" <<'PY'
import json, sys
plans = [p for f in sys.argv[2:] for p in json.load(open(f))["plans"]]
json.dump({"format": "mlpjit-tuning-1", "plans": plans}, open(sys.argv[1], "w"), indent=1)
PY
    # Every pinned plan must compile: the ptx stage refuses a ring that does
    # not fit (launch.h supports()); the kernels stage lists it unchecked.
    MLPJIT_CACHE=0 MLPJIT_TUNING_FILE="$V/$n.json" build/bin/mlpjit-dump --stage=ptx \
      --sm-count=132 --memory-gbs=$bw "$c" > /dev/null
  done
  rm -rf "$D"
done
