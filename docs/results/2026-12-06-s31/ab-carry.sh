#!/usr/bin/env bash
# Session 31: no plan carried into a range whose swapAB winner pads fewer
# token rows above 128 tokens (KernelHeuristic.cpp, padsMore). The planner
# with it against the plans before it (carry-old-plans.json: the previous
# build's `mlpjit-dump --stage=kernels --json` of every config, pinned with
# scripts/plans_as_tuning.py at 170-700 tokens), mlpjit-bench --validate,
# 3 interleaved rounds, at token counts inside the ranges whose plan changed
# (the others' plans are identical: A/A controls).
#   bash ab-carry.sh fit    fit configs and the tp8 shard, llama-3.1-405b at 700, light
#                           validation configs
#   bash ab-carry.sh big    the large validation configs
# Predicted (the tuner's logs, per GEMM: the new plan 4-12% faster at 9 of
# 10 timed pairs, H200): the forward 1-5% faster at the changed points,
# 1.00 +- 1% at the unchanged ones.
set -u
part=${1:?fit or big}
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-carry-$part
R=$(dirname "$0")
warm_up
one() { ab_validate $1 $2 $R/carry-old-plans.json; } # config-file tokens (device-session.sh)
case $part in
fit)
  one .device/fit/llama-3-8b.json 200,400,600,700
  one .device/V/llama-3.1-405b.json 700
  one .device/fit/qwen2.5-7b.json 300
  one .device/tp8/llama-3-70b-tp8-shard.json 340,520
  one .device/fit/phi-3-mini-4k.json 340
  one .device/V/llama-2-7b.json 260,460,700
  one .device/V/mistral-nemo-12b.json 200,280,300,440
  one .device/V/llama-3.2-1b.json 340
  one .device/V/qwen2.5-0.5b.json 200
  one .device/V/gemma-2-9b.json 200,600 ;;
big)
  one .device/fit/llama-3-70b.json 200,300
  one .device/V/llama-3.1-405b.json 170
  one .device/V/gemma-2-27b.json 200,280
  one .device/V/qwen2.5-32b.json 170,600
  one .device/V/phi-3-medium-4k.json 220,330 ;;
esac
device_session_end
for f in $L/ab-*.log; do echo "== $f"; sed -n "/^validation sweep/,\$p" $f; done
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/ab-carry-$part.tgz -C $L .
