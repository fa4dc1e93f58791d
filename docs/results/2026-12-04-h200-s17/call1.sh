#!/usr/bin/env bash
# Device call 1 (session 17): the cost model refit (l2GBs 13169 -> 15095,
# overlapNorm 6.13 -> 5.09, fitted together on fit13, wide1-2, narrow160 and
# tune100-200; held-out regret 1.0177 -> 1.0164) against the committed plans
# (.device/old-plans.json, scripts/plans_as_tuning.py), whole forward,
# interleaved with cuBLASLt, 2 rounds. s17a: the fit configs, s17b: seven
# validation configs. The refit moves many plans to ping-pong 64-row tiles,
# also at M >= 1024, where the fit rows are few: these points decide.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s17
timeout ${A_TIMEOUT:-220} .device/bin/mlpjit-bench --validate .device/s17a \
  --tuning-file .device/old-plans.json --tokens 100,256,500,1024 --validate-rounds 2 \
  > $L/s17a.log 2> $L/s17a.err
echo "rc=$?" >> $L/s17a.log
mark after-s17a
timeout ${B_TIMEOUT:-330} .device/bin/mlpjit-bench --validate .device/s17b \
  --tuning-file .device/old-plans.json --tokens 200,300,700,2500 --validate-rounds 2 \
  > $L/s17b.log 2> $L/s17b.err
echo "rc=$?" >> $L/s17b.log
device_session_end
for f in s17a s17b; do sed -n '/validation sweep/,$p' $L/$f.log | tail -30; done
grep -h "rel" $L/s17*.log | awk '{print $NF}' | sort -g | tail -2
grep rc= $L/*.log; tail -3 $L/*.err
cat $L/clocks.txt
tar czf $OUT/logs1s17.tgz -C $L . && rm -rf $L
