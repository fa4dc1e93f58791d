#!/usr/bin/env bash
# Session 42 (session 41's ncu-cublas.sh, whose 40 launches held only the
# bench's ceiling GEMM: now 400, every kernel of the run; that script runs
# this one with LAUNCHES=40 NCU_TIMEOUT=90 NAME=ncu-cublas, as it ran in
# session 42's call 1): which kernels cuBLASLt runs where it
# beats mlpjit's best candidate. At the tp8 shard's 300 tokens (H100) the
# tuner's best of 32 candidates is the heuristic's (gate-up swapAB 80x256
# 65.2 us, down 80x256 33.6; forward 100.0 us) against cuBLASLt merged's
# 92.0 us forward (with its separate activation kernel), so the kernel space
# lacks what cuBLASLt does there. ncu lists each launched kernel's name
# (cuBLASLt's nvjet/xmma names carry the tile, the cluster and the
# schedule), grid, block and duration; llama-3-8b and gemma-7b at 256 tokens
# (mlpjit 1.24-1.26x the floor) for the same question.
# Predicted: cuBLASLt's gate-up at tp8 300 runs a 128-row or 256-row tile
# with a 2x1 or 1x2 cluster (multicast) on fewer CTAs than SMs.
set -u
NAME=${NAME:-ncu-cublas2}
source "$(dirname "$0")/../../../scripts/device-session.sh" "$NAME"
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
run() { # <name> <config> <tokens>
  timeout "${NCU_TIMEOUT:-120}" $NCU --clock-control none --csv --page raw --print-units base \
    --metrics gpu__time_duration.sum,launch__grid_size,launch__block_size,launch__cluster_dim_x,launch__cluster_dim_y \
    --launch-count "${LAUNCHES:-400}" \
    .device/bin/mlpjit-bench "$2" --tokens "$3" --reps 3 --warmup 1 --settle-ms 0 \
    > "$L/ncu-$1.csv" 2> "$L/ncu-$1.err"
  echo "rc=$?" >> "$L/ncu-$1.err"; mark "ncu-$1"
}
# CASES="name config tokens; ..." replaces the default list (session 42's
# prepared call 6: llama-3-70b at 300, where cuBLASLt leads).
if [ -n "${CASES:-}" ]; then
  IFS=';' read -ra cases <<< "$CASES"
  for c in "${cases[@]}"; do run $c; done
else
  run tp8-300 .device/tp8/llama-3-70b-tp8-shard.json 300
  run llama-3-8b-256 .device/fit/llama-3-8b.json 256
  run gemma-7b-256 .device/fit/gemma-7b.json 256
fi
device_session_end
for f in "$L"/ncu-*.csv; do
  echo "== $f"
  # Kernel name, grid, block, cluster, duration: one line per distinct kernel.
  /usr/bin/env python3 - "$f" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if l.startswith('"'))]
seen = {}
for r in rows[1:]:  # the first data row holds the units
    k = (r.get("Kernel Name", "")[:110], r.get("launch__grid_size"), r.get("launch__cluster_dim_x"), r.get("launch__cluster_dim_y"))
    seen.setdefault(k, []).append(float(r.get("gpu__time_duration.sum", "0").replace(",", "") or 0))
for (name, grid, cx, cy), t in seen.items():
    print(f"{min(t) / 1e3:8.1f} us  grid {grid:>5}  cluster {cx}x{cy}  x{len(t)}  {name}")
PY
done
cat "$L/clocks.txt"
tar czf "$OUT/$NAME.tgz" -C "$L" .
