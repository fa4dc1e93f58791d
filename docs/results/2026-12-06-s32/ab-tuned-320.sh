#!/usr/bin/env bash
# Session 32, call 4: the heuristic against the tuner's plans at 320 tokens
# (call 3's tuned.json: the coop 64-row twin beat ping-pong on four down
# GEMMs by 9-16% per GEMM on this H100) in the forward, --validate, 3 rounds,
# fit configs and the tp8 shard at 310 and 320 (the planner range 305-320).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-tuned-320
R=$(dirname "$0")
mkdir -p $L/cfg && cp .device/fit/llama-3-8b.json .device/fit/mistral-7b-v0.1.json .device/fit/gemma-7b.json \
  .device/fit/qwen2.5-7b.json .device/fit/llama-3-70b.json .device/tp8/*.json $L/cfg/
timeout ${AB_TIMEOUT:-330} .device/bin/mlpjit-bench --validate $L/cfg --tokens 310,320 \
  --tuning-file $R/tuned-320.json --validate-rounds 3 > $L/ab.log 2>&1
echo rc=$? >> $L/ab.log
device_session_end
sed -n "/^validation sweep/,\$p" $L/ab.log; tail -2 $L/ab.log; cat $L/clocks.txt
tar czf $OUT/ab-tuned-320.tgz -C $L .
