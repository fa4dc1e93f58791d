#!/usr/bin/env bash
# Prepared in session 32, not run: the tuner with --tune-timing both (each
# GEMM's candidates timed interleaved, then each alone after its own settle)
# at the points where the interleaved tuner and the forward disagree or the
# model misprices long kernels: llama-3.1-405b and gemma-2-27b at 330-380
# (swapAB tiles that pad fewer rows), llama-3-70b at 330 (0.93 against
# cuBLASLt), llama-3-8b and gemma-7b at 320 (ping-pong against its twin: 9%
# faster per GEMM in the interleaved tuner, 2% slower in the forward on llama-3-8b).
# Compare with `scripts/tune_log_table.py --timing $L/timing-*.jsonl`.
# Then the tuned plans (interleaved picks, one tuning file for all) against
# the heuristic in the forward at 320-340 (llama-3.1-405b left out: 50 s a
# point), --validate, 3 rounds. About 540 s in all: run alone in a call.
# Predicted: alone / interleaved below 1 for the plans that pad fewer rows or
# move fewer bytes (they hold a higher clock by themselves); picks that
# differ between the two timings at some of these points.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" timing-both
warm_up
tune() { # config tokens timeout
  local name=$(basename $1 .json)
  timeout $3 .device/bin/mlpjit-bench $1 --tokens $2 --tune --tune-candidates 6 --tune-timing both \
    --tuning-file $L/tuned.json --tune-log $L/timing-$name.jsonl > $L/tune-$name.log 2>&1
  echo rc=$? >> $L/tune-$name.log; mark tune-$name
}
tune .device/V/llama-3.1-405b.json 330,380 170
tune .device/V/gemma-2-27b.json 340 50
tune .device/fit/llama-3-70b.json 330 60
tune .device/fit/llama-3-8b.json 320 35
tune .device/fit/gemma-7b.json 320 35
mkdir -p $L/cfg && cp .device/V/gemma-2-27b.json .device/fit/llama-3-70b.json \
  .device/fit/llama-3-8b.json .device/fit/gemma-7b.json $L/cfg/
timeout 170 .device/bin/mlpjit-bench --validate $L/cfg --tokens 320,330,340 --tuning-file $L/tuned.json \
  --validate-rounds 3 > $L/ab.log 2>&1; echo rc=$? >> $L/ab.log
device_session_end
grep -h -e '->' -e 'alone:' -e 'rc=' $L/tune-*.log | sed 's/ (6 candidates)//'
python3 scripts/tune_log_table.py --timing $L/timing-*.jsonl
sed -n "/^validation sweep/,\$p" $L/ab.log
cat $L/clocks.txt
tar czf $OUT/timing-both.tgz -C $L .
