#!/usr/bin/env bash
# Device call 5 (session 16): 16-token planner ranges from 128 to 640
# (heuristic; wide swapAB tiles sized to the range: M = 300 as 2 x 152,
# 400 as 3 x 136, 200 as 2 x 104, the tuner's best sizes in calls 2-4 and
# session 15) against the committed 32-token ranges (.device/w32-plans.json,
# scripts/plans_as_tuning.py), whole forward, interleaved with cuBLASLt.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs5s16
timeout ${AB_TIMEOUT:-300} .device/bin/mlpjit-bench --validate .device/abF \
  --tuning-file .device/w32-plans.json --tokens 200,300,400 --validate-rounds 2 \
  > $L/abF.log 2> $L/abF.err
echo "rc=$?" >> $L/abF.log
mark after-abF
timeout ${B_TIMEOUT:-90} .device/bin/mlpjit-bench --validate .device/abG \
  --tuning-file .device/w32-plans.json --tokens 300 --validate-rounds 2 \
  > $L/abG.log 2> $L/abG.err
echo "rc=$?" >> $L/abG.log
device_session_end
for f in abF abG; do sed -n '/validation sweep/,$p' $L/$f.log | tail -14; done
grep -h "rel" $L/ab*.log | awk '{print $NF}' | sort -g | tail -2
grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs5s16.tgz -C $L . && rm -rf $L
