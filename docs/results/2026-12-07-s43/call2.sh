#!/usr/bin/env bash
# Session 43, call 2: why clusters of weight tiles ran slower (call 1: the
# tp8 shard's forward 1.01-1.03x the time in 1x2, 1.28x in 1x4, 1.39-1.45x
# in 2x4, where cuBLASLt runs 4x2). (1) The template harness timed at 300
# tokens: cases 138-141 (1x2 and 2x4, gate-up and down of the shard) and
# their twins without clusters, 148-149, beside cuBLAS, with the resident
# clusters the driver reports and the one-CTA-per-unit grid. (2) ncu of
# llama-3-70b at 300 with the gate-up pinned as cuBLASLt's narrow 128x152
# (l70b-gn, 1.02x faster in call 1): its kernel times beside cuBLASLt's.
set -u
R=docs/results/2026-12-07-s43
source "$(dirname "$0")/../../../scripts/device-session.sh" call2
HARNESS_TIME_M=300 timeout 150 .device/harness/harness --time > "$L/harness-time.log" 2>&1
echo "rc=$?" >> "$L/harness-time.log"; mark harness-time
grep -vE "^ok " "$L/harness-time.log" | tail -40
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
timeout 150 $NCU --clock-control none --csv --page raw --print-units base \
  --metrics gpu__time_duration.sum,launch__grid_size,launch__cluster_dim_x \
  --launch-count 400 .device/bin/mlpjit-bench .device/fit/llama-3-70b.json --tokens 300 \
  --tuning-file $R/clustern-$(gpu_kind)/l70b-gn/llama-3-70b.json --reps 3 --warmup 1 --settle-ms 0 \
  > "$L/ncu-l70b-gn.csv" 2> "$L/ncu-l70b-gn.err"
echo "rc=$?" >> "$L/ncu-l70b-gn.err"; mark ncu
device_session_end
/usr/bin/env python3 - "$L/ncu-l70b-gn.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if l.startswith('"'))]
seen = {}
for r in rows[1:]:
    k = (r.get("Kernel Name", "")[:90], r.get("launch__grid_size"), r.get("launch__cluster_dim_x"))
    seen.setdefault(k, []).append(float(r.get("gpu__time_duration.sum", "0").replace(",", "") or 0))
for (name, grid, cx), t in seen.items():
    print(f"{min(t) / 1e3:8.1f} us  grid {grid:>5}  cluster {cx}  x{len(t)}  {name}")
PY
cat "$L/clocks.txt"
tar czf "$OUT/call2.tgz" -C "$L" .
