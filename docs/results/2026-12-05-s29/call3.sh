#!/usr/bin/env bash
# Device call 3 (session 29): the tuner at 700 tokens with the wide swapAB
# tile of 176 tokens (4 x 176 = 704, 3 stages) as a tuner-only candidate
# beside the model's 5 favourites, per GEMM: which GEMMs made call 2's
# forced forward faster (llama-3.1-405b, llama-3-70b) and which slower.
# Prediction: the 176-token tile fastest on the gate-up and down GEMMs of
# llama-3.1-405b and llama-3-70b (3-8% ahead of the planned 128-row tile),
# slowest by far on the down GEMMs with few weight tiles (gemma-7b: 12 x 4
# CTAs), within a few % on llama-3-8b and qwen2.5-7b.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call3s29
B=.device/bin/mlpjit-bench
warm_up
timeout 200 $B .device/fit/llama-3-70b.json .device/tp8/*.json .device/fit/llama-3-8b.json \
  .device/fit/qwen2.5-7b.json .device/fit/gemma-7b.json --tokens 700 --tune --tune-candidates 5 \
  --tuning-file $L/tuned-fit.json --tune-log $L/tune-fit.jsonl > $L/tune-fit.log 2>&1
echo rc=$? >> $L/tune-fit.log; mark fit
timeout 150 $B .device/V/llama-3.1-405b.json --tokens 700 --tune --tune-candidates 5 \
  --tuning-file $L/tuned-405b.json --tune-log $L/tune-405b.jsonl > $L/tune-405b.log 2>&1
echo rc=$? >> $L/tune-405b.log; mark 405b
device_session_end
grep -h -e '->' -e 'M=700' $L/tune-fit.log $L/tune-405b.log; tail -1 $L/tune-fit.log $L/tune-405b.log
cat $L/clocks.txt
tar czf $OUT/call3s29.tgz -C $L .
