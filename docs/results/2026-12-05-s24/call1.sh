#!/usr/bin/env bash
# Device call 1 (prepared in session 24, which was lent no device; not run).
# (a) GPU tests: the padded intermediate (MLPJIT_PAD_INTERMEDIATE=1) gives
#     the same y and writes nothing outside it.
# (b) Harness (.device/harness-s24 from build-harness.sh) against cuBLAS:
#     the one-tile narrow swapAB tiles of 200-256 tokens (c131-c133, new
#     wgmma N), the 100-token down GEMMs (c129, c130), and stream-K on the
#     gated 16-token swapAB tile (c134, what call2.sh forces).
# (c) The 100-token slow spot (session 23: the same plans 6-10% slower at
#     100 tokens than at 112; hypothesis: TMA boxes that cross the last row
#     load slower): c129/c130 timed at 100/112/128 tokens with A's tensor
#     map of m rows and of whole token tiles (HARNESS_PAD_A=1), 0/1/0/1;
#     then the whole forward with the intermediate as M rows and padded,
#     interleaved in one process (--ab-pad-intermediate, 3 rounds),
#     phi-3-mini and the tp8 shard at 96-128 tokens on session 23's tuned
#     plans.
# (d) racecheck without cuBLAS (HARNESS_HOST_REFERENCE=1: the reference
#     GEMM on the host): the fp16 GeGLU 104x128 gate-up it stopped on with
#     an internal error (c127), a bf16 narrow gated one (c119) and the new
#     200-token tile (c131). Clean here means the error came from cuBLASLt.
# Worst case about 9 minutes.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s24
timeout 90 .device/bin/mlpjit-runtime-tests --gtest_brief=1 \
  --gtest_filter='GpuMlpTest.PaddedIntermediate:GpuMlpTest.SwiGlu:GpuSharedKernelsTest.*' \
  > $L/gpu-tests.log 2>&1
echo "rc=$?" >> $L/gpu-tests.log
timeout 90 .device/harness-s24 c129_ c130_ c131_ c132_ c133_ c134_ > $L/harness.log 2>&1
echo "rc=$?" >> $L/harness.log
mark after-checks
for pad in 0 1 0 1; do
  HARNESS_TIME_M=100,112,128 HARNESS_PAD_A=$pad timeout 30 .device/harness-s24 --time \
    c129_ c130_ >> $L/pad.log 2>&1
  echo "rc=$? pad=$pad" >> $L/pad.log
done
mark after-harness-pad
warm_up
timeout 150 .device/bin/mlpjit-bench --ab-pad-intermediate --validate-rounds 3 \
  --tuning-file .device/tune23.json .device/fit/phi-3-mini-4k.json \
  .device/tp8/llama-3-70b-tp8-shard.json --tokens 96,100,104,112,128 \
  > $L/forward.log 2> $L/forward.err
echo "rc=$?" >> $L/forward.log
mark after-forward
for c in c127_ c119_ c131_; do
  echo "== $c" >> $L/racecheck.log
  HARNESS_HOST_REFERENCE=1 timeout 45 compute-sanitizer --tool racecheck --error-exitcode 99 \
    --print-limit 10 --kernel-name kns=gemmKernel .device/harness-s24 $c >> $L/racecheck.log 2>&1
  echo "rc=$?" >> $L/racecheck.log
done
device_session_end
grep -E "FAILED|PASSED|rc=" $L/gpu-tests.log
grep -E "^FAIL|passed|rc=" $L/harness.log; grep -c "^ok" $L/harness.log
grep -E "^time" $L/pad.log | sed -E 's/^time (c1[23][0-9])_[^ ]* +m= *([0-9]+): sm90 +([0-9.]+) ms.*<<<>>> +([0-9.]+) ms.*A rows ([0-9]+)/\1 m=\2 ours=\3 plain=\4 Arows=\5/'
grep -E "rc=" $L/pad.log | tr '\n' ' '; echo
sed -n '/as M rows vs padded/,$p' $L/forward.log; tail -2 $L/forward.err
grep -E "^==|SUMMARY|Internal|rc=|passed" $L/racecheck.log
cat $L/clocks.txt
tar czf $OUT/logs1s24.tgz -C $L . && rm -rf $L
