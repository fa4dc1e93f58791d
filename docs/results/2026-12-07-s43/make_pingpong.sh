#!/usr/bin/env bash
# Session 43: ping-pong swapAB (one consumer warpgroup per 128-row weight
# tile, the two on alternate tiles; new this session) pinned over the
# committed plans (per GPU: pingpong-<h100|h200>/<config>.json), run here:
#   at 272 and 300 tokens: every swapAB plan without split-K as its
#     ping-pong twin (128 weight rows, 5 stages; wide 256-row tiles halve);
#   at 256 tokens (llama-3-8b, gemma-7b): the plans without split-K as
#     ping-pong swapAB tiles of 128 tokens (two token tiles).
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=docs/results/2026-12-07-s43
P="/usr/bin/python3 scripts/plans_as_tuning.py"
PP="--set template=sm90_tma_ws_pingpong --set tileN=128 --set stages=5"
for g in h100 h200; do
  bw=$([ $g = h100 ] && echo 3352.32 || echo 4916.736)
  V=$R/pingpong-$g
  rm -rf "$V" && mkdir -p "$V"
  D=$(mktemp -d)
  for c in .device/tp8/llama-3-70b-tp8-shard.json .device/fit/llama-3-70b.json \
    .device/fit/llama-3-8b.json .device/fit/gemma-7b.json \
    .device/fit/mistral-7b-v0.1.json .device/fit/phi-3-mini-4k.json; do
    n=$(basename "$c" .json)
    MLPJIT_CACHE=0 build/bin/mlpjit-dump --stage=kernels --json --sm-count=132 \
      --memory-gbs=$bw "$c" > "$D/$n.json"
    $P --tokens 272,300 --where swapAB=1 --where splitK=1 $PP "$V/$n.json" "$D/$n.json"
  done
  for n in llama-3-8b gemma-7b; do
    $P --tokens 256 --where splitK=1 --set swapAB=1 --set tileM=128 $PP \
      "$V/$n-256.json" "$D/$n.json"
  done
  rm -rf "$D"
done
