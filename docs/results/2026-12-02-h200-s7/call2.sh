#!/usr/bin/env bash
# Device call 2 (session 7): the tuner with gate/up blocks of 16 rows
# (every gated tile width from 64 to 256 a candidate, 192/224 included), at
# M = 128-4096 on the default shapes: rows for the cost model
# (calib8.jsonl). Then the GPU tiers and compute-sanitizer (memcheck,
# racecheck, synccheck) on the block-16 variants
# (tests/gpu/sanitize-block16-tuning.json: 128x224 gated, 16-column subtiles;
# 64x224 ping-pong; plain 128x96 split 2 and 128x160; fp16 GeGLU + bias
# 128x192), and the harness's full check.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_GATE_UP_BLOCK=16
L=/tmp/logs2s7; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc-s7-16 MLPJIT_TUNING_FILE=/tmp/tune8.json timeout 260 .device/bin/mlpjit-bench --tune --tune-candidates 12 \
  --tune-log $L/calib8.jsonl --tokens 128,256,512,1024,4096 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "after-tune $(q)" >> $L/clocks.txt
cp /tmp/tune8.json $L/ 2>/dev/null
tar czf $OUT/call2-logs.tgz -C $L .
export MLPJIT_TUNING_FILE=
MLPJIT_CACHE_DIR=/tmp/mc-s7t timeout 90 .device/bin/mlpjit-runtime-tests --gtest_filter='Gpu*' > $L/gpu-runtime-tests.log 2>&1; echo "rc=$?" >> $L/gpu-runtime-tests.log
MLPJIT_CACHE_DIR=/tmp/mc-s7t timeout 60 .device/bin/mlpjit-api-tests > $L/gpu-api-tests.log 2>&1; echo "rc=$?" >> $L/gpu-api-tests.log
for tool in memcheck racecheck synccheck; do
  ref=""; [ $tool = racecheck ] && ref=--cpu-reference-only
  MLPJIT_CACHE_DIR=/tmp/mc-s7s MLPJIT_TUNING_FILE=tests/gpu/sanitize-block16-tuning.json timeout 60 compute-sanitizer --tool $tool --error-exitcode 99 --print-limit 20 \
    --kernel-name kns=_m .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 1,129,4096 --reps 0 $ref > $L/sanitize-$tool.log 2>&1
  echo "rc=$?" >> $L/sanitize-$tool.log
done
tar czf $OUT/call2-logs.tgz -C $L .
timeout 100 .device/harness > $L/harness-check.log 2>&1; echo "check rc=$?" >> $L/harness-check.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
grep -hE "PASSED|FAILED|rc=" $L/gpu-*.log
for t in memcheck racecheck synccheck; do tail -n 2 $L/sanitize-$t.log; done
tail -n 2 $L/harness-check.log; grep -E "^FAIL" $L/harness-check.log | head
grep -E "\] (gate_up|down)" $L/tune.log | cut -c1-150 | head -50
tail -n 3 $L/tune.log; wc -l $L/calib8.jsonl
cat $L/clocks.txt
