#!/usr/bin/env bash
# Device call 13 (session 27, ran inline; the H200). The exact last token
# tile in the whole forward on the other three fit shapes at 5-700 tokens,
# then on the validation configs at 48/100/200/300 (cut by its 330 s limit
# after five configs: their per-point lines are in val.err; call 14 ran
# the rest).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs13s27
timeout 170 .device/bin/mlpjit-bench .device/fit/{phi-3-mini-4k,qwen2.5-7b,gemma-7b}.json \
  --tokens 5,48,100,300,700 --ab-exact-last-tile --validate-rounds 3 > $L/fit.log 2> $L/fit.err
echo rc=$? >> $L/fit.log
timeout 330 .device/bin/mlpjit-bench .device/V/*.json --tokens 48,100,200,300 --ab-exact-last-tile \
  --validate-rounds 3 > $L/val.log 2> $L/val.err
echo rc=$? >> $L/val.log
device_session_end
sed -n '/ragged last token tile/,$p' $L/fit.log $L/val.log
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt; tar czf $OUT/logs13s27.tgz -C $L .
