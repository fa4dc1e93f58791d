#!/usr/bin/env bash
# Device call 1 (session 8): the tuner with gate/up blocks of 16 rows (every
# gated tile width 64-256 a candidate, 192/224 included) on the default shapes
# at M = 128-1024 (calib8.jsonl, fitted on), then the validation configs tuned
# and swept at non-round token counts (val-calib8.jsonl, held out; heuristic v10
# vs tuned vs cuBLASLt). First, on a cool GPU: does the whole forward at
# M = 1024 slow down with the length of the timed loop (power throttling)?
# Session 6's tuner timed llama-3-8b's two GEMMs alone at 298.6 + 144.1 us,
# the forward with the same plans at 512.6 (+16%); at M = 256 and 4096 the
# sum matched within 1-8%. An nvidia-smi sampler runs through the call.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
L=/tmp/logs1s8; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
nvidia-smi --help-query-gpu | grep -iE "reasons.active|event_reasons" > $L/smi-fields.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 100 > $L/smi.csv 2>&1 &
SMI=$!
for reps in 10 400 10 100; do
  MLPJIT_CACHE_DIR=/tmp/mc timeout 60 .device/bin/mlpjit-bench --shapes llama-3-8b --tokens 1024,4096 --reps $reps >> $L/reps.log 2>> $L/reps.err
  echo "reps $reps rc=$? $(date +%T.%N)" >> $L/reps.log
done
echo "after-reps $(q)" >> $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc timeout 190 .device/bin/mlpjit-bench --tune --tune-candidates 12 \
  --tune-log $L/calib8.jsonl --tuning-file $L/tune8.json --tokens 128,256,512,1024 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "after-tune $(q)" >> $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc timeout 250 .device/bin/mlpjit-bench --validate .device/val5 --tune --tune-candidates 6 \
  --tune-log $L/val-calib8.jsonl --tuning-file $L/val-tuning8.json --tokens 5,48,100,300,700,2500 \
  > $L/validate.log 2> $L/validate.err
echo "validate rc=$?" >> $L/validate.log
echo "end $(q)" >> $L/clocks.txt
kill $SMI
tar czf $OUT/call1-logs.tgz -C $L .
tail -n 22 $L/tune.log; wc -l $L/calib8.jsonl $L/val-calib8.jsonl
sed -n '/validation sweep/,$p' $L/validate.log | tail -45; tail -3 $L/validate.err
grep -E "^(llama|NVIDIA)|reps" $L/reps.log
cat $L/clocks.txt
