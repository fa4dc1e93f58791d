#!/usr/bin/env bash
# Device call 2 (session 7, final): v10 (gate/up blocks of 16 rows by
# default). The GPU runtime and API tiers; compute-sanitizer memcheck,
# racecheck and synccheck on the new variants (forced by
# tests/gpu/sanitize-block16-tuning.json: 128x224 gated with 16-column
# TMA-store subtiles, 64x224 ping-pong, plain 128x96 split 2 and 128x160,
# fp16 GeGLU + bias 128x192; M = 1 runs the swapAB exchange path); then the
# default sweep with the heuristic and the PyTorch peers (max-autotune at
# M >= 1024) in the same call.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
L=/tmp/logs2s7; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc-s7t timeout 70 .device/bin/mlpjit-runtime-tests --gtest_filter='Gpu*' > $L/gpu-runtime-tests.log 2>&1; echo "rc=$?" >> $L/gpu-runtime-tests.log
MLPJIT_CACHE_DIR=/tmp/mc-s7t timeout 40 .device/bin/mlpjit-api-tests > $L/gpu-api-tests.log 2>&1; echo "rc=$?" >> $L/gpu-api-tests.log
for tool in memcheck racecheck synccheck; do
  ref=""; [ $tool = racecheck ] && ref=--cpu-reference-only
  MLPJIT_CACHE_DIR=/tmp/mc-s7s MLPJIT_TUNING_FILE=tests/gpu/sanitize-block16-tuning.json timeout 45 compute-sanitizer --tool $tool --error-exitcode 99 --print-limit 20 \
    --kernel-name kns=_m .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 1,129,4096 --reps 0 $ref > $L/sanitize-$tool.log 2>&1
  echo "rc=$?" >> $L/sanitize-$tool.log
done
echo "after-tests $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
MLPJIT_CACHE_DIR=/tmp/mc-s7f timeout 160 .device/bin/mlpjit-bench --json $L/bench-heuristic.json > $L/bench-heuristic.log 2> $L/bench-heuristic.err
echo "bench rc=$?" >> $L/bench-heuristic.log
echo "after-bench $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
PYTHONUNBUFFERED=1 timeout 275 python3 .device/peers_bench.py --autotune --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
grep -hE "PASSED|FAILED|rc=" $L/gpu-*.log
for t in memcheck racecheck synccheck; do tail -n 2 $L/sanitize-$t.log; done
cat $L/bench-heuristic.log
grep -E "^(llama|qwen|gemma)|rc=" $L/peers.log
cat $L/clocks.txt
