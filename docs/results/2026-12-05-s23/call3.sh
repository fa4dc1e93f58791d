#!/usr/bin/env bash
# Device call 3 (session 23, the budget's last ~4 min). (a) Call 2 timed
# phi-3-mini's forward at 100 tokens 54.0 µs and at 112 49.3, the same plans
# (call 1's tuning file: gate-up 64x128 ping-pong, down 64x96 split 2):
# ncu's SpeedOfLight of both kernels at 100 and at 112 says which one slows.
# (b) racecheck through mlpjit-run with the CPU reference only (no cuBLAS,
# which faults under racecheck) on the bf16 gated narrow 80x128 8-stage
# gate-up of tests/gpu/sanitize.mlp at M = 160 (the 8 KiB exchange, bf16):
# does the tool handle a narrow gated kernel other than the fp16 GeGLU one?
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s23
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
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
for m in 100 112; do echo "== $m"; grep -E "phi_3|Duration|DRAM Throughput|Compute \(SM\)|rc=" $L/ncu-$m.log; done
grep -E "SUMMARY|Internal|rc=|rel" $L/racecheck.log
cat $L/clocks.txt
tar czf $OUT/logs3s23.tgz -C $L . && rm -rf $L
