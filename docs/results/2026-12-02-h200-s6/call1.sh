#!/usr/bin/env bash
# Device call 1 (session 6): ping-pong consumers (sm90_tma_ws_pingpong).
# Harness: correctness of the ping-pong configs (c68-c76) and of the
# cooperative model tiles after the unit-loop change; GEMM timings of
# cooperative 128x256 (c29/c36), its 2x1 cluster (c50/c52) and ping-pong
# 64x256 alone and in clusters (c68-c71), 64x128 (c72); then the tuner with
# the ping-pong candidates (calib6.jsonl: the rows the cost model is fitted
# to). Logs packed after each step.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0
L=/tmp/logs1s6; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
for f in pingpong c29_ c36_ c50_ c0_ c46_; do timeout 60 .device/harness $f; done > $L/harness-check.log 2>&1
echo "check rc=$?" >> $L/harness-check.log
tar czf $OUT/call1-logs.tgz -C $L .
for c in c29_ c50_ c68_ c69_ c72_; do HARNESS_TIME_M=256,512,1024,4096 timeout 45 .device/harness --time $c; done > $L/harness-time-gateup.log 2>&1
for c in c36_ c52_ c70_ c71_; do HARNESS_TIME_M=256,1024,4096 timeout 45 .device/harness --time $c; done > $L/harness-time-down.log 2>&1
echo "after-harness $(q)" >> $L/clocks.txt
tar czf $OUT/call1-logs.tgz -C $L .
MLPJIT_CACHE_DIR=/tmp/mc-s6 MLPJIT_TUNING_FILE=/tmp/tune6.json timeout 230 .device/bin/mlpjit-bench --tune --tune-candidates 10 \
  --tune-log $L/calib6.jsonl --tokens 256,1024,4096 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call1-logs.tgz -C $L .
grep -E "^(PASS|FAIL)|passed|failed|rc=" $L/harness-check.log | tail -n 12
grep -h "^time" $L/harness-time-*.log | sed 's/ | 1 CTA.*again/ again/; s/ | <<<.*//' | cut -c1-150
grep -E "\] (gate_up|down)" $L/tune.err $L/tune.log | cut -c1-160 | head -30
tail -n 3 $L/tune.log; wc -l $L/calib6.jsonl
cat $L/clocks.txt
