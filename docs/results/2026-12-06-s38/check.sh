#!/usr/bin/env bash
# Session 38, call 3: the GPU tier over the build with shared kernels (token
# ranges planned alike share one kernel, one module per range) and no carry
# above 1024 tokens: the GPU tests and mlpjit-run on the fixtures
# (scripts/gpu-suite.sh check); mlpjit-run on llama-3-8b at token counts
# whose ranges share a kernel above 1024; the cold start of a 4-layer
# llama-3-8b stack (mlpjit-stack-bench, no kernel cache, no driver cache):
# session 30 measured 4.73 s compile + 0.031 s load for 84 kernels.
# Predicted: all pass; compile ~2.5 s (about 43 NVRTC runs on 16 cores).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" check
warm_up
MLPJIT_BIN=.device/bin OUT=$L/check timeout 300 scripts/gpu-suite.sh check > $L/check.log 2>&1
echo rc=$? >> $L/check.log; mark check
timeout 120 .device/bin/mlpjit-run tests/fixtures/models/llama-3-8b.json --tokens 1100,1500,2600,3100,6000 \
  > $L/run-shared.log 2>&1; echo rc=$? >> $L/run-shared.log; mark run-shared
for i in 1 2; do
  CUDA_CACHE_DISABLE=1 MLPJIT_CACHE=0 timeout 120 .device/bin/mlpjit-stack-bench examples/specs/llama3-8b.mlp 4 16 \
    > $L/stack-$i.log 2>&1; echo rc=$? >> $L/stack-$i.log
done
mark stack
device_session_end
grep -E "^==|PASSED|FAILED|rc=|error|cache_hits" $L/check.log | head -40
grep -E "PASS|FAIL|error|rc=" $L/run-shared.log | head -20
cat $L/stack-*.log | tail -30
cat $L/clocks.txt
tar czf $OUT/check.tgz -C $L .
