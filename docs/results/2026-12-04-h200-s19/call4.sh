#!/usr/bin/env bash
# Device call 4 (session 19): the planner with narrow swapAB tiles of the
# plain (down) GEMM as candidates at 129-256 tokens (midSwapEfficiency 1.94)
# against the committed plans pinned (.device/committed-plans.json), whole
# forward in one process (--validate: heuristic = new planner, tuned = the
# committed plans), at M = 160 and 200: the validation configs (.device/V)
# and the fit shapes whose tuner rows (old kernel) said the new picks could
# lose (.device/R: llama-3-8b, qwen2.5-7b, mistral-7b, llama-3-70b).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s19
warm_up
for d in V R; do
  timeout $([ $d = V ] && echo 190 || echo 140) .device/bin/mlpjit-bench --validate .device/$d \
    --tuning-file .device/committed-plans.json --tokens 160,200 --validate-rounds 2 \
    > $L/ab-$d.log 2> $L/ab-$d.err
  echo "rc=$?" >> $L/ab-$d.log
  mark after-$d
done
device_session_end
for d in V R; do sed -n '/validation sweep/,$p' $L/ab-$d.log; done
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs4s19.tgz -C $L . && rm -rf $L
