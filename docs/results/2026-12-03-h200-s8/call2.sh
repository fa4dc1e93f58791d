#!/usr/bin/env bash
# Device call 2 (session 8): mlpjit-bench with --settle-ms (default 400: each
# timed variant replayed that long first, so it is timed at the steady,
# power-capped clock). Checks: does a 10-replay median now match a 200-replay
# one (call 1 without settling: 474.6 vs 539.9 us at llama-3-8b M = 1024)?
# Then the tuner at steady state on M = 1024/4096 (calib9: do clusters and
# ping-pong rank differently at the capped clock?), --validate at M = 300/700
# (the points where the heuristic missed the tuned plans by 8-19% in call 1),
# and the GPU runtime/API test tiers.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
L=/tmp/logs2s8; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 100 > $L/smi.csv 2>&1 &
SMI=$!
for reps in 10 200 10; do
  MLPJIT_CACHE_DIR=/tmp/mc timeout 60 .device/bin/mlpjit-bench --shapes llama-3-8b --tokens 1024,4096 --reps $reps >> $L/reps.log 2>> $L/reps.err
  echo "reps $reps rc=$? $(date +%T.%N)" >> $L/reps.log
done
echo "after-reps $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
MLPJIT_CACHE_DIR=/tmp/mc timeout 150 .device/bin/mlpjit-bench --tune --tune-candidates 10 --shapes llama-3-8b,qwen2.5-7b,gemma-7b \
  --tune-log $L/calib9.jsonl --tuning-file $L/tune9.json --tokens 1024,4096 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "after-tune $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
MLPJIT_CACHE_DIR=/tmp/mc timeout 90 .device/bin/mlpjit-bench --validate .device/val5 --tuning-file .device/val-tuning8.json \
  --tokens 300,700 > $L/validate.log 2> $L/validate.err
echo "validate rc=$?" >> $L/validate.log
echo "after-validate $(q)" >> $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc-t timeout 70 .device/bin/mlpjit-runtime-tests --gtest_filter='Gpu*' > $L/gpu-runtime-tests.log 2>&1; echo "rc=$?" >> $L/gpu-runtime-tests.log
MLPJIT_CACHE_DIR=/tmp/mc-t timeout 40 .device/bin/mlpjit-api-tests > $L/gpu-api-tests.log 2>&1; echo "rc=$?" >> $L/gpu-api-tests.log
echo "end $(q)" >> $L/clocks.txt
kill $SMI
gzip $L/smi.csv
tar czf $OUT/call2-logs.tgz -C $L .
grep -E "^(llama|NVIDIA)|reps" $L/reps.log
grep -E "\] (gate_up|down)" $L/tune.log | cut -c1-150; tail -n 8 $L/tune.log
sed -n '/validation sweep/,$p' $L/validate.log; tail -2 $L/validate.err
grep -hE "PASSED|FAILED|rc=" $L/gpu-*.log
cat $L/clocks.txt
