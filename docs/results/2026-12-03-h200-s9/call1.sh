#!/usr/bin/env bash
# Device call 1 (session 9), the plan session 8 left in s8/next/call.sh:
# 1. The Python benchmark's GPU test (settle loop added in s8, not yet run).
# 2. A/B of the gated split-K margin at the steady clock: llama-3-70b tp8
#    shard at M = 200/256, heuristic (128x128 unsplit gate-up) vs the v10 plan
#    forced by tp8-m256-split2.json (128x224 split 2), interleaved, 5 rounds.
# 3. The tuner at the steady clock (settle 400 ms per candidate) on the
#    default shapes at M = 256/300/700: data to refit the cost model on.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
T0=$(date +%s)
N=docs/results/2026-12-03-h200-s8/next
L=/tmp/logs1s9; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 200 > $L/smi.csv 2>&1 &
SMI=$!
PYTHONPATH=$PWD/python MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so MLPJIT_BENCH=$PWD/.device/bin/mlpjit-bench MLPJIT_CACHE_DIR=/tmp/mc \
  timeout 130 python3 -m pytest python/tests/test_gpu.py -v -rs -p no:cacheprovider -k "python_bench" > $L/python-tests.log 2>&1
echo "rc=$?" >> $L/python-tests.log
echo "after-python $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc timeout 100 .device/bin/mlpjit-bench --validate $N/tp8-shard --tuning-file $N/tp8-m256-split2.json \
  --tokens 200,256 --validate-rounds 5 > $L/margin-ab.log 2> $L/margin-ab.err
echo "margin-ab rc=$?" >> $L/margin-ab.log
echo "after-ab $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
tar czf $OUT/call1-logs.tgz -C $L .
LEFT=$(( 560 - ($(date +%s) - T0) ))
MLPJIT_CACHE_DIR=/tmp/mc timeout $LEFT .device/bin/mlpjit-bench --tune --tune-candidates 8 \
  --tune-log $L/calib10.jsonl --tuning-file $L/tune10.json --tokens 256,300,700 > $L/tune.log 2> $L/tune.err
echo "tune rc=$? left=$LEFT" >> $L/tune.log
echo "end $(q)" >> $L/clocks.txt
kill $SMI; gzip $L/smi.csv
tar czf $OUT/call1-logs.tgz -C $L .
grep -E "PASSED|FAILED|SKIPPED|rc=" $L/python-tests.log | tail -3
sed -n '/validation sweep/,$p' $L/margin-ab.log
grep -E "\] (gate_up|down)" $L/tune.log | cut -c1-150; wc -l $L/calib10.jsonl; tail -2 $L/tune.log
cat $L/clocks.txt
