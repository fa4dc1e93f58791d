#!/usr/bin/env bash
# Device call 6 (session 6): ncu Speed Of Light of the ping-pong gate-up
# (c68 alone, c69 in 2x1 clusters) at M = 1024, beside call 2's cooperative
# c29: is ping-pong bound by L2?
set -u
cd "$(dirname "$0")/../../.."
L=/tmp/logs6s6; rm -rf $L; mkdir -p $L
for c in c68_ c69_; do
  HARNESS_TIME_M=1024 timeout 100 ncu --section SpeedOfLight --section WarpStateStats -k regex:gemmKernel \
    --launch-skip 10 --launch-count 1 .device/harness --time $c > $L/ncu-$c.log 2>&1
  echo "ncu rc=$?" >> $L/ncu-$c.log
done
tar czf $OUT/call6-logs.tgz -C $L .
grep -E "Duration|SM Frequency|Compute \(SM\)|L2 Cache Throughput|DRAM Throughput|Warp Cycles Per Issued|rc=" $L/ncu-*.log
