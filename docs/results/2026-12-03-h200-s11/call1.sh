#!/usr/bin/env bash
# Device call 1 (session 11).
# 1. Checks of the split-K slot change (every split-K unit keys its partials
#    by its own tile): the template harness (every sm90 configuration) and
#    compute-sanitizer memcheck with split-K / stream-K / cluster split-K
#    plans forced.
# 2. What cuBLAS runs for the peers' GEMMs at M = 16 and 256 (kernel names:
#    tile, cluster, split scheme) and its settled per-GEMM time.
# 3. The validation sweep at the steady clock with the committed plans
#    (last run in session 8, unsettled): five validation configs
#    (.device/val5), heuristic vs session 8's tuned plans
#    (.device/val-tuning8.json) vs the best cuBLASLt baseline, 2 rounds.
# 4. With the time left: the settled tuner at M = 1 and 16 on tensor-parallel shards (small
#    gated GEMMs, where the two-token-tile rule applies), now on the
#    programs users get (the spec's own token range), then heuristic vs
#    tuned whole forward, 2 interleaved rounds: shards of ../shared/models
#    (fit) first, then shards of the validation configs (check).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s11
R=docs/results/2026-12-03-h200-s11

timeout 60 .device/harness > $L/harness-check.log 2>&1
echo "harness rc=$?" >> $L/harness-check.log
mark after-harness
for t in sanitize-tuning sanitize-cluster-split-tuning; do
  MLPJIT_TUNING_FILE=tests/gpu/$t.json MLPJIT_CACHE_DIR=/tmp/mc-s timeout 45 \
    compute-sanitizer --tool memcheck --error-exitcode 99 --print-limit 20 \
    --kernel-name kns=_m .device/bin/mlpjit-run tests/gpu/sanitize.mlp \
    --tokens 129,300 --reps 0 > $L/memcheck-$t.log 2>&1
  echo "rc=$?" >> $L/memcheck-$t.log
done
mark after-sanitize
PYTHONUNBUFFERED=1 timeout 120 python3 $R/cublas_kernels.py --tokens 16,256 \
  --json $L/cublas.json > $L/cublas.log 2>&1
echo "rc=$?" >> $L/cublas.log
mark after-cublas
timeout 240 .device/bin/mlpjit-bench --validate .device/val5 --tuning-file .device/val-tuning8.json \
  --tokens 5,48,100,300,700,2500 --validate-rounds 2 --json $L/validate.json \
  > $L/validate.log 2> $L/validate.err
echo "validate rc=$?" >> $L/validate.log
mark after-validate
for set in fit check; do
  LEFT=$((575 - ($(date +%s) - T0)))
  [ $LEFT -gt 30 ] || break
  timeout $LEFT .device/bin/mlpjit-bench --validate $R/shards-$set --tune \
    --tune-candidates 6 --tune-log $L/calib14-$set.jsonl \
    --tuning-file $L/tune14-$set.json --tokens 1,16 --validate-rounds 2 \
    > $L/shards-$set.log 2> $L/shards-$set.err
  echo "rc=$? left=$LEFT" >> $L/shards-$set.log
  mark after-$set
done
device_session_end

tail -2 $L/harness-check.log; grep -E "^FAIL" $L/harness-check.log | head -5
grep -hE "ERROR SUMMARY|rc=" $L/memcheck-*.log
cut -c1-230 $L/cublas.log
sed -n '/validation sweep/,$p' $L/validate.log; tail -2 $L/validate.err
for set in fit check; do
  grep -E "\] (gate_up|down)" $L/shards-$set.log | cut -c1-150
  sed -n '/validation sweep/,$p' $L/shards-$set.log | tail -20
done
cat $L/clocks.txt
