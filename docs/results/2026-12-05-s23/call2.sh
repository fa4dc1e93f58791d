#!/usr/bin/env bash
# Device call 2 (session 23). (a) The block kernel with one flag check a
# down unit (relaxed loads, four in flight, one acquire fence) where it had
# an acquire load and a proxy fence before every k-tile of H: GPU tests
# (GpuMlpTest: the block kernels, the long-K one among them), then the A/B
# against two kernels, same plans, interleaved (--block-kernel, 2 rounds).
# (b) Call 1's tuner table had phi-3-mini and the tp8 shard slower at
# M = 100 than at 128 with the same plans (54.4 vs 50.1, 56.0 vs 53.5 µs):
# the same plans (call 1's tuning file) at 96-128 tokens. (c) Racecheck on harness cases that are not the failing
# fp16 GeGLU one (c88: bf16 SwiGLU 16x128 narrow, old and new templates),
# and memcheck on that failing case in the harness.
# Trimmed to ~5 min worst case after three starts got no machine.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s23
timeout 60 .device/bin/mlpjit-runtime-tests --gtest_brief=1 \
  --gtest_filter='GpuMlpTest.*:GpuSharedKernelsTest.*' > $L/gpu-tests.log 2>&1
echo "rc=$?" >> $L/gpu-tests.log
mark after-tests
if grep -qE "rc=124|FAILED" $L/gpu-tests.log; then
  echo "GPU tests did not pass: no block timing" >> $L/gpu-tests.log
else
  warm_up
  timeout 80 .device/bin/mlpjit-bench --block-kernel --validate-rounds 2 \
    .device/tp8/llama-3-70b-tp8-shard.json .device/V/qwen2.5-0.5b.json \
    --tokens 1,16 > $L/block.log 2> $L/block.err
  echo "rc=$?" >> $L/block.log
fi
mark after-block
for tf in .device/tune23.json; do
  echo "== tuning file '$tf'" >> $L/m100.log
  timeout 60 .device/bin/mlpjit-bench ${tf:+--tuning-file $tf} \
    .device/fit/phi-3-mini-4k.json .device/tp8/llama-3-70b-tp8-shard.json \
    --tokens 96,100,112,120,128 >> $L/m100.log 2>> $L/m100.err
  echo "rc=$?" >> $L/m100.log
done
mark after-m100
for run in "s21 c88_ racecheck" "s22 c88_ racecheck" "s22 c127_ memcheck"; do
  set -- $run
  echo "== harness-$1 $2 $3" >> $L/sanitizer.log
  timeout 25 compute-sanitizer --tool $3 --error-exitcode 99 --print-limit 10 \
    --kernel-name kns=gemmKernel .device/harness-$1 $2 >> $L/sanitizer.log 2>&1
  echo "rc=$?" >> $L/sanitizer.log
done
device_session_end
grep -E "FAILED|PASSED|rc=|no block" $L/gpu-tests.log
cat $L/block.log 2>/dev/null | tail -12; tail -3 $L/block.err 2>/dev/null
grep -E "^==|^phi|^llama|^shape|rc=" $L/m100.log
grep -E "^==|SUMMARY|Internal|rc=|^ok|^FAIL" $L/sanitizer.log
cat $L/clocks.txt
tar czf $OUT/logs2s23.tgz -C $L . && rm -rf $L
