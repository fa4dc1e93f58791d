#!/usr/bin/env bash
# Device call 1 (session 20): (a) the GPU runtime and C API tests and the
# Python GPU tier (python/tests/test_gpu.py, with session 19's unrun
# shared-layer test; the benchmark-agreement test left out for time);
# (b) tuner rows at 129-256 tokens on the fit shapes (../shared/models,
# gpt2 and phi-3-mini the small ones) with the kernel that stores the plain
# GEMM's narrow swapAB tiles with TMA (session 19's rows there timed the
# register-store kernel), 8 candidates per GEMM plus the tuner-only ones:
# the input of the midSwapEfficiency refit.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s20
timeout 90 .device/bin/mlpjit-runtime-tests --gtest_brief=1 > $L/runtime-tests.log 2>&1
echo "rc=$?" >> $L/runtime-tests.log
timeout 60 .device/bin/mlpjit-api-tests --gtest_brief=1 > $L/api-tests.log 2>&1
echo "rc=$?" >> $L/api-tests.log
MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python timeout 200 \
  python3 -m pytest python/tests/test_gpu.py -rs -p no:cacheprovider -k "not python_bench" \
  > $L/python-gpu.log 2>&1
echo "rc=$?" >> $L/python-gpu.log
mark after-tests
warm_up
timeout ${TUNE_TIMEOUT:-340} .device/bin/mlpjit-bench \
  .device/fit/phi-3-mini-4k.json .device/fit/gpt2.json .device/fit/llama-3-8b.json \
  .device/fit/qwen2.5-7b.json .device/fit/mistral-7b-v0.1.json .device/fit/gemma-7b.json \
  --tokens 144,176,224 --tune --tune-candidates 8 --tune-log $L/tune20.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
tail -3 $L/runtime-tests.log $L/api-tests.log
grep -E "passed|failed|error|rc=" $L/python-gpu.log | tail -5
tail -24 $L/tune.log
wc -l $L/tune20.jsonl
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune20.jsonl $OUT/ 2>/dev/null
tar czf $OUT/logs1s20.tgz -C $L . && rm -rf $L
