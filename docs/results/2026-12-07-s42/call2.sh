#!/usr/bin/env bash
# Session 42, second call (H100 or H200): ncu over every kernel of the bench
# runs at the tp8 shard's 300 and llama-3-8b/gemma-7b's 256 tokens, then
# session 34's tables.sh 1 (the default sweep, then every PyTorch peer on
# llama-3-8b and qwen2.5-7b).
set -u
nvidia-smi --query-gpu=name --format=csv,noheader | head -1
bash docs/results/2026-12-07-s42/ncu-cublas2.sh
bash docs/results/2026-12-06-s34/tables.sh 1
