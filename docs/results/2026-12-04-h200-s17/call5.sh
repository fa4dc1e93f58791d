#!/usr/bin/env bash
# Device call 5 (session 17, what device time was left): the committed
# planner against session 16's plans on the two validation configs not timed
# this session, at M = 100 and 200 (llama-3.1-405b trailed cuBLASLt there).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs5s17
timeout ${D_TIMEOUT:-200} .device/bin/mlpjit-bench --validate .device/D1 \
  --tuning-file .device/old-plans.json --tokens 100,200 --validate-rounds 2 \
  > $L/d1.log 2> $L/d1.err
echo "rc=$?" >> $L/d1.log
device_session_end
sed -n '/validation sweep/,$p' $L/d1.log | tail -6
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs5s17.tgz -C $L . && rm -rf $L
