#!/usr/bin/env bash
# Session 39: why a cooperative 64-row tile ran 1.57x its ping-pong twin
# with one tile a CTA (gemma-7b's down GEMM at 560 tokens, K = 24576, 126
# CTAs: co 64x224 213.7 us, pp 64x224 136.0, co 64x256 167.2, pp 64x256
# 144.5; tune-plain). Both run one consumer warpgroup on the same mainloop;
# they differ in threads (256 vs 384), registers (144 vs setmaxnreg 232) and
# named barriers. ncu of each at the steady state (a launch inside the timed
# replays), and the SASS of both kernels (mlpjit-dump --stage=sass with each
# plan pinned; cuobjdump is on the GPU machine only).
# Older tuner logs (sessions <= 35, one weight copy) had the two alike at
# 640 and 700 tokens (64x256: 149.6 vs 150.6, 142.3 vs 142.8 us): the tuner
# at 560, 640 and 700 in one process tells a point effect (560's 108-126
# CTAs, its 48-row last token tile) from a change in the kernels since.
# Predicted: co's tensor pipe busy ~60% against pp's ~90%, the stall in the
# consumer's wgmma wait or the mbarrier wait (the producer behind).
set -u
R=docs/results/2026-12-06-s39
source "$(dirname "$0")/../../../scripts/device-session.sh" ncu-co-pp
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
for k in co pp; do
  timeout 100 $NCU --clock-control none --cache-control none --section SpeedOfLight \
    --section WarpStateStats --section SchedulerStats --section LaunchStats --section Occupancy \
    --metrics sm__pipe_tensor_op_gmma_cycles_active.avg.pct_of_peak_sustained_active,sm__cycles_elapsed.avg.per_second \
    -k "regex:gemma_7b_down" --launch-skip 12 --launch-count 1 \
    .device/bin/mlpjit-bench --tuning-file $R/gemma7b-down-${k}64x224.json .device/fit/gemma-7b.json \
    --tokens 560 --reps 20 --warmup 5 --settle-ms 0 > "$L/ncu-$k.log" 2>&1
  echo "rc=$?" >> "$L/ncu-$k.log"; mark "ncu-$k"
done
# The SASS of the kernel each tuning file pins (cuobjdump's "Function :"
# section of gemma_7b_down_m545_*).
for k in co pp; do
  MLPJIT_TUNING_FILE=$R/gemma7b-down-${k}64x224.json MLPJIT_CACHE=0 timeout 120 \
    .device/bin/mlpjit-dump --stage=sass .device/fit/gemma-7b.json 2>&1 |
    awk '/Function : / { on = /gemma_7b_down_m545_/ } on' > "$L/sass-$k.txt"
done
tune_config .device/fit/gemma-7b.json 560,640,700 100 tune 16
device_session_end
for k in co pp; do
  echo "== ncu $k"; grep -E "Duration|Compute \(SM\) Throughput|Memory Throughput|gmma|Registers|Threads|Stall|Warp Cycles|Issued|Eligible|No Eligible|per_second|rc=" "$L/ncu-$k.log" | head -30
  echo "== sass $k: HGMMA $(grep -c HGMMA "$L/sass-$k.txt") DEPBAR $(grep -c 'DEPBAR' "$L/sass-$k.txt") SYNCS $(grep -c 'SYNCS' "$L/sass-$k.txt") lines $(wc -l < "$L/sass-$k.txt")"
done
grep -E "^\[gemma-7b\] down" "$L/tune-gemma-7b.log"
cat "$L/clocks.txt"
tar czf "$OUT/ncu-co-pp.tgz" -C "$L" .
