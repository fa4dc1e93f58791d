#!/usr/bin/env bash
# Device call 5: racecheck/synccheck on stream-K and cluster kernels (float64 reference only), host time per forward
# without filling the launch queue, the C API tests, the Python GPU tier again.
set -u
cd "$(dirname "$0")/.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc LD_LIBRARY_PATH=$PWD/.device/prefix/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
B=.device/bin P=.device/prefix
for tool in racecheck synccheck; do
  MLPJIT_TUNING_FILE=.device/work/sanitize-tuning.json timeout 70 compute-sanitizer --tool $tool --error-exitcode 99 --print-limit 20 \
    --kernel-name kns=_m $P/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 1,129,2000,4096 --reps 0 --cpu-reference-only > $OUT/sanitize-$tool.log 2>&1
  echo "rc=$?" >> $OUT/sanitize-$tool.log
done
timeout 40 $B/mlpjit-capi-tests --gtest_brief=1 > $OUT/capi.log 2>&1; echo "rc=$?" >> $OUT/capi.log
timeout 100 $B/mlpjit-stack-bench examples/specs/llama3-8b.mlp 32 16 > $OUT/stack-bench.log 2>&1; echo "rc=$?" >> $OUT/stack-bench.log
PYTHONPATH=$PWD/python MLPJIT_LIBRARY=$PWD/$P/lib/libmlpjit.so MLPJIT_BENCH=$PWD/$P/bin/mlpjit-bench MLPJIT_COMPILE=$PWD/$P/bin/mlpjit-compile \
  timeout 150 python3 -m pytest python/tests/test_gpu.py -v -rs -p no:cacheprovider -k "gated_mlp_from_hf_module or python_bench" > $OUT/python-tests.log 2>&1; echo "rc=$?" >> $OUT/python-tests.log
for t in racecheck synccheck; do grep -E "SUMMARY|PASS|FAIL|rc=" $OUT/sanitize-$t.log | sort | uniq -c | head -6; done
tail -3 $OUT/capi.log; cat $OUT/stack-bench.log; grep -E "PASSED|FAILED|passed|failed|vs_mlpjit" $OUT/python-tests.log | tail -12
