#!/usr/bin/env bash
# Prepared in session 38 (not run): no carry from 64 tokens, i.e. every
# range above 64 keeps its own cost-model winner (kCarryEnd = 64 in
# KernelHeuristic.cpp; committed: 1024), against the committed planner.
# Shared kernels made the carry's saving (fewer kernels) nearly free: it
# adds 0-3 kernels a config. Where the plans differ (one token count in the
# middle of each differing run of tokens, 31 points on 14 configs), the
# no-carry plans come from a build with that constant, dumped for the H100
# (`mlpjit-dump --stage=kernels --json --sm-count=132 --memory-gbs=3352.32`)
# and pinned (nocarry64-plans/*.json, scripts/plans_as_tuning.py);
# `--validate`, 3 rounds: heur = the committed planner, tuned = no carry.
# Session 14 found every carry timed above 64 tokens slower than the range's
# own winner (the slack went 4% -> 2% then); session 38's call 2 found the
# same above 1024 (1.016 over 35 points).
# Predicted: heur / tuned 1.00-1.05, none below 0.98.
# Run from the repository root on the GPU machine with .device/ carried.
set -u
R=docs/results/2026-12-06-s38
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-nocarry64
warm_up
export AB_TIMEOUT=90 AB_DEADLINE=${AB_DEADLINE:-480}
ab_validate_list $R/nocarry64-plans <<'LIST'
gemma-2-27b 137
gemma-2-2b 241,609
gemma-2-9b 137
gemma-7b 153,545,625
gpt2 225,545
llama-3-70b 137,169,201,737
llama-3-8b 137,201
llama-3.1-405b 153,185,313,409
llama-3.2-1b 137,169,993
mistral-7b-v0.1 137,201
phi-3-medium-4k 97,609
phi-3-mini-4k 161
qwen2.5-0.5b 481,609
qwen2.5-7b 153,865
LIST
device_session_end
ab_report ab-nocarry64
