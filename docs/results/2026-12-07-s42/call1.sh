#!/usr/bin/env bash
# Session 42, first call: on an H200 the issue's tables (session 34's
# tables.sh 1: the default sweep and the PyTorch peers on llama-3-8b and
# qwen2.5-7b); on an H100 session 41's prepared calls (the widened whole-K
# rule A/B, then ncu over cuBLASLt's kernels where it beats mlpjit). Then,
# as time allows, ab-swapcluster.sh (wide swapAB tiles in 2x1 clusters).
set -u
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
echo "gpu: $gpu"
case "$gpu" in
*H200*) bash docs/results/2026-12-06-s34/tables.sh 1
   NO_WARM_UP=1 AB_DEADLINE=120 bash docs/results/2026-12-07-s42/ab-swapcluster.sh ;;
*) bash docs/results/2026-12-07-s41/ab-halfsms.sh
   bash docs/results/2026-12-07-s41/ncu-cublas.sh
   NO_WARM_UP=1 AB_DEADLINE=110 bash docs/results/2026-12-07-s42/ab-swapcluster.sh ;;
esac
