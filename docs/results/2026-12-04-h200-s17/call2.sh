#!/usr/bin/env bash
# Device call 2 (session 17): the model with gated and plain ping-pong priced
# apart (gatedPingPongEfficiency 0.9476, pingPongEfficiency 1.097 as
# before) and l2GBs 15323, overlapNorm 5.09, fitted together (fit regret
# 1.0139 -> 1.0084, held-out 1.0177 -> 1.0137), against the committed plans
# (.device/old-plans.json), whole forward, interleaved with cuBLASLt, 2
# rounds, at the token counts where plans changed (mostly down GEMMs moving
# to 64-row ping-pong tiles without split-K, as call 1's winners did).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s17
run() { # run NAME FOLDER TOKENS TIMEOUT
  timeout $4 .device/bin/mlpjit-bench --validate .device/$2 \
    --tuning-file .device/old-plans.json --tokens $3 --validate-rounds 2 \
    > $L/$1.log 2> $L/$1.err
  echo "rc=$?" >> $L/$1.log
  mark after-$1
}
run a1 A1 100,256,300,500 170
run b1 B1 100,160,200,256 230
run b2 B2 300,700 150
timeout 40 .device/bin/mlpjit-runtime-tests > $L/runtime-tests.log 2>&1
echo "rc=$?" >> $L/runtime-tests.log
device_session_end
for f in a1 b1 b2; do sed -n '/validation sweep/,$p' $L/$f.log | tail -26; done
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
grep rc= $L/*.log; tail -2 $L/runtime-tests.log
cat $L/clocks.txt
tar czf $OUT/logs2s17.tgz -C $L . && rm -rf $L
