#!/usr/bin/env bash
# Device call 1: stream-K / cluster correctness (template harness) and timing, then the default sweep.
set -u
cd "$(dirname "$0")/.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $OUT/clocks.txt
(BUILD_DIR=/tmp/h PARTS=14 tests/gpu/run.sh sm90 nothing-matches > $OUT/harness-build.log 2>&1) &
hb=$!
MLPJIT_TUNING_FILE= MLPJIT_PDL=0 timeout 330 .device/bin/mlpjit-bench --json $OUT/bench.json 2>$OUT/bench.err > $OUT/bench.log
echo "bench rc=$?" >> $OUT/bench.log
echo "after-bench $(q)" >> $OUT/clocks.txt
wait $hb
echo "harness build rc=$?" >> $OUT/harness-build.log
timeout 100 /tmp/h/harness > $OUT/harness-check.log 2>&1; echo "check rc=$?" >> $OUT/harness-check.log
timeout 120 /tmp/h/harness --time > $OUT/harness-time.log 2>&1; echo "time rc=$?" >> $OUT/harness-time.log
echo "end $(q)" >> $OUT/clocks.txt
tail -3 $OUT/harness-check.log; grep -c "^time" $OUT/harness-time.log; tail -40 $OUT/bench.log
