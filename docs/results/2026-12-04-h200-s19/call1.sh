#!/usr/bin/env bash
# Device call 1 (session 19): (a) the GPU runtime tests, the fixed
# GpuSharedKernelsTest.LayerRunsOnAnotherLayersWeights among them; (b)
# compute-sanitizer memcheck over the narrow swapAB set
# (tests/gpu/sanitize-narrow-tuning.json, now with two 2x1-cluster plans);
# (c) tuner rows where mlpjit trails cuBLASLt (M = 160-256) on the fit
# shapes and the tp8 shard, with the tuner-only narrow swapAB tiles (128
# weight rows, one or two token tiles, two also in a 2x1 cluster, as
# cuBLASLt's 128x104 1x2 kernel) timed beside the planner's candidates.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s19
timeout 90 .device/bin/mlpjit-runtime-tests --gtest_brief=1 > $L/runtime-tests.log 2>&1
echo "rc=$?" >> $L/runtime-tests.log
OUT=$L MLPJIT_BIN=.device/bin SANITIZE_TUNING=tests/gpu/sanitize-narrow-tuning.json \
  SANITIZE_TOKENS=160,200 SANITIZE_TIMEOUT=120 timeout 130 bash -c '
  export MLPJIT_TUNING_FILE=$SANITIZE_TUNING
  compute-sanitizer --tool memcheck --error-exitcode 99 --print-limit 20 --kernel-name kns=_m \
    $MLPJIT_BIN/mlpjit-run tests/gpu/sanitize.mlp --tokens $SANITIZE_TOKENS --reps 0 > $OUT/sanitize-memcheck.log 2>&1
  echo "rc=$?" >> $OUT/sanitize-memcheck.log'
mark after-sanitize
warm_up
timeout ${TUNE_TIMEOUT:-330} .device/bin/mlpjit-bench \
  .device/fit/llama-3-70b.json .device/fit/phi-3-mini-4k.json .device/fit/llama-3-8b.json \
  .device/fit/qwen2.5-7b.json .device/fit/gemma-7b.json .device/tp8/llama-3-70b-tp8-shard.json \
  --tokens 160,200,256 --tune --tune-candidates 6 --tune-log $L/tune19.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
tail -4 $L/runtime-tests.log
grep -E "ERROR SUMMARY|rc=|FAIL" $L/sanitize-memcheck.log | sort | uniq -c
tail -22 $L/tune.log
wc -l $L/tune19.jsonl
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune19.jsonl $L/tune.json $OUT/ 2>/dev/null
tar czf $OUT/logs1s19.tgz -C $L . && rm -rf $L
