#!/usr/bin/env bash
# Session 38, call 3: the GPU tier over the build with shared kernels (token
# ranges planned alike share one kernel, one module per range) and no carry
# above 1024 tokens: the GPU tests and mlpjit-run on the fixtures
# (scripts/gpu-suite.sh check); mlpjit-run on llama-3-8b at token counts
# whose ranges share a kernel above 1024; the cold start of a 4-layer
# llama-3-8b stack (mlpjit-stack-bench, no kernel cache, no driver cache):
# session 30 measured 4.73 s compile + 0.031 s load for 84 kernels.
# Then gpt2 at 350-448 tokens, where session 38's call 1 had the forward
# 0.91-0.93x cuBLASLt (down 64x96 whole K in 48-56 CTAs; 64x64 split 2 runs
# two waves there): the tuner (16 candidates a GEMM), then heuristic vs
# tuned in the forward.
# Predicted: all pass; compile ~2.5 s (about 43 NVRTC runs on 16 cores);
# gpt2's down GEMM fastest split 2 in one wave (64x96 or 128x96), 5-10%.
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
tune_config .device/fit/gpt2.json 352,400,448 120 tune 16
AB_TIMEOUT=60 ab_validate .device/fit/gpt2.json 350,400,448 $L/tuned-gpt2.json
device_session_end
grep -E "^==|PASSED|FAILED|rc=|error|cache_hits" $L/check.log | head -40
grep -E "PASS|FAIL|error|rc=" $L/run-shared.log | head -20
cat $L/stack-*.log | tail -30
grep -E "^\[|best|tuned" $L/tune-gpt2.log | tail -12
sed -n '/^validation sweep/,$p' $L/ab-gpt2.log
cat $L/clocks.txt
tar czf $OUT/check.tgz -C $L .
