#!/usr/bin/env bash
# Device call 1 (prepared in session 24, which was lent no device; not run).
# The 100-token slow spot (session 23: the same plans 6-10% slower at 100
# tokens than at 112; hypothesis: TMA boxes that cross the last row of A
# or D load and store slower) in four steps, cheapest first:
# (a) GPU tests: the padded intermediate (MLPJIT_PAD_INTERMEDIATE=1) gives
#     the same y and writes nothing outside it.
# (b) Harness: down GEMMs c129 (128x64 split 2) and c130 (64x128) checked,
#     then timed at 100/112/128 tokens with A's tensor map of m rows and of
#     whole token tiles (HARNESS_PAD_A=1), 0/1/0/1. Needs .device/harness-s23
#     (../2026-12-05-s23/build-harness.sh).
# (c) Whole forward, the same plans with the intermediate as M rows and
#     padded, interleaved in one process (--ab-pad-intermediate, 3 rounds):
#     phi-3-mini and the tp8 shard at 96-128 tokens on session 23's tuned
#     plans; two validation configs at the non-round counts of the
#     validation sweep on the heuristic's plans.
# (d) ncu SpeedOfLight of phi-3-mini's two kernels at 100 and 112 tokens.
# (e) racecheck through mlpjit-run with the CPU reference only (no cuBLAS,
#     which faults under racecheck) on the bf16 gated narrow gate-up.
# Worst case about 8 minutes.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s24
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
timeout 90 .device/bin/mlpjit-runtime-tests --gtest_brief=1 \
  --gtest_filter='GpuMlpTest.PaddedIntermediate:GpuMlpTest.SwiGlu:GpuSharedKernelsTest.*' \
  > $L/gpu-tests.log 2>&1
echo "rc=$?" >> $L/gpu-tests.log
mark after-tests
timeout 60 .device/harness-s23 c129_ c130_ > $L/pad.log 2>&1
echo "rc=$?" >> $L/pad.log
for pad in 0 1 0 1; do
  HARNESS_TIME_M=100,112,128 HARNESS_PAD_A=$pad timeout 30 .device/harness-s23 --time \
    c129_ c130_ >> $L/pad.log 2>&1
  echo "rc=$? pad=$pad" >> $L/pad.log
done
mark after-harness
warm_up
timeout 150 .device/bin/mlpjit-bench --ab-pad-intermediate --validate-rounds 3 \
  --tuning-file .device/tune23.json .device/fit/phi-3-mini-4k.json \
  .device/tp8/llama-3-70b-tp8-shard.json --tokens 96,100,104,112,128 \
  > $L/forward.log 2> $L/forward.err
echo "rc=$?" >> $L/forward.log
timeout 150 .device/bin/mlpjit-bench --ab-pad-intermediate --validate-rounds 3 \
  .device/V/gemma-2-9b.json .device/V/mistral-nemo-12b.json --tokens 5,100,300,700,1500 \
  > $L/forward-v.log 2> $L/forward-v.err
echo "rc=$?" >> $L/forward-v.log
mark after-forward
for m in 100 112; do
  timeout 60 $NCU --section SpeedOfLight -k regex:phi_3_mini_4k_ --launch-count 2 \
    .device/bin/mlpjit-bench --tuning-file .device/tune23.json .device/fit/phi-3-mini-4k.json \
    --tokens $m --reps 2 --warmup 0 --settle-ms 0 > $L/ncu-$m.log 2>&1
  echo "rc=$?" >> $L/ncu-$m.log
done
mark after-ncu
MLPJIT_TUNING_FILE=tests/gpu/sanitize-narrow-tuning.json timeout 40 compute-sanitizer \
  --tool racecheck --error-exitcode 99 --print-limit 10 --kernel-name kns=wide_swiglu_gate_up \
  .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 160 --reps 0 --cpu-reference-only \
  > $L/racecheck.log 2>&1
echo "rc=$?" >> $L/racecheck.log
device_session_end
grep -E "FAILED|PASSED|rc=" $L/gpu-tests.log
grep -E "^ok|^FAIL|passed|rc=" $L/pad.log | sort | uniq -c
grep -E "^time" $L/pad.log | sed -E 's/^time (c1[23][0-9])_[^ ]* +m= *([0-9]+): sm90 +([0-9.]+) ms.*<<<>>> +([0-9.]+) ms.*A rows ([0-9]+)/\1 m=\2 ours=\3 plain=\4 Arows=\5/'
for f in forward forward-v; do sed -n '/as M rows vs padded/,$p' $L/$f.log; tail -1 $L/$f.log; done
for m in 100 112; do echo "== $m"; grep -E "phi_3|Duration|DRAM Throughput|Compute \(SM\)|rc=" $L/ncu-$m.log; done
grep -E "SUMMARY|Internal|rc=|rel" $L/racecheck.log
cat $L/clocks.txt
tar czf $OUT/logs1s24.tgz -C $L . && rm -rf $L
