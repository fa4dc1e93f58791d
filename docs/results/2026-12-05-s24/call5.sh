#!/usr/bin/env bash
# Device call 5 (prepared in session 24, not run; after calls 1-4). The
# padded intermediate at the validation sweep's non-round token counts
# (heuristic plans, interleaved in one process), ncu SpeedOfLight of
# phi-3-mini's two kernels at 100 and 112 tokens, and racecheck through
# mlpjit-run with the CPU reference only on the bf16 gated narrow gate-up
# of tests/gpu/sanitize.mlp at 160 tokens.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs5s24
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
warm_up
timeout 200 .device/bin/mlpjit-bench --ab-pad-intermediate --validate-rounds 3 \
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
sed -n '/as M rows vs padded/,$p' $L/forward-v.log; tail -2 $L/forward-v.err
for m in 100 112; do echo "== $m"; grep -E "phi_3|Duration|DRAM Throughput|Compute \(SM\)|rc=" $L/ncu-$m.log; done
grep -E "SUMMARY|Internal|rc=|rel" $L/racecheck.log
cat $L/clocks.txt
tar czf $OUT/logs5s24.tgz -C $L . && rm -rf $L
