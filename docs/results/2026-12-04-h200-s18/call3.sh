#!/usr/bin/env bash
# Device call 3 (session 18): 16-token planner ranges from 128 to 640 tokens
# (kWideStep 16, "w16") against the committed 32 ("s17"), whole forward, with
# the roles swapped between two processes to cancel the slot bias that calls
# 1-2 found (identical plans read up to 1.05x apart by plan-set slot):
#   A: w16 build's heuristic vs s17's plans pinned   (heur/tuned = w16/s17 x bias)
#   B: s17 build's heuristic vs w16's plans pinned   (heur/tuned = s17/w16 x bias)
# w16/s17 = sqrt(A / B) per point.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s18
warm_up
T=${TOKENS:-200,300}
timeout ${A_TIMEOUT:-270} .device/bin/mlpjit-bench --validate .device/W \
  --tuning-file .device/s17-plans.json --tokens $T --validate-rounds 2 \
  > $L/a.log 2> $L/a.err
echo "rc=$?" >> $L/a.log
mark after-a
timeout ${B_TIMEOUT:-270} .device/bin/mlpjit-bench-s17 --validate .device/W \
  --tuning-file .device/w16-plans.json --tokens $T --validate-rounds 2 \
  > $L/b.log 2> $L/b.err
echo "rc=$?" >> $L/b.log
device_session_end
for f in a b; do sed -n '/validation sweep/,$p' $L/$f.log; done
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs3s18.tgz -C $L . && rm -rf $L
