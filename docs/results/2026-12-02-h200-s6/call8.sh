#!/usr/bin/env bash
# Device call 8 (session 6): the binaries after the review (the consumer's row
# block derived in one helper, not threaded through the epilogue): GPU runtime and
# API tiers, the harness on the ping-pong and model configs, memcheck of
# ping-pong kernels in the runtime.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_CACHE_DIR=/tmp/mc-s6i
L=/tmp/logs8s6; rm -rf $L; mkdir -p $L
timeout 120 .device/bin/mlpjit-runtime-tests --gtest_filter='Gpu*' > $L/gpu-runtime-tests.log 2>&1; echo "rc=$?" >> $L/gpu-runtime-tests.log
timeout 60 .device/bin/mlpjit-api-tests > $L/gpu-api-tests.log 2>&1; echo "rc=$?" >> $L/gpu-api-tests.log
for f in pingpong c29_ c36_ c2_ c46_ c54_; do timeout 60 .device/harness $f; done > $L/harness-check.log 2>&1; echo "check rc=$?" >> $L/harness-check.log
MLPJIT_TUNING_FILE=tests/gpu/sanitize-pingpong-tuning.json timeout 60 compute-sanitizer --tool memcheck --error-exitcode 99 --print-limit 20 \
  --kernel-name kns=_m .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 129,4096 --reps 0 > $L/sanitize-memcheck.log 2>&1
echo "rc=$?" >> $L/sanitize-memcheck.log
tar czf $OUT/call8-logs.tgz -C $L .
grep -hE "PASSED|FAILED|rc=" $L/gpu-*.log
grep -E "passed|failed|rc=" $L/harness-check.log
tail -n 2 $L/sanitize-memcheck.log
