#!/usr/bin/env bash
# Device call 2 (session 29): wide swapAB tiles of 176 tokens (4 x 176 = 704,
# 3 stages; the template held at most 160 before this build) on both GEMMs of
# every config in the 641-704 range, forced through wide-force.json
# (make_wide_force.py), against the heuristic's plans (128-row, 64-row
# ping-pong) in the whole forward: --validate, 3 interleaved rounds, every
# plan checked against cuBLASLt and float64 first.
# Prediction: 2-5% faster at 700 where the heuristic pads to 768 rows with
# 128-row tiles (llama-3.1-405b among them: 0.95 against torch.compile),
# within 2% where it runs 64-row ping-pong (704 rows); at 660 5-8% faster.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call2s29
B=.device/bin/mlpjit-bench
F=docs/results/2026-12-05-s29/wide-force.json
warm_up
mkdir -p $L/fit $L/vs $L/vl
cp $(ls .device/fit/*.json) .device/tp8/*.json $L/fit/
for c in gemma-2-2b llama-2-7b llama-3.2-1b qwen2.5-0.5b gemma-2-9b mistral-nemo-12b phi-3-medium-4k; do
  cp .device/V/$c.json $L/vs/; done
for c in gemma-2-27b qwen2.5-32b llama-3.1-405b; do cp .device/V/$c.json $L/vl/; done
run() { # name tokens timeout
  timeout $3 $B --validate $L/$1 --tokens $2 --tuning-file $F --validate-rounds 3 \
    > $L/val-$1.log 2> $L/val-$1.err
  echo rc=$? >> $L/val-$1.log; mark $1
}
run vs 660,700 140
run fit 660,700 170
run vl 700 200
device_session_end
for s in vs fit vl; do sed -n '/validation sweep/,$p' $L/val-$s.log; tail -2 $L/val-$s.err; done
cat $L/clocks.txt
tar czf $OUT/call2s29.tgz -C $L .
