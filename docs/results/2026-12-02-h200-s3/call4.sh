#!/usr/bin/env bash
# Device call 4 (the last minutes): the runtime and API GPU tests with the
# TMA-store kernels, then the tuner on the four training shapes at
# M = 100, 200, 300 (6 candidates; data for the next refit, not used yet).
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc
L=/tmp/logs; mkdir -p $L
for t in mlpjit-runtime-tests mlpjit-api-tests; do
  timeout 40 .device/bin/$t --gtest_brief=1 > $L/$t.log 2>&1; echo "rc=$?" >> $L/$t.log
done
MLPJIT_TUNING_FILE= MLPJIT_PDL=0 timeout 80 .device/bin/mlpjit-bench --tune --tune-candidates 6 --tune-log $L/calib4.jsonl \
  --tuning-file /tmp/tuning.json --tokens 100,200,300 --reps 10 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
tar czf $OUT/call4-logs.tgz -C $L .
for t in mlpjit-runtime-tests mlpjit-api-tests; do tail -4 $L/$t.log; done
wc -l $L/calib4.jsonl; grep -E "heuristic" $L/tune.log | head -30
