#!/usr/bin/env bash
# Device call 2 (session 20): the planner pricing the plain GEMM's narrow
# swapAB tiles above 128 tokens as the TMA stores they now are (down-GEMM
# plans change at 129-256 tokens) against the plans of HEAD 8ba7eb7 pinned
# (.device/base-plans.json), whole forward in one process (--validate:
# heuristic = new planner, tuned = the old plans), median of 2 rounds:
# AB1 = the validation configs whose plans change (llama-3.1-405b left out
# for time) and the tp8 shard at M = 160, 200, 256; AB2 = the fit shapes
# whose plans change at M = 160, 256.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s20
warm_up
ab() { # folder tokens timeout
  timeout $3 .device/bin/mlpjit-bench --validate .device/$1 \
    --tuning-file .device/base-plans.json --tokens $2 --validate-rounds 2 \
    > $L/ab-$1.log 2> $L/ab-$1.err
  echo "rc=$?" >> $L/ab-$1.log
  mark after-$1
}
ab AB1 160,200,256 300
ab AB2 160,256 170
device_session_end
for d in AB1 AB2; do sed -n '/validation sweep/,$p' $L/ab-$d.log; done
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs2s20.tgz -C $L . && rm -rf $L
