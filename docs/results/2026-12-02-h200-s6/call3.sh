#!/usr/bin/env bash
# Device call 3 (session 6): the GPU test tier and the full harness check on
# this build (ping-pong family, unit loop by ordinal); compute-sanitizer
# memcheck, racecheck and synccheck on ping-pong kernels (forced by
# tests/gpu/sanitize-pingpong-tuning.json); then the tuner's exploratory
# candidates (ping-pong, 2x1 clusters at 2-10 token tiles) at M = 128-512
# (calib7.jsonl).
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0
L=/tmp/logs3s6; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc-s6 timeout 120 .device/bin/mlpjit-runtime-tests --gtest_filter='Gpu*' > $L/gpu-runtime-tests.log 2>&1; echo "rc=$?" >> $L/gpu-runtime-tests.log
MLPJIT_CACHE_DIR=/tmp/mc-s6 timeout 60 .device/bin/mlpjit-api-tests > $L/gpu-api-tests.log 2>&1; echo "rc=$?" >> $L/gpu-api-tests.log
timeout 170 .device/harness > $L/harness-check.log 2>&1; echo "check rc=$?" >> $L/harness-check.log
tar czf $OUT/call3-logs.tgz -C $L .
for tool in memcheck racecheck synccheck; do
  ref=""; [ $tool = racecheck ] && ref=--cpu-reference-only
  MLPJIT_CACHE_DIR=/tmp/mc-s6 MLPJIT_TUNING_FILE=tests/gpu/sanitize-pingpong-tuning.json timeout 60 compute-sanitizer --tool $tool --error-exitcode 99 --print-limit 20 \
    --kernel-name kns=_m .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 129,4096 --reps 0 $ref > $L/sanitize-$tool.log 2>&1
  echo "rc=$?" >> $L/sanitize-$tool.log
done
echo "after-tests $(q)" >> $L/clocks.txt
tar czf $OUT/call3-logs.tgz -C $L .
MLPJIT_CACHE_DIR=/tmp/mc-s6 MLPJIT_TUNING_FILE=/tmp/tune7.json timeout 200 .device/bin/mlpjit-bench --tune --tune-candidates 12 \
  --tune-log $L/calib7.jsonl --tokens 128,192,256,384,512 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call3-logs.tgz -C $L .
grep -hE "PASSED|FAILED|rc=" $L/gpu-*.log
tail -n 2 $L/harness-check.log; grep -E "^FAIL" $L/harness-check.log | head
for t in memcheck racecheck synccheck; do tail -n 2 $L/sanitize-$t.log; done
grep -E "\] (gate_up|down)" $L/tune.log | cut -c1-150 | head -40
tail -n 2 $L/tune.log; wc -l $L/calib7.jsonl
cat $L/clocks.txt
