#!/usr/bin/env bash
# Device call 4 (session 14): the planner's carry slack (kMergeSlack) 1.04
# (mlpjit-bench, HEAD) against 1.02 (mlpjit-bench-new), at the points it
# changes: the tp8 shard's gate-up at M = 700 (carried ping-pong 64x256,
# 160.3 us in call 3, against the range's own winner 64x224 at 140.4),
# the two default-sweep points it changes (llama-3-8b M = 1024 gate-up
# 128x224 -> 128x256, tp8 M = 1 gate-up split 1 -> 2), qwen2.5-0.5b M =
# 700; the other points are controls. Processes old, new, old; the speedup over
# cuBLASLt is the within-process ratio.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s14
V=.device/val10
i=0
for bin in mlpjit-bench mlpjit-bench-new mlpjit-bench; do
  i=$((i + 1))
  timeout 75 .device/bin/$bin --tokens 1,700,1024 --shapes llama-3-8b,llama-3-70b/tp8 \
    --json $L/$i-$bin.json > $L/$i-$bin.log 2>&1
  echo "rc=$?" >> $L/$i-$bin.log
  timeout 25 .device/bin/$bin --tokens 700 $V/qwen2.5-0.5b.json > $L/$i-$bin-q.log 2>&1
  echo "rc=$?" >> $L/$i-$bin-q.log
  mark after-$i-$bin
done
device_session_end
for f in $L/*.log; do echo "== $(basename $f)"; grep -E ": mlpjit|rc=" $f | sed 's/cuBLASLt unfused/unf/;s/, rel. error.*//'; done
cat $L/clocks.txt
tar czf $OUT/logs4s14.tgz -C $L . && rm -rf $L
