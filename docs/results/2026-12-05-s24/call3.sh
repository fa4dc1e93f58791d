#!/usr/bin/env bash
# Device call 3 (prepared in session 24, not run). Tuner rows for the new
# tuner-only candidate: one narrow swapAB token tile of 161-256 tokens (128
# weight rows; wgmma N now every multiple of 8 to 256), whole K and its
# cheapest split, never timed since the TMA-store and gate/up-exchange
# epilogues (192/256-token tiles lost up to 1.45x at M = 256 before them).
# Fit shapes at 176, 200 and 240 tokens, 8 candidates a GEMM plus the
# tuner-only ones. Prediction: it wins where one token tile removes 128-row
# padding and the tile count fills the SMs (the tp8 shard's 56-64 tiles
# with a split; gemma-7b's gate-up 384 tiles, 2.9 waves), and loses where
# 2.1-2.3 waves of 128-weight-row tiles leave the last wave short
# (qwen2.5-7b's 296).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s24
warm_up
timeout 420 .device/bin/mlpjit-bench \
  .device/fit/phi-3-mini-4k.json .device/fit/llama-3-8b.json .device/fit/qwen2.5-7b.json \
  .device/fit/gemma-7b.json .device/tp8/llama-3-70b-tp8-shard.json \
  --tokens 176,200,240 --tune --tune-candidates 8 --tune-log $L/tune24.jsonl \
  --tuning-file $L/tune24-plans.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
grep -E "M=|rc=" $L/tune.log | head -40
wc -l $L/tune24.jsonl
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune24.jsonl $L/tune24-plans.json $OUT/ 2>/dev/null
tar czf $OUT/logs3s24.tgz -C $L . && rm -rf $L
