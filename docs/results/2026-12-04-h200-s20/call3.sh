#!/usr/bin/env bash
# Device call 3 (session 20): the final planner (narrow swapAB down tiles
# priced with TMA stores, planned up to 224 tokens in one wave of one CTA
# per SM) against the plans of HEAD 8ba7eb7 pinned (.device/base-plans.json),
# whole forward in one process, median of 2 rounds, at the token counts of
# the changed ranges call 2 did not time: AB3 = validation configs and the
# tp8 shard at M = 144, 176, 224; AB4 = fit shapes at M = 144, 176, 208.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s20
warm_up
ab() { # folder tokens timeout
  timeout $3 .device/bin/mlpjit-bench --validate .device/$1 \
    --tuning-file .device/base-plans.json --tokens $2 --validate-rounds 2 \
    > $L/ab-$1.log 2> $L/ab-$1.err
  echo "rc=$?" >> $L/ab-$1.log
  mark after-$1
}
ab AB3 144,176,224 240
ab AB4 144,176,208 170
device_session_end
for d in AB3 AB4; do sed -n '/validation sweep/,$p' $L/ab-$d.log; done
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs3s20.tgz -C $L . && rm -rf $L
