#!/usr/bin/env bash
# Session 36, call 4: per-GEMM tuner rows where call 3's finer ranges lost
# (new / old 1.04 at 1500 on llama-3-8b, mistral-nemo-12b, gemma-2-9b,
# whose gate-up went from 128x224 to 128x256 in 2x1 clusters at 1409..1536,
# 12 token tiles, the fewest clustersPay allows; qwen2.5-0.5b 1.13 at 1300),
# and at 1900 (15 token tiles) for the clusters' other side.
# Run from the repository root on the GPU machine with .device/ carried.
# Predicted: 2x1 clusters slower than 128x224 without at 1500 on the H100,
# by 3-5%; at 1900 (15 tiles) within 1%.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" tune-ranges
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit --format=csv > $L/gpu.txt
warm_up
tune_config .device/fit/llama-3-8b.json 1500,1900 120 tune36r 10
tune_config .device/V/mistral-nemo-12b.json 1500 90 tune36r 10
tune_config .device/V/qwen2.5-0.5b.json 1300 60 tune36r 10
device_session_end
cat $L/gpu.txt
grep -h -e '->' -e 'rc=' -e 'note:' $L/tune-*.log | sed 's/ ([0-9]* candidates)//'
cat $L/clocks.txt
tar czf $OUT/tune-ranges.tgz -C $L .
