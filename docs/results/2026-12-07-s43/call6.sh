#!/usr/bin/env bash
# Session 43, call 6: where llama-3-70b's GEMMs at 300 tokens lose to
# cuBLASLt's (ncu at the unthrottled clock: gate-up 409.5 us, the narrow
# 128x152 pinned, against cuBLASLt's merged 128x152 in 2x1, 380.8; down
# 196.7 against 187.9). ncu's speed-of-light, compute, memory, warp-state
# and scheduler sections for mlpjit's two kernels (l70b-gn plans) and
# cuBLASLt's 128x152 kernels (the unfused variant's down, the merged
# gate-up, the merged down: the first three launches of that name).
set -u
R=docs/results/2026-12-07-s43
source "$(dirname "$0")/../../../scripts/device-session.sh" call6
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
prof() { # <name> <kernel regex> <count>
  timeout 200 $NCU --clock-control none --csv --page details --print-units base \
    --section SpeedOfLight --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis \
    --section WarpStateStats --section SchedulerStats --section LaunchStats --section Occupancy \
    --kernel-name "regex:$2" --launch-count "$3" \
    .device/bin/mlpjit-bench .device/fit/llama-3-70b.json --tokens 300 \
    --tuning-file $R/clustern-$(gpu_kind)/l70b-gn/llama-3-70b.json --reps 2 --warmup 1 --settle-ms 0 \
    > "$L/ncu-$1.csv" 2> "$L/ncu-$1.err"
  echo "rc=$?" >> "$L/ncu-$1.err"; mark "ncu-$1"
}
prof mlpjit 'llama_3_70b_(gate_up|down)' 2
prof cublas 'nvjet_sm90_tst_128x152' 3
device_session_end
/usr/bin/env python3 - "$L"/ncu-mlpjit.csv "$L"/ncu-cublas.csv <<'PY'
import csv, sys
want = ["Duration", "Compute (SM) Throughput", "Memory Throughput", "DRAM Throughput",
        "L2 Cache Throughput", "L1/TEX Cache Throughput", "Executed Ipc Active",
        "Issue Slots Busy", "No Eligible", "Warp Cycles Per Issued Instruction",
        "Registers Per Thread", "Shared Memory Configuration Size", "Grid Size",
        "Cluster Size", "Achieved Occupancy", "Mem Busy", "Max Bandwidth",
        "L2 Hit Rate", "Mem Pipes Busy", "SM Busy"]
for f in sys.argv[1:]:
    rows = [r for r in csv.DictReader(l for l in open(f) if l.startswith('"'))]
    kernels = {}
    for r in rows:
        key = (r["ID"], r["Kernel Name"][:60], r.get("Grid Size", ""))
        kernels.setdefault(key, {})[r["Metric Name"]] = (r["Metric Value"], r["Metric Unit"])
    for (i, name, _), m in kernels.items():
        print(f"== {i} {name}")
        for w in want:
            if w in m:
                print(f"   {w:38s} {m[w][0]:>14s} {m[w][1]}")
PY
cat "$L/clocks.txt"
tar czf "$OUT/call6.tgz" -C "$L" .
