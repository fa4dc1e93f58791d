#!/usr/bin/env bash
# Device call 4 (session 10; call 3 was the final sweep, s9/call3.sh):
# deeper stage rings for the few-token (swapAB) plans. At M <= 16 the GEMMs
# stream weights with few CTAs (tp8 gate-up: 56), whose bytes in flight
# (CTAs x stages x 18 KiB) cap the HBM rate (Little's law); the template
# now takes up to 12 stages (kMaxStages), the planner still stops at 8.
# 1. Checks: the harness (c111-c116 new), compute-sanitizer memcheck /
#    racecheck / synccheck with 12-stage plans forced
#    (sanitize-deep-ring-tuning.json) at M = 1 and 7.
# 2. Harness timing: the tp8 shard's gate-up and down, 12 vs 8 stages, M = 1, 16.
# 3. Whole forward, heuristic (8 stages) vs the same plans with 12
#    (next/stages12.json), M = 1 and 16, 5 rounds at the steady clock:
#    the tp8 shard, llama-3-8b, qwen2.5-7b, gemma-7b.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
T0=$(date +%s)
N=docs/results/2026-12-03-h200-s10/next
L=/tmp/logs4s10; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 200 > $L/smi.csv 2>&1 &
SMI=$!
timeout 100 .device/harness > $L/harness-check.log 2>&1; echo "harness rc=$?" >> $L/harness-check.log
for tool in memcheck racecheck synccheck; do
  ref=""; [ $tool = racecheck ] && ref=--cpu-reference-only
  MLPJIT_TUNING_FILE=tests/gpu/sanitize-deep-ring-tuning.json MLPJIT_CACHE_DIR=/tmp/mc-s timeout 50 \
    compute-sanitizer --tool $tool --error-exitcode 99 --print-limit 20 --kernel-name kns=_m \
    .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 1,7 --reps 0 $ref > $L/sanitize-$tool.log 2>&1
  echo "rc=$?" >> $L/sanitize-$tool.log
done
echo "after-checks $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
for i in 1 2; do
  for c in c111_ c112_ c113_ c114_; do
    HARNESS_TIME_M=1,16 timeout 30 .device/harness --time $c >> $L/harness-time.log 2>&1
  done
done
echo "after-harness-time $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
tar czf $OUT/call4-logs.tgz -C $L .
for dir in docs/results/2026-12-03-h200-s8/next/tp8-shard $N/defaults; do
  name=$(basename $dir)
  MLPJIT_CACHE_DIR=/tmp/mc timeout 200 .device/bin/mlpjit-bench --validate $dir --tuning-file $N/stages12.json \
    --tokens 1,16 --validate-rounds 5 > $L/ab-$name.log 2> $L/ab-$name.err
  echo "rc=$?" >> $L/ab-$name.log
  echo "after-ab-$name $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
done
echo "end $(q)" >> $L/clocks.txt
kill $SMI; gzip $L/smi.csv
tar czf $OUT/call4-logs.tgz -C $L .
tail -1 $L/harness-check.log; grep -E "^FAIL" $L/harness-check.log | head -5; grep -E "c11[1-6]_" $L/harness-check.log | grep -c "^ok"
grep -hE "ERROR SUMMARY|RACECHECK SUMMARY|rc=" $L/sanitize-*.log
grep "^time" $L/harness-time.log | sed -E 's/_bf16_(SwiGLU|Identity)//' | cut -c1-110
for f in $L/ab-*.log; do echo "$f"; sed -n '/validation sweep/,$p' $f; done
cat $L/clocks.txt
