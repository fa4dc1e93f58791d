#!/usr/bin/env bash
# Device call 10 (prepared in session 26, not run; the H200). The exact last
# token tile (kernel_abi.h's tmaALast, LoadOptions::exactLastTile, opt-in):
# call 1 showed A's TMA boxes past the tensor's last row cost a down GEMM
# 12-20% at 100 tokens; padding fixed the intermediate, not the caller's x.
# (a) correctness: every untimed harness case with HARNESS_EXACT_LAST=1
#     against cuBLAS, and GpuMlpTest.PaddedIntermediateAndMRows (both
#     options, M = 1, 5, 16, 17, 129, 300);
# (b) harness A/B at 100/112/128/200 tokens: c29/c31 (llama-3-8b gate-up,
#     128x256 / 64x256), c129/c130 (down GEMMs), HARNESS_EXACT_LAST 0/1/0/1;
# (c) the whole forward, --ab-exact-last-tile on five fit shapes at ragged
#     token counts.
# Prediction: (b) the exact tile as fast at 100 as the padded A of call 1
# (c129 41 us, not 49); (c) 3-10% where the gate-up's last token tile is
# ragged and a large share of the CTAs (one or two token tiles: 48-300
# tokens), nothing at whole tiles or many token tiles. Needs .device staged
# at e30f6bb or later and .device/harness-s26 (build-harness.sh).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs10s26
HARNESS_EXACT_LAST=1 timeout 120 .device/harness-s26 > $L/exact-check.log 2>&1
echo "rc=$?" >> $L/exact-check.log
timeout 60 .device/bin/mlpjit-runtime-tests --gtest_filter='GpuMlpTest.PaddedIntermediateAndMRows' \
  > $L/gpu-test.log 2>&1
echo "rc=$?" >> $L/gpu-test.log
mark after-checks
for e in 0 1 0 1; do
  HARNESS_TIME_M=100,112,128,200 HARNESS_EXACT_LAST=$e timeout 60 .device/harness-s26 --time \
    ^c29_ ^c31_ ^c129_ ^c130_ >> $L/exact-ab.log 2>&1
  echo "rc=$? exact=$e" >> $L/exact-ab.log
done
mark after-harness
warm_up
timeout 300 .device/bin/mlpjit-bench .device/fit/{phi-3-mini-4k,llama-3-8b,qwen2.5-7b,gemma-7b}.json \
  .device/tp8/llama-3-70b-tp8-shard.json --tokens 5,48,100,200,300,700 --ab-exact-last-tile \
  --validate-rounds 3 > $L/forward.log 2> $L/forward.err
echo "rc=$?" >> $L/forward.log
device_session_end
tail -3 $L/exact-check.log; tail -3 $L/gpu-test.log
grep -E "^time" $L/exact-ab.log | sed -E 's/^time (c[0-9]+)_[^ ]* +m= *([0-9]+): sm90 +([0-9.]+) ms.*cuBLAS +([0-9.]+) ms.*<<<>>> +([0-9.]+) ms.*/\1 m=\2 ours=\3 cublas=\4 plain=\5/'
grep -E "rc=" $L/exact-ab.log | tr '\n' ' '; echo
sed -n '/ragged last token tile/,$p' $L/forward.log
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs10s26.tgz -C $L . && rm -rf $L
