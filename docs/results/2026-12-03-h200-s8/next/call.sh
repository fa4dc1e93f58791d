#!/usr/bin/env bash
# Ready for the next session's first device call (not run in session 8):
# 1. A/B of the gated split-K margin at the steady clock: the llama-3-70b tp8
#    shard at M = 200/256, the heuristic (128x128 unsplit gate-up) against the
#    v10 plan forced by tp8-m256-split2.json (128x224 split 2), interleaved
#    (--validate, 5 rounds, medians).
# 2. The tuner at the steady clock on M = 256-700, where the heuristic is
#    furthest from the floor and from tuned plans (rows carry settle_ms): the
#    data to refit the cost model on (scripts/fit_cost_model.py).
# Carry .device (bin/ rebuilt from this commit).
set -u
cd "$(dirname "$0")/../../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
N=docs/results/2026-12-03-h200-s8/next
L=/tmp/logs-next; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 200 > $L/smi.csv 2>&1 &
SMI=$!
MLPJIT_CACHE_DIR=/tmp/mc timeout 120 .device/bin/mlpjit-bench --validate $N/tp8-shard --tuning-file $N/tp8-m256-split2.json \
  --tokens 200,256 --validate-rounds 5 > $L/margin-ab.log 2> $L/margin-ab.err
echo "margin-ab rc=$?" >> $L/margin-ab.log
MLPJIT_CACHE_DIR=/tmp/mc timeout 360 .device/bin/mlpjit-bench --tune --tune-candidates 10 \
  --tune-log $L/calib10.jsonl --tuning-file $L/tune10.json --tokens 256,300,512,700 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "end $(q)" >> $L/clocks.txt
kill $SMI; gzip $L/smi.csv
tar czf $OUT/next-logs.tgz -C $L .
sed -n '/validation sweep/,$p' $L/margin-ab.log
grep -E "\] (gate_up|down)" $L/tune.log | cut -c1-150; wc -l $L/calib10.jsonl
cat $L/clocks.txt
