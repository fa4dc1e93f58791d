#!/usr/bin/env bash
# Device call 8 (session 22): tuner rows with the deeper gated narrow swapAB
# tiles (8 stages at 72-88 tokens, 7 at 96-120): six fit shapes and the tp8
# shard at M = 144, 176, 208, 8 candidates a GEMM plus the tuner-only ones
# (session 20's call 1, with the new depths), for the planner's pricing of
# these tiles (call 7: the tp8 forward 10% faster with them at 144-160).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs8s22
warm_up
timeout ${TUNE_TIMEOUT:-420} .device/bin/mlpjit-bench \
  .device/tp8/llama-3-70b-tp8-shard.json .device/fit/llama-3-8b.json \
  .device/fit/qwen2.5-7b.json .device/fit/gemma-7b.json .device/fit/phi-3-mini-4k.json \
  .device/fit/mistral-7b-v0.1.json .device/fit/gpt2.json \
  --tokens 144,176,208 --tune --tune-candidates 8 --tune-log $L/tune22.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
tail -30 $L/tune.log
cat $L/clocks.txt
cp $L/tune22.jsonl $OUT/ 2>/dev/null
tar czf $OUT/logs8s22.tgz -C $L . && rm -rf $L
