#!/usr/bin/env bash
# Session 37, call 2: ncu of two down GEMMs whose heuristic tile ran 1.06-1.12x
# slower in the forward than a variant (call 1): qwen2.5-0.5b at 1300 tokens,
# 64x160 (126 CTAs) against 64x192 (105 CTAs, more MMA work each, yet 1.27x
# faster per GEMM); gpt2 at 300, 64x96 unsplit (40 CTAs) against 64x64 split 2
# (120). Sections: SpeedOfLight, WarpStateStats, MemoryWorkloadAnalysis,
# SchedulerStats; shared-memory bank conflicts. The first launch of the down
# kernel (the bench's check), caches flushed, clocks at base (ncu's default).
# Run from the repository root on the GPU machine with .device/ carried.
# Predicted: 64x160 stalls on something 64x192 does not (a store or
# shared-memory pattern of the 32-column subtiles); 64x96 unsplit waits on
# its loads (long scoreboard / barrier), DRAM throughput below 30%.
set -u
R=docs/results/2026-12-06-s37
source "$(dirname "$0")/../../../scripts/device-session.sh" ncu-down
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
prof() { # <name> <config> <tokens> <kernel regex> [tuning file]
  timeout 90 $NCU --section SpeedOfLight --section WarpStateStats --section MemoryWorkloadAnalysis \
    --section SchedulerStats --section LaunchStats \
    --metrics l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum,smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio,smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio,smsp__average_warps_issue_stalled_membar_per_issue_active.ratio,smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio,smsp__average_warps_issue_stalled_wait_per_issue_active.ratio,smsp__average_warps_issue_stalled_math_pipe_throttle_per_issue_active.ratio,smsp__average_warps_issue_stalled_mio_throttle_per_issue_active.ratio,smsp__average_warps_issue_stalled_lg_throttle_per_issue_active.ratio,smsp__average_warps_issue_stalled_dispatch_stall_per_issue_active.ratio,smsp__average_warps_issue_stalled_no_instruction_per_issue_active.ratio,smsp__average_warps_issue_stalled_sleeping_per_issue_active.ratio,smsp__average_warps_issue_stalled_selected_per_issue_active.ratio,smsp__average_warps_issue_stalled_not_selected_per_issue_active.ratio,smsp__average_warps_issue_stalled_misc_per_issue_active.ratio,smsp__average_warps_issue_stalled_branch_resolving_per_issue_active.ratio,smsp__average_warps_issue_stalled_drain_per_issue_active.ratio,smsp__average_warps_issue_stalled_tex_throttle_per_issue_active.ratio,smsp__cycles_active.avg \
    -k "regex:$4" --launch-count 1 \
    .device/bin/mlpjit-bench ${5:+--tuning-file $5} --weight-copies 1 "$2" --tokens "$3" --reps 2 --warmup 0 --settle-ms 0 \
    > "$L/ncu-$1.log" 2>&1
  echo "rc=$?" >> "$L/ncu-$1.log"
  mark "$1"
}
prof qwen05-64x160 .device/V/qwen2.5-0.5b.json 1300 qwen2_5_0_5b_down
prof qwen05-64x192 .device/V/qwen2.5-0.5b.json 1300 qwen2_5_0_5b_down $R/qwen05-down-64x192.json
prof gpt2-64x96s1 .device/fit/gpt2.json 300 gpt2_down
prof gpt2-64x64s2 .device/fit/gpt2.json 300 gpt2_down $R/gpt2-down-64x64s2.json
device_session_end
for f in $L/ncu-*.log; do echo "== $f"; grep -E "^  [a-z0-9_]+_down|Duration|DRAM Throughput|Compute \(SM\) Throughput|Memory Throughput|L2 Cache Throughput|Block Size|Grid Size|Registers|Stall|stalled|bank_conflicts|Issued Warp|No Eligible|Active Warps|Eligible Warps|cycles_active|Warp Cycles Per|rc=" $f | head -40; done
cat $L/clocks.txt
tar czf $OUT/ncu-down.tgz -C $L .
