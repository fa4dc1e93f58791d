#!/usr/bin/env bash
# Session 48 (not run yet): why llama-3.2-1b's down GEMM at 700 tokens (K =
# 8192, N = 2048: 11 x 11 = 121 tiles of 64x192, one wave) ran 42.5 us as the
# heuristic's 64x192 ping-pong and 37.8 us as plain 64x192 (the tuner's rows,
# call 5). One tile per CTA either way, so a ping-pong CTA runs one consumer
# warpgroup: the difference is per tile, not the schedule. ncu's speed of
# light, warp stalls and memory tables of both (the plain one pinned by
# down700-plain-h100.json); predicted: the ping-pong kernel's tensor pipe
# less busy with more "wait" / barrier stalls per issued MMA.
# Run from the repository root with .device/ carried; H100 (the plans are the H100's).
set -u
R=docs/results/2026-12-07-s48
source "$(dirname "$0")/../../../scripts/device-session.sh" ncu-down700
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
prof() { # <name> [mlpjit-bench arguments]
  local name=$1; shift
  timeout 150 $NCU --clock-control none --csv --section SpeedOfLight --section Occupancy \
    --section LaunchStats --section WarpStateStats --section SchedulerStats \
    --section MemoryWorkloadAnalysis --kernel-name "regex:llama_3_2_1b_down" \
    --launch-skip 1 --launch-count 1 \
    .device/bin/mlpjit-bench "$(config_file llama-3.2-1b)" --tokens 700 --reps 2 --warmup 1 \
    --settle-ms 0 "$@" > "$L/ncu-$name.csv" 2> "$L/ncu-$name.err"
  echo "rc=$?" >> "$L/ncu-$name.err"; mark "ncu-$name"
}
prof pingpong
prof plain --tuning-file $R/down700-plain-h100.json
device_session_end
for f in $L/ncu-*.csv; do echo "== $f"; grep -E '"(Duration|Compute \(SM\) Throughput|Memory Throughput|DRAM Throughput|Registers Per Thread|Block Size|Grid Size|Achieved Occupancy|Issued Warp Per Scheduler|No Eligible)"' "$f" | awk -F'","' '{print $(NF-2)": "$NF}'; done
tar czf "$OUT/ncu-down700.tgz" -C "$L" .
