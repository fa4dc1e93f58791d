#!/usr/bin/env bash
# Session 38: on an H200, the default-sweep table with the PyTorch
# peers (session 34's tables.sh 1; mlpjit-bench checks every point against
# cuBLASLt and float64 before timing it); on any other GPU, check.sh.
# Run from the repository root with .device/ carried.
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200; then
  bash docs/results/2026-12-06-s34/tables.sh 1
else
  bash docs/results/2026-12-06-s38/check.sh
fi
