#!/usr/bin/env bash
# Device call 10 (prepared in session 26, not run; the H200). The exact last
# token tile (kernel_abi.h's tmaALast, LoadOptions::exactLastTile, opt-in):
# call 1 showed A's TMA boxes past the tensor's last row cost a down GEMM
# 12-20% at 100 tokens; padding fixed the intermediate, not the caller's x.
# (a) correctness: every untimed harness case with HARNESS_EXACT_LAST=1
#     against cuBLAS, and GpuMlpTest.PaddedIntermediateAndMRows (both
#     options, M = 1, 5, 16, 17, 129, 300); memcheck and racecheck on four
#     of the cases with it;
# (b) harness A/B at 100/112/128/200 tokens: c29/c31 (llama-3-8b gate-up,
#     128x256 / 64x256), c129/c130 (down GEMMs), HARNESS_EXACT_LAST 0/1/0/1;
# (c) call11.sh: the whole forward.
# Prediction: (b) the exact tile as fast at 100 as the padded A of call 1
# (c129 41 us, not 49). Needs .device staged at e30f6bb or later and
# .device/harness-s26 (build-harness.sh). Worst case about 9 minutes.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs10s26
HARNESS_EXACT_LAST=1 timeout 120 .device/harness-s26 > $L/exact-check.log 2>&1
echo "rc=$?" >> $L/exact-check.log
timeout 60 .device/bin/mlpjit-runtime-tests --gtest_filter='GpuMlpTest.PaddedIntermediateAndMRows' \
  > $L/gpu-test.log 2>&1
echo "rc=$?" >> $L/gpu-test.log
# compute-sanitizer on the new path (no cuBLAS in the process): memcheck
# and racecheck on a gated 128x256 tile (c0), a gated narrow swapAB tile
# (c2), a 2x1 cluster with split-K (c94) and a wide swapAB tile (c106).
for tool in memcheck racecheck; do
  for id in 0 2 94 106; do
    echo "== $tool c$id" >> $L/sanitizer.log
    HARNESS_EXACT_LAST=1 HARNESS_HOST_REFERENCE=1 timeout 40 compute-sanitizer --tool $tool \
      --error-exitcode 99 --print-limit 10 --kernel-name kns=gemmKernel .device/harness-s26 \
      "^c${id}_" >> $L/sanitizer.log 2>&1
    echo "rc=$?" >> $L/sanitizer.log
  done
done
mark after-checks
for e in 0 1 0 1; do
  HARNESS_TIME_M=100,112,128,200 HARNESS_EXACT_LAST=$e timeout 60 .device/harness-s26 --time \
    ^c29_ ^c31_ ^c129_ ^c130_ >> $L/exact-ab.log 2>&1
  echo "rc=$? exact=$e" >> $L/exact-ab.log
done
device_session_end
tail -3 $L/exact-check.log; tail -3 $L/gpu-test.log
grep -E "^== |^rc=" $L/sanitizer.log | paste - - | tr '\n' ';'; echo
grep -E "^time" $L/exact-ab.log | sed -E 's/^time (c[0-9]+)_[^ ]* +m= *([0-9]+): sm90 +([0-9.]+) ms.*cuBLAS +([0-9.]+) ms.*<<<>>> +([0-9.]+) ms.*/\1 m=\2 ours=\3 cublas=\4 plain=\5/'
grep -E "rc=" $L/exact-ab.log | tr '\n' ' '; echo
cat $L/clocks.txt
tar czf $OUT/logs10s26.tgz -C $L . && rm -rf $L
