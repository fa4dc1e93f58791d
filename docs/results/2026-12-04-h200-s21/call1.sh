#!/usr/bin/env bash
# Prepared in session 21, when no device was lent: not run yet. The first
# GPU call for the block kernel (templates/mlpjit/sm90/mlp_block.cuh), in the
# order that stops early on a wrong kernel:
# (a) correctness: the GPU runtime tests (GpuMlpTest.BlockKernel*, the
#     block-kernel rounds of GpuSharedKernelsTest) and the C API tests;
# (b) compute-sanitizer memcheck, racecheck and synccheck on the block
#     kernels of tests/gpu/sanitize.mlp (every pairing the planner emits at
#     M <= 32: paired and exchange-tile gate/up, fp16 + bias, split-K down);
# (c) the Python GPU tests of the block kernel and of python -m mlpjit.bench
#     (session 20's, unrun); call2.sh times it.
# Needs .device/ (scripts: the session-20 README's list) rebuilt from this
# commit: bin/mlpjit-runtime-tests, mlpjit-api-tests, mlpjit-run, mlpjit-bench.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s21
# The block kernel's GPU tests first, each suite with its own timeout: two
# cooperative grids on two streams (OneLayerOnTwoStreamsAtOnce) must not
# deadlock, and a hang there should not cost the other results.
timeout 90 .device/bin/mlpjit-runtime-tests --gtest_brief=1 \
  --gtest_filter='GpuMlpTest.*' > $L/gpu-mlp-tests.log 2>&1
echo "rc=$?" >> $L/gpu-mlp-tests.log
timeout 90 .device/bin/mlpjit-runtime-tests --gtest_brief=1 \
  --gtest_filter='GpuSharedKernelsTest.*' > $L/gpu-shared-tests.log 2>&1
echo "rc=$?" >> $L/gpu-shared-tests.log
timeout 120 .device/bin/mlpjit-runtime-tests --gtest_brief=1 \
  --gtest_filter='-GpuMlpTest.*:GpuSharedKernelsTest.*' > $L/runtime-tests.log 2>&1
echo "rc=$?" >> $L/runtime-tests.log
timeout 60 .device/bin/mlpjit-api-tests --gtest_brief=1 > $L/api-tests.log 2>&1
echo "rc=$?" >> $L/api-tests.log
mark after-tests
if grep -q "rc=0" $L/gpu-mlp-tests.log; then
  for tool in memcheck racecheck synccheck; do
    ref=""; [ $tool = racecheck ] && ref=--cpu-reference-only
    MLPJIT_BLOCK_KERNEL=1 timeout 120 compute-sanitizer --tool $tool \
      --error-exitcode 99 --print-limit 20 --kernel-name kns=_block_m \
      .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 1,7,16,24,32 \
      --reps 0 $ref > $L/sanitize-$tool.log 2>&1
    echo "rc=$?" >> $L/sanitize-$tool.log
  done
  mark after-sanitize
  # The block kernel through the PyTorch op (caching-allocator workspaces,
  # graph replays), and session 20's unrun test of python -m mlpjit.bench.
  MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python timeout 150 \
    python3 -m pytest python/tests/test_gpu.py -rs -p no:cacheprovider \
    -k "block_kernel or takes_configs" > $L/python-gpu.log 2>&1
  echo "rc=$?" >> $L/python-gpu.log
fi
device_session_end
tail -3 $L/gpu-mlp-tests.log $L/gpu-shared-tests.log $L/runtime-tests.log $L/api-tests.log
grep -h "ERROR SUMMARY\|rc=" $L/sanitize-*.log 2>/dev/null
grep -E "passed|failed|error|rc=" $L/python-gpu.log 2>/dev/null | tail -4
cat $L/clocks.txt
tar czf $OUT/logs1s21.tgz -C $L . && rm -rf $L
