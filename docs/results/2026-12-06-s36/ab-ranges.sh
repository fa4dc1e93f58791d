#!/usr/bin/env bash
# Session 36, call 3: planner ranges every 128 tokens from 1024 (was every
# 256 to 2048) against the plans before (old-plans/*.json:
# scripts/plans_as_tuning.py over the previous build's `mlpjit-dump
# --stage=kernels --json --sm-count=132 --memory-gbs=3352.32`), pinned, at
# 1100, 1300, 1500, 1700 and 1900 tokens, `mlpjit-bench --validate`, 3
# interleaved rounds (heur = the new ranges, tuned = the old plans). Found by
# call 2's tuner rows: phi-3-mini-4k's down GEMM at 1500 in 1281..1536's
# 128x128 tiles (2.18 waves) ran 1.31x 128x96's.
# Run from the repository root on the GPU machine with .device/ carried.
# Predicted: new / old <= 1.00 at every point, 0.85-0.95 on phi-3-mini-4k,
# 1500, and where the down GEMM leaves 128x128 (gemma-2-9b, qwen2.5-7b).
set -u
R=docs/results/2026-12-06-s36
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-ranges
warm_up
T=1100,1300,1500,1700,1900
export AB_TIMEOUT=90 AB_DEADLINE=500
for c in fit/phi-3-mini-4k V/gemma-2-9b fit/qwen2.5-7b fit/llama-3-8b V/mistral-nemo-12b \
  fit/gemma-7b V/qwen2.5-0.5b V/gemma-2-2b; do
  ab_validate .device/$c.json $T $R/old-plans/$(basename $c).json
done
device_session_end
for f in $L/ab-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' $f; done
grep -h "rel. error" $L/*.log | grep -o "rel. error [0-9.e-]*" | sort -k3 -g | tail -1
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/ab-ranges.tgz -C $L .
