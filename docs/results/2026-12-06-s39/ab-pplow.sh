#!/usr/bin/env bash
# Session 39 (ran on a build with this change, then reverted: see README):
# the plain GEMM's ping-pong priced lower off the fitted H200
# (DeviceModel::pingPongBandwidthExponent, 0.4872: on the H100 1.097 ->
# 0.911), against the committed planner's plans pinned (old-plans/*.json,
# dumped for the H100 from the build before, scripts/plans_as_tuning.py).
# heur = the new planner, tuned = the old plans; `--validate`, 3
# interleaved rounds, at the middle of changed ranges (358 ranges over the
# 18 configs and the tp8 shard change on the H100; none on the H200).
# Offline: the H100's training regret 1.0192 -> 1.0103, held out 1.0191 ->
# 1.0186 (the tuner's rows at 300-800: per down GEMM 0.80-1.06).
# Predicted: heur / tuned 0.93-1.00 at most points (the tp8 shard at 256
# about 0.97: session 38's 1.03x), up to 1.03 at mistral-nemo-12b and
# phi-3-medium-4k 700 (held-out rows where ping-pong 64x224 ran 6% faster).
# Run from the repository root on the GPU machine with .device/ carried.
set -u
R=docs/results/2026-12-06-s39
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-pplow
warm_up
export AB_TIMEOUT=80 AB_DEADLINE=${AB_DEADLINE:-470}
ab_validate_list $R/old-plans <<'LIST'
llama-3-70b-tp8-shard 256,300,430,680
llama-3-8b 256,300,370,480
qwen2.5-7b 256,300,480,680
gemma-2-9b 300,700
mistral-nemo-12b 300,700
phi-3-medium-4k 240,700
gemma-7b 300,560
phi-3-mini-4k 200,600
llama-2-7b 300,460
qwen2.5-32b 240,360
llama-3-70b 100,256
gemma-2-2b 300,800
llama-3.2-1b 300
qwen2.5-0.5b 700
LIST
device_session_end
ab_report ab-pplow
