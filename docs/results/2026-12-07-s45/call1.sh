#!/usr/bin/env bash
# Session 45, call 1: on an H200, the default-sweep table with the
# PyTorch peers (session 34's tables.sh 1); on any other GPU, what session
# 44 left: llama-3.1-405b at 256-300 (ab-405b.sh), the 193-208 rule as
# built (../2026-12-07-s44/ab-rule.sh), then, if no more than
# ${CALL10_BY:-330} s have gone, session 43's call 10 (the tuner's rows
# with ping-pong swapAB candidates, at most 175 s of tuning).
# Run from the repository root with .device/ carried.
start=$(date +%s)
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200; then
  timeout ${TABLES_BY:-590} bash docs/results/2026-12-06-s34/tables.sh 1
  cp "$OUT"/tables-1/bench.log "$OUT"/tables-1/peers.log "$OUT"/ 2>/dev/null
else
  bash docs/results/2026-12-07-s45/ab-405b.sh
  bash docs/results/2026-12-07-s44/ab-rule.sh
  if (($(date +%s) - start <= ${CALL10_BY:-330})); then
    bash docs/results/2026-12-07-s43/call10.sh
  else
    echo "call10.sh skipped: $(($(date +%s) - start)) s gone"
  fi
fi
