#!/usr/bin/env bash
# Device call 2: stream-K after the reduction fix; calibration of the cost model with stream-K and clusters.
set -u
cd "$(dirname "$0")/.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $OUT/clocks.txt
(BUILD_DIR=/tmp/h PARTS=14 tests/gpu/run.sh sm90 nothing-matches > $OUT/harness-build.log 2>&1) &
hb=$!
MLPJIT_TUNING_FILE= MLPJIT_PDL=0 timeout 300 .device/bin/mlpjit-bench --tune --tune-candidates 12 --tune-log $OUT/calib2.jsonl \
  --tuning-file /tmp/tuning.json --tokens 64,256,1024,4096 --json $OUT/bench-tuned.json > $OUT/tune.log 2> $OUT/tune.err
echo "tune rc=$?" >> $OUT/tune.log
echo "after-tune $(q)" >> $OUT/clocks.txt
wait $hb
tail -2 $OUT/harness-build.log
timeout 60 /tmp/h/harness split0 > $OUT/harness-check.log 2>&1; echo "check rc=$?" >> $OUT/harness-check.log
(timeout 60 /tmp/h/harness --time split0; timeout 40 /tmp/h/harness --time c29_; timeout 40 /tmp/h/harness --time c36_) > $OUT/harness-time.log 2>&1
echo "end $(q)" >> $OUT/clocks.txt
tail -2 $OUT/harness-check.log; wc -l $OUT/calib2.jsonl; tail -25 $OUT/tune.log
