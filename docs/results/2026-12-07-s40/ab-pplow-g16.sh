#!/usr/bin/env bash
# Session 40: session 39's ping-pong term again (the plain GEMM's ping-pong
# priced lower off the H200, DeviceModel::forGpu: pingPongEfficiency x
# (bandwidth / 4916.736)^0.4872; a build of the uncommitted change in
# .device/term/), now over kernels whose cooperative 64-row tiles group 16
# token tiles (ab-group16.sh). Its two losses in session 39 (gemma-7b 560
# 1.15, qwen2.5-0.5b 700 1.13) were cooperative 64-row tiles above 512
# tokens. Against the committed plans pinned (../2026-12-06-s39/old-plans),
# `--validate`, 3 rounds, the points that moved most in session 39.
# Predicted: gemma-7b 560 and qwen2.5-0.5b 700 1.15/1.13 -> ~1.00; the wins
# kept (tp8 256 0.97, gemma-2-9b 700 0.96); geometric mean ~0.98.
set -u
cp .device/term/mlpjit-bench .device/bin/mlpjit-bench
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-pplow-g16
export AB_TIMEOUT=60 AB_DEADLINE=${AB_DEADLINE:-200}
ab_validate_list docs/results/2026-12-06-s39/old-plans <<'LIST'
gemma-7b 560,300
qwen2.5-0.5b 700
llama-3-70b-tp8-shard 256,300
gemma-2-9b 700,300
qwen2.5-7b 300,680
phi-3-medium-4k 700,240
mistral-nemo-12b 700
LIST
device_session_end
ab_report ab-pplow-g16
