#!/usr/bin/env bash
# Session 43: llama-3-70b's gate-up at 300 tokens as the narrow swapAB tile
# (128 weight rows by 152 tokens, 6 stages: cuBLASLt's, without its
# cluster) ran the forward 1.02x faster than the planned wide one (256
# rows, 4 stages; call 1, l70b-gn). The same twin for every fit config
# whose gate-up at 272 and 300 tokens is planned wide (per GPU:
# narrowgu-<h100|h200>/<config>.json): only those plans pinned, as their
# narrow twins. Run here (needs build/bin/mlpjit-dump).
set -euo pipefail
cd "$(dirname "$0")/../../.."
R=docs/results/2026-12-07-s43
for g in h100 h200; do
  bw=$([ $g = h100 ] && echo 3352.32 || echo 4916.736)
  V=$R/narrowgu-$g
  rm -rf "$V" && mkdir -p "$V"
  for c in llama-3-70b llama-3-8b gemma-7b mistral-7b-v0.1 phi-3-mini-4k; do
    MLPJIT_CACHE=0 build/bin/mlpjit-dump --stage=kernels --json --sm-count=132 \
      --memory-gbs=$bw ".device/fit/$c.json" > "$V/dump-$c.json"
    /usr/bin/python3 scripts/plans_as_tuning.py --tokens 272,300 --roles gate_up \
      --where swapAB=1 --where tileN=256 --set tileN=128 --set stages=6 \
      "$V/$c.json" "$V/dump-$c.json"
    rm "$V/dump-$c.json"
  done
done
