#!/usr/bin/env bash
# Device call 3 (session 16): the planner as committed (32-token ranges
# from 128 to 640, wide swapAB candidates from 129 tokens) against session
# 15's plans (.device/old-plans.json) at the other token counts whose plans
# changed: M = 100 (65-128 no longer inherits 129-192's ping-pong plan) and
# M = 200 (193-224 sized for 224), whole forward, interleaved with cuBLASLt,
# on fit and held-out configs.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s16
timeout ${AB_TIMEOUT:-430} .device/bin/mlpjit-bench --validate .device/abE \
  --tuning-file .device/old-plans.json --tokens 100,200 --validate-rounds 2 \
  > $L/abE.log 2> $L/abE.err
echo "rc=$?" >> $L/abE.log
device_session_end
sed -n '/validation sweep/,$p' $L/abE.log | tail -18
grep -h "rel" $L/ab*.log | awk '{print $NF}' | sort -g | tail -2
grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs3s16.tgz -C $L . && rm -rf $L
