#!/usr/bin/env bash
# Session 32, call 6: the heuristic against call 1's tuned plans (tuned-big.json: the
# tuner at 321-384 tokens on the large configs) in the forward, --validate, 3 rounds.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-tuned-big
R=$(dirname "$0")
mkdir -p $L/cfg && cp .device/V/llama-3.1-405b.json .device/V/qwen2.5-32b.json .device/V/gemma-2-27b.json \
  .device/fit/llama-3-70b.json .device/V/phi-3-medium-4k.json $L/cfg/
timeout ${AB_TIMEOUT:-300} .device/bin/mlpjit-bench --validate $L/cfg --tokens 330,340,360,380 \
  --tuning-file $R/tuned-big.json --validate-rounds 3 > $L/ab.log 2>&1
echo rc=$? >> $L/ab.log
device_session_end
sed -n "/^validation sweep/,\$p" $L/ab.log; cat $L/clocks.txt
tar czf $OUT/ab-tuned-big.tgz -C $L .
