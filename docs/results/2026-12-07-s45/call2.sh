#!/usr/bin/env bash
# Session 45, call 2: on an H200, the default-sweep table with the
# PyTorch peers (session 34's tables.sh 1); on any other GPU, the
# validation sweep heuristic vs tuned (validate.sh).
# Run from the repository root with .device/ carried.
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200; then
  timeout ${TABLES_BY:-590} bash docs/results/2026-12-06-s34/tables.sh 1
  cp "$OUT"/tables-1/bench.log "$OUT"/tables-1/peers.log "$OUT"/ 2>/dev/null
else
  bash docs/results/2026-12-07-s45/validate.sh
fi
