#!/usr/bin/env bash
# Prepared in session 37 (not run): no carry from 1024 tokens (every
# 128-token range keeps its own cost-model winner) against the heuristic,
# whose carries within the 2% merge slack (kMergeSlackAbove64) keep a larger
# range's plan. The no-carry plans come from a build with `rLo <=
# kPaddingEnd &&` added to the carry condition in HeuristicKernelPlanner
# (KernelHeuristic.cpp), dumped (`mlpjit-dump --stage=kernels --json
# --sm-count=132 --memory-gbs=3352.32`) and pinned (nocarry-plans/*.json,
# scripts/plans_as_tuning.py), `--validate`, 3 rounds: heur = the committed
# planner, tuned = no carry. What moves (7 configs x 1500, 2600, 3100, 4400,
# 6000): the gate-up at 1409..1536 128x256 -> 128x224 (llama-3-8b,
# mistral-nemo-12b, gemma-2-9b: session 36's 1.04); 2x1-cluster gate-ups
# carried into odd token-tile counts -> no clusters (2600, 3100, 4400, 6000:
# 21, 25, 35, 47 tiles; session 36 found the odd tile 7.5-8% slower at 15);
# down GEMMs to narrower tiles (128x224 -> 128x160 at 2600-3100).
# Run from the repository root on the GPU machine with .device/ carried.
# Predicted: heur / tuned 1.02-1.05 where a cluster carry or the 1500 tile
# goes, 0.99-1.01 elsewhere; no-carry adds 4-52 kernels a config.
set -u
R=docs/results/2026-12-06-s37
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-nocarry
warm_up
# CONFIGS, TOKENS and AB_DEADLINE shorten it to what device time is left.
export AB_TIMEOUT=100 AB_DEADLINE=${AB_DEADLINE:-480}
for c in ${CONFIGS:-fit/llama-3-8b V/mistral-nemo-12b V/gemma-2-9b fit/qwen2.5-7b \
  fit/phi-3-mini-4k V/llama-3.2-1b fit/gemma-7b}; do
  ab_validate .device/$c.json ${TOKENS:-1500,2600,3100,4400,6000} $R/nocarry-plans/$(basename $c).json
done
device_session_end
for f in $L/ab-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' $f; done
grep -h "rel. error" $L/*.log | grep -o "rel. error [0-9.e-]*" | sort -k3 -g | tail -1
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/ab-nocarry.tgz -C $L .
