#!/usr/bin/env bash
# Session 44, call 1: on an H200, the default-sweep table with the
# PyTorch peers (session 34's tables.sh 1); on any other GPU, ping-pong
# swapAB gate-ups at 129-256 tokens pinned (ab-pp256.sh).
# Run from the repository root with .device/ carried.
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200; then
  bash docs/results/2026-12-06-s34/tables.sh 1
else
  bash docs/results/2026-12-07-s44/ab-pp256.sh
fi
