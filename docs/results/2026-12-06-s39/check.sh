#!/usr/bin/env bash
# Session 39: the GPU tier over the build where the runtime loads each kernel
# name once (token ranges planned alike share one module; buckets launch
# with their range's descriptor): the GPU tests (GpuSharedKernelsTest.
# RangesOfOneKernelShareItsModule among them) and mlpjit-run on the fixtures
# (scripts/gpu-suite.sh check); mlpjit-run on llama-3-8b at token counts
# whose ranges share a kernel; the cold start of a 4-layer llama-3-8b stack
# (mlpjit-stack-bench, no caches): session 38 measured 2.2-2.9 s compile +
# 0.04 s load for 112 ranges (36 kernels).
# Predicted: all pass; load time 0.04 -> ~0.015 s (36 modules, not 112).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" check
warm_up
MLPJIT_BIN=.device/bin OUT=$L/check timeout 300 scripts/gpu-suite.sh check > $L/check.log 2>&1
echo rc=$? >> $L/check.log; mark check
timeout 120 .device/bin/mlpjit-run tests/fixtures/models/llama-3-8b.json --tokens 200,300,1100,1500,2600,3100,6000 \
  > $L/run-shared.log 2>&1; echo rc=$? >> $L/run-shared.log; mark run-shared
CUDA_CACHE_DISABLE=1 MLPJIT_CACHE=0 timeout 120 .device/bin/mlpjit-stack-bench examples/specs/llama3-8b.mlp 4 16 \
  > $L/stack.log 2>&1; echo rc=$? >> $L/stack.log
mark stack
device_session_end
grep -E "^==|PASSED|FAILED|rc=|error|cache_hits" $L/check.log | head -40
grep -E "PASS|FAIL|error|rc=" $L/run-shared.log | head -20
tail -15 $L/stack.log
cat $L/clocks.txt
tar czf $OUT/check.tgz -C $L .
