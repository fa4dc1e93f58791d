#!/usr/bin/env bash
# Device call 1 (session 10): split-K in 2x1 clusters (each cluster's two
# token tiles share the multicast weight slice; every CTA reduces its own
# tile's partials; a padding CTA only shares the loads).
# 1. Checks: the template harness (every sm90 configuration, new ones
#    c94-c102 included), compute-sanitizer memcheck / racecheck / synccheck
#    with the cluster split-K plans forced (sanitize-cluster-split-tuning.json)
#    at M = 129 and 300 (a padding CTA).
# 2. The harness's timed down GEMMs (llama-3-8b 4096 x 14336) at M = 200, 256,
#    300: cluster split-K (c97, c98) beside the same tiles alone (c99, c100),
#    64x128 unsplit (c101) and ping-pong (c102), in one process.
# 3. The settled tuner at M = 256 with 16 candidates a GEMM (the cluster
#    split-K plans are tuner candidates now): calib12.jsonl.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
T0=$(date +%s)
L=/tmp/logs1s10; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 200 > $L/smi.csv 2>&1 &
SMI=$!
timeout 100 .device/harness > $L/harness-check.log 2>&1; echo "harness rc=$?" >> $L/harness-check.log
echo "after-harness $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
for tool in memcheck racecheck synccheck; do
  ref=""; [ $tool = racecheck ] && ref=--cpu-reference-only
  MLPJIT_TUNING_FILE=tests/gpu/sanitize-cluster-split-tuning.json MLPJIT_CACHE_DIR=/tmp/mc-s timeout 50 \
    compute-sanitizer --tool $tool --error-exitcode 99 --print-limit 20 --kernel-name kns=_m \
    .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 129,300 --reps 0 $ref > $L/sanitize-$tool.log 2>&1
  echo "rc=$?" >> $L/sanitize-$tool.log
done
echo "after-sanitize $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
HARNESS_TIME_M=200,256,300 timeout 90 .device/harness --time _k14336 > $L/harness-time.log 2>&1; echo "rc=$?" >> $L/harness-time.log
echo "after-harness-time $(q) t=$(( $(date +%s) - T0 ))" >> $L/clocks.txt
tar czf $OUT/call1-logs.tgz -C $L .
LEFT=$(( 560 - ($(date +%s) - T0) ))
MLPJIT_CACHE_DIR=/tmp/mc timeout $LEFT .device/bin/mlpjit-bench --tune --tune-candidates 16 \
  --tune-log $L/calib12.jsonl --tuning-file $L/tune12.json --tokens 256 > $L/tune.log 2> $L/tune.err
echo "tune rc=$? left=$LEFT" >> $L/tune.log
echo "end $(q)" >> $L/clocks.txt
kill $SMI; gzip $L/smi.csv
tar czf $OUT/call1-logs.tgz -C $L .
tail -1 $L/harness-check.log; grep -E "^FAIL" $L/harness-check.log | head -5; grep -E "c9[4-9]_|c10[0-2]_" $L/harness-check.log | grep -c "^ok"
grep -hE "ERROR SUMMARY|RACECHECK SUMMARY|rc=" $L/sanitize-*.log
grep -E "m=  2[05][06]|m=  300" $L/harness-time.log | sed -E 's/_bf16_Identity//; s/_n4096_k14336//' | cut -c1-120
grep -E "\] (gate_up|down)" $L/tune.log | cut -c1-150; wc -l $L/calib12.jsonl; tail -2 $L/tune.log
cat $L/clocks.txt
