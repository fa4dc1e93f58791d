#!/usr/bin/env bash
# Device call 2 (session 10): why 2x1 clusters win in the harness and lose
# in the tuner. Call 1: llama-3-8b down at M = 256, 128x128 split 2 in
# clusters 53.9 us vs 58.5 alone in the harness (median of 50 right after
# warm-up, ~1.9-2.0 GHz), but 75.4 vs 58.1 in the tuner (CUDA-graph replays
# after 400 ms at the steady clock). Same plans through the runtime, whole
# forward, heuristic vs forced (next/cluster-ab.json: down M = 256 in
# clusters; gate-up M = 4096 without the heuristic's cluster), at
# --settle-ms 0 and 400; then the harness pair again, twice.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
T0=$(date +%s)
N=docs/results/2026-12-03-h200-s10/next
L=/tmp/logs2s10; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 200 > $L/smi.csv 2>&1 &
SMI=$!
for settle in 0 400; do
  MLPJIT_CACHE_DIR=/tmp/mc timeout 100 .device/bin/mlpjit-bench --validate $N/llama8 --tuning-file $N/cluster-ab.json \
    --tokens 256,4096 --validate-rounds 3 --settle-ms $settle > $L/ab-settle$settle.log 2> $L/ab-settle$settle.err
  echo "rc=$?" >> $L/ab-settle$settle.log
  echo "after-ab-$settle $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
done
for i in 1 2; do
  for c in c38_ c98_ c99_ c97_; do
    HARNESS_TIME_M=256 timeout 30 .device/harness --time $c >> $L/harness-time.log 2>&1
  done
done
echo "end $(q)" >> $L/clocks.txt
kill $SMI; gzip $L/smi.csv
tar czf $OUT/call2-logs.tgz -C $L .
for settle in 0 400; do echo "settle $settle"; sed -n '/validation sweep/,$p' $L/ab-settle$settle.log; tail -2 $L/ab-settle$settle.err; done
grep "^time" $L/harness-time.log | sed -E 's/_bf16_Identity//; s/_n4096_k14336//' | cut -c1-100
cat $L/clocks.txt
