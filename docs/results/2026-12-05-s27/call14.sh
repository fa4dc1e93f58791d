#!/usr/bin/env bash
# Device call 14 (session 27, ran inline; the H200). The validation configs
# call 13 did not reach, with the exact last token tile A/B.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs14s27
timeout 240 .device/bin/mlpjit-bench .device/V/{mistral-nemo-12b,phi-3-medium-4k,qwen2.5-0.5b,qwen2.5-32b}.json \
  --tokens 48,100,200,300 --ab-exact-last-tile --validate-rounds 3 > $L/val2.log 2> $L/val2.err
echo rc=$? >> $L/val2.log
device_session_end
sed -n '/ragged last token tile/,$p' $L/val2.log; tar czf $OUT/logs14s27.tgz -C $L .
