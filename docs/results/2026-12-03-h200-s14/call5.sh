#!/usr/bin/env bash
# Device call 5 (session 14): the committed planner (L2 refit, carry slack
# 1.02 above 64 tokens, 1.04 below) at the points call 4 compared: tp8 M =
# 1 (must be the old unsplit plan), tp8 M = 700, llama-3-8b M = 1024, and
# qwen2.5-0.5b M = 700, against cuBLASLt in the same process.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs5s14
timeout 60 .device/bin/mlpjit-bench --tokens 1,700,1024 --shapes llama-3-8b,llama-3-70b/tp8 \
  --json $L/final.json > $L/final.log 2>&1
echo "rc=$?" >> $L/final.log
timeout 25 .device/bin/mlpjit-bench --tokens 700 .device/val10/qwen2.5-0.5b.json > $L/q.log 2>&1
echo "rc=$?" >> $L/q.log
device_session_end
grep -E ": mlpjit|rc=" $L/*.log | sed 's/cuBLASLt unfused/unf/;s/, rel. error/ err/'
cat $L/clocks.txt
tar czf $OUT/logs5s14.tgz -C $L . && rm -rf $L
