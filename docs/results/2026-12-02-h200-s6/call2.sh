#!/usr/bin/env bash
# Device call 2 (session 6): ping-pong with token groups of 1024 rows (call 1:
# groups of 8 64-row tiles kept 33 weight tiles in flight), 4x1 clusters
# (ping-pong and cooperative; a quarter of the weight tile per CTA), their
# correctness, GEMM timings against the cooperative 128x256 (c29/c36) and its
# 2x1 cluster (c50/c52), and ncu warp-stall sampling of c29 at M = 1024 (the
# per-tile overhead).
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0
L=/tmp/logs2s6; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
for f in pingpong cluster4 c29_ c36_ c0_ c2_ c46_ c50_ c54_; do timeout 60 .device/harness $f; done > $L/harness-check.log 2>&1
tar czf $OUT/call2-logs.tgz -C $L .
for c in c29_ c50_ c78_ c68_ c69_ c77_; do HARNESS_TIME_M=256,512,1024,4096 timeout 45 .device/harness --time $c; done > $L/harness-time-gateup.log 2>&1
for c in c36_ c52_ c80_ c70_ c71_ c79_; do HARNESS_TIME_M=256,1024,4096 timeout 45 .device/harness --time $c; done > $L/harness-time-down.log 2>&1
echo "after-harness $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
HARNESS_TIME_M=1024 timeout 120 ncu --section WarpStateStats --section SchedulerStats --section SourceCounters \
  --section SpeedOfLight -k regex:gemmKernel --launch-skip 10 --launch-count 1 .device/harness --time c29_ > $L/ncu-c29.log 2>&1
echo "ncu rc=$?" >> $L/ncu-c29.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
grep -E "passed|failed|^FAIL" $L/harness-check.log | tail -n 20
grep -h "^time" $L/harness-time-*.log | sed 's/ | 1 CTA.*again/ again/; s/ | <<<.*//' | cut -c1-150
grep -E "Duration|SM Frequency|Compute \(SM\)|L2 Cache Throughput|Issued Warp|No Eligible|One or More|Warp Cycles Per Issued" $L/ncu-c29.log | head -20
cat $L/clocks.txt
