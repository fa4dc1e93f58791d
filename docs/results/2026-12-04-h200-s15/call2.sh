#!/usr/bin/env bash
# Device call 2 (session 15): the planner with wide swapAB candidates
# (wideSwapEfficiency fitted on call 1's rows) against the same planner
# without them, in the whole forward, one process per folder: --validate
# times the heuristic (new) and the "tuned" plans (.device/old-plans.json:
# the plans without wide candidates, scripts/plans_as_tuning.py) and
# cuBLASLt, interleaved, at the token counts whose plans changed: M = 300
# (ranges 257-320) and M = 160 and 400 (129-192, 385-448).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s15
timeout ${A_TIMEOUT:-250} .device/bin/mlpjit-bench --validate .device/ab300 \
  --tuning-file .device/old-plans.json --tokens 300 --validate-rounds 2 \
  > $L/ab300.log 2> $L/ab300.err
echo "rc=$?" >> $L/ab300.log
mark after-ab300
timeout ${B_TIMEOUT:-250} .device/bin/mlpjit-bench --validate .device/ab160 \
  --tuning-file .device/old-plans.json --tokens 160,400 --validate-rounds 2 \
  > $L/ab160.log 2> $L/ab160.err
echo "rc=$?" >> $L/ab160.log
device_session_end
sed -n '/validation sweep/,$p' $L/ab300.log | tail -12
sed -n '/validation sweep/,$p' $L/ab160.log | tail -14
grep -h "rel" $L/ab*.log | awk '{print $NF}' | sort -g | tail -2
grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs2s15.tgz -C $L . && rm -rf $L
