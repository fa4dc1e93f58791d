#!/usr/bin/env bash
# Session 37, call 3: on an H200, the default-sweep table with the
# PyTorch peers (session 34's tables.sh 1: mlpjit-bench's 28 points, then
# the peers with max-autotune on llama-3-8b and qwen2.5-7b); on any other
# GPU, steady.sh. Run from the repository root with .device/ carried.
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200; then
  bash docs/results/2026-12-06-s34/tables.sh 1
else
  bash docs/results/2026-12-06-s37/steady.sh
fi
