#!/usr/bin/env bash
# Device call 4: issue 12 (shared kernels, caller workspaces, two streams, C API, AOT artifact from a plain C program,
# 32-layer stack), issue 13 (the Python package and torch op), compute-sanitizer on stream-K and 2x1-cluster kernels.
set -u
cd "$(dirname "$0")/.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc LD_LIBRARY_PATH=/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
B=.device/bin P=.device/prefix
s() { echo "== $*"; }
{ s runtime; timeout 100 $B/mlpjit-runtime-tests --gtest_brief=1 --gtest_filter='GpuSharedKernelsTest.*:GpuMlpTest.*:GpuTensorParallel*:MlpMisuseTest.*'; echo rc=$?
  s api; timeout 40 $B/mlpjit-api-tests --gtest_brief=1; echo rc=$?
  s capi; timeout 40 $B/mlpjit-capi-tests --gtest_brief=1; echo rc=$?
  s embed; nm -D --defined-only $P/lib/libmlpjit.so | grep -vc ' mlpjit_'; timeout 40 .device/work/embed .device/work/llama.mlpx 16; echo rc=$?
} > $OUT/issue12-tests.log 2>&1
timeout 120 $B/mlpjit-stack-bench examples/specs/llama3-8b.mlp 32 16 > $OUT/stack-bench.log 2>&1; echo "rc=$?" >> $OUT/stack-bench.log
PYTHONPATH=$PWD/python MLPJIT_LIBRARY=$PWD/$P/lib/libmlpjit.so MLPJIT_BENCH=$PWD/$P/bin/mlpjit-bench MLPJIT_COMPILE=$PWD/$P/bin/mlpjit-compile \
  timeout 210 python3 -m pytest python/tests -v -rs -p no:cacheprovider > $OUT/python-tests.log 2>&1; echo "rc=$?" >> $OUT/python-tests.log
for tool in memcheck racecheck; do
  MLPJIT_TUNING_FILE=.device/work/sanitize-tuning.json timeout 75 compute-sanitizer --tool $tool --error-exitcode 99 --print-limit 20 \
    --kernel-name kns=_m $P/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 1,129,2000,4096 --reps 0 > $OUT/sanitize-$tool.log 2>&1
  echo "rc=$?" >> $OUT/sanitize-$tool.log
done
grep -E "^== |rc=|PASSED|FAILED|passed|failed" $OUT/issue12-tests.log | head -30; tail -30 $OUT/stack-bench.log; tail -25 $OUT/python-tests.log
for t in memcheck racecheck; do grep -E "ERROR SUMMARY|RACECHECK SUMMARY|rc=" $OUT/sanitize-$t.log | head -3; done
