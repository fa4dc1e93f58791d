#!/usr/bin/env bash
# Prepared in session 39 (not run): the committed planner's cooperative
# 64-row whole-K down tiles (one consumer warpgroup; above 1024 tokens on
# the H100, where plain ping-pong is no candidate) against the same tile in
# the ping-pong kernel, pinned (pp-plans/*.json: the committed H100 plans of
# those ranges with template sm90_tma_ws_pingpong, scripts/plans_as_tuning.py
# --roles down --set template=...). `--validate`, 3 rounds: heur = the
# committed planner, tuned = ping-pong. Session 39's tuner had cooperative
# 64x224 1.57x its ping-pong twin (gemma-7b's down at 560) and 1.23x the
# carried 128x192 (gemma-2-2b's at 2200); session 13 found plain ping-pong
# slower than 128-row tiles from 1024 tokens (H200), never against its twin.
# Predicted: heur / tuned 1.00-1.10 (ping-pong faster) where the cooperative
# tile takes several waves, 0.98-1.02 at one wave (gpt2, qwen2.5-0.5b).
# Run from the repository root on the GPU machine with .device/ carried.
set -u
R=docs/results/2026-12-06-s39
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-co64-pp
warm_up
export AB_TIMEOUT=80 AB_DEADLINE=${AB_DEADLINE:-470}
ab_validate_list $R/pp-plans <<'LIST'
gemma-2-2b 1850,2240
gemma-2-9b 1470
gemma-7b 1730
gpt2 1100,1300,1470,1600,1730,1850,5760,6720
llama-3.2-1b 2110
phi-3-mini-4k 1730
qwen2.5-0.5b 1050,1220,1340,1470,1850,5950
qwen2.5-7b 1470
LIST
device_session_end
ab_report ab-co64-pp
