#!/usr/bin/env bash
# Device call 3 (prepared in session 23, not run: no device time left). (a) Call 2 timed
# phi-3-mini's forward at 100 tokens 54.0 µs and at 112 49.3, the same plans
# (call 1's tuning file: gate-up 64x128 ping-pong, down 64x96 split 2):
# ncu's SpeedOfLight of both kernels at 100 and at 112 says which one slows.
# (a') Is it the A boxes that reach past the tensor? Harness cases c129
# (llama-3-8b down, 128x64 split 2) and c130 (tp8 down, 64x128), checked
# against cuBLAS, then timed at 100/112/128 tokens with A's tensor map of m
# rows and of m rounded up to the token tile (HARNESS_PAD_A=1). Needs
# .device/harness-s23 from build-harness.sh.
# (b) racecheck through mlpjit-run with the CPU reference only (no cuBLAS,
# which faults under racecheck) on the bf16 gated narrow 80x128 8-stage
# gate-up of tests/gpu/sanitize.mlp at M = 160 (the 8 KiB exchange, bf16):
# does the tool handle a narrow gated kernel other than the fp16 GeGLU one?
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s23
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
timeout 60 .device/harness-s23 c129_ c130_ > $L/pad.log 2>&1
echo "rc=$?" >> $L/pad.log
for pad in 0 1 0 1; do
  HARNESS_TIME_M=100,112,128 HARNESS_PAD_A=$pad timeout 60 .device/harness-s23 --time \
    c129_ c130_ >> $L/pad.log 2>&1
  echo "rc=$? pad=$pad" >> $L/pad.log
done
mark after-pad
for m in 100 112; do
  timeout 75 $NCU --section SpeedOfLight -k regex:phi_3_mini_4k_ --launch-count 2 \
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
grep -E "^ok|^FAIL|passed|rc=" $L/pad.log
grep -E "^time" $L/pad.log | sed -E 's/^time (c1[23][0-9])_[^ ]* +m= *([0-9]+): sm90 +([0-9.]+) ms.*<<<>>> +([0-9.]+) ms.*A rows ([0-9]+)/\1 m=\2 ours=\3 plain=\4 Arows=\5/'
for m in 100 112; do echo "== $m"; grep -E "phi_3|Duration|DRAM Throughput|Compute \(SM\)|rc=" $L/ncu-$m.log; done
grep -E "SUMMARY|Internal|rc=|rel" $L/racecheck.log
cat $L/clocks.txt
tar czf $OUT/logs3s23.tgz -C $L . && rm -rf $L
