#!/usr/bin/env bash
# Device call 2 (session 4): why stream-K loses (harness A/B of stream-K vs
# whole tiles at M = 256, 1024; ncu of both at M = 1024), PDL on vs off at
# small M, and the refit v7 planner (npow2, splitfix, p) on the default
# sweep's small and middle M and on the validation sweep.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc MLPJIT_PDL=0
L=/tmp/logs2; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
HARNESS_TIME_M=256,1024 timeout 60 .device/harness --time 'c29_|c56_|c36_|c57_' > $L/harness-time.log 2>&1
for c in c57_ c36_; do
  HARNESS_TIME_M=1024 timeout 60 /usr/local/cuda/bin/ncu --section SpeedOfLight --section WarpStateStats \
    --section SchedulerStats --section MemoryWorkloadAnalysis --section LaunchStats \
    -k regex:gemmKernel --launch-skip 20 --launch-count 1 .device/harness --time $c > $L/ncu-$c.log 2>&1
done
echo "after-harness $(q)" >> $L/clocks.txt
for pdl in 0 1; do
  MLPJIT_PDL=$pdl MLPJIT_TUNING_FILE= timeout 45 .device/bin/mlpjit-bench --shapes llama-3-70b/tp8,llama-3-8b \
    --tokens 1,16,64 > $L/pdl-$pdl.log 2> $L/pdl-$pdl.err
done
MLPJIT_TUNING_FILE= timeout 75 .device/bin/mlpjit-bench --tokens 1,16,64,256 --json $L/bench.json > $L/bench.log 2> $L/bench.err
echo "bench rc=$?" >> $L/bench.log
MLPJIT_TUNING_FILE= timeout 100 .device/bin/mlpjit-bench .device/val5/*.json --tokens 5,48,100,300,1500,6000 \
  --json $L/validation.json > $L/validation.log 2> $L/validation.err
echo "validation rc=$?" >> $L/validation.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
grep -E "^time" $L/harness-time.log | cut -c1-200
grep -E "Duration|Compute \(SM\) Throughput|L2 Cache Throughput|DRAM Throughput|Stall|Warp Cycles Per Issued" $L/ncu-*.log | head -40
cat $L/pdl-0.log $L/pdl-1.log $L/bench.log; tail -3 $L/validation.log; cat $L/clocks.txt
