#!/usr/bin/env bash
# Device call 2 (session 13): the planner with ping-pong as a candidate
# (pingPongEfficiency refit on call 1's fit13.jsonl) and ranges every 64
# tokens from 256 to 1024.
# 1. Held out: the validation configs (val5) against session 12's
#    interleaved tuned plans (val-tuning12b.json) and cuBLASLt, at the padded
#    token counts the change is about and the non-round ones not yet run.
# 2. The fit set against call 1's tuned plans (fit13-tuning.json).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s13
timeout ${VAL_TIMEOUT:-250} .device/bin/mlpjit-bench --validate .device/val5 \
  --tuning-file .device/val-tuning12b.json --tokens 100,300,500,700,1500,2500 \
  --validate-rounds 2 > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
mark after-val
timeout ${FIT_TIMEOUT:-160} .device/bin/mlpjit-bench --validate .device/fit5 \
  --tuning-file .device/fit13-tuning.json --tokens 256,300,500,700 \
  --validate-rounds 2 > $L/fit.log 2> $L/fit.err
echo "rc=$?" >> $L/fit.log
device_session_end
sed -n '/validation sweep/,$p' $L/validate.log | tail -40
sed -n '/validation sweep/,$p' $L/fit.log | tail -24
tail -n 2 $L/validate.err $L/fit.err
cat $L/clocks.txt
tar czf $OUT/logs2s13.tgz -C $L . && rm -rf $L
