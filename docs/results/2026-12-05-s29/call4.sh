#!/usr/bin/env bash
# Device call 4 (session 29, the last ~250 s of the budget): the new planner
# (wide swapAB 176-token tiles at 641-704, fewStagePenalty refit 0.433 ->
# 0.036) against HEAD 2935b3a's plans pinned (head-plans.json, from
# plans_as_tuning.py) in the whole forward, at the token counts where the
# plans of llama-3-70b, its tp8 shard and phi-3-mini changed (160, 320, 640,
# 700); 2 interleaved rounds, every plan checked first.
# Prediction: new/old 0.90-0.97 at 700 on llama-3-70b (its down GEMM 11%
# faster per GEMM in call 3), 0.97-1.01 at 160, unknown at 320 and 640
# (plans without tuner rows: 160x256 3-stage tiles).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call4s29
mkdir -p $L/c
cp .device/fit/llama-3-70b.json .device/fit/phi-3-mini-4k.json .device/tp8/*.json $L/c/
timeout 75 .device/bin/mlpjit-bench --validate $L/c --tokens 700,160,640,320 \
  --tuning-file docs/results/2026-12-05-s29/head-plans.json --validate-rounds 2 \
  > $L/ab.log 2> $L/ab.err
echo rc=$? >> $L/ab.log
device_session_end
sed -n '/validation sweep/,$p' $L/ab.log; grep -h 'M=' $L/ab.err | grep -v 'check' | tail -30
cat $L/clocks.txt
tar czf $OUT/call4s29.tgz -C $L .
