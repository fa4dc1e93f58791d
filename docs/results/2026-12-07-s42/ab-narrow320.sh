#!/usr/bin/env bash
# Session 42: narrow swapAB plans (128 weight rows, two token tiles of
# 136-160, whole K) planned at 257-320 tokens (narrowSwapPlanned), against
# the plans before pinned (narrow320-old-<gpu>/, dumped from the build
# before the change at 240, 256, 272 and 300). It changes the tp8 shard's
# two GEMMs and llama-3-70b's down GEMM at 257-320 on both GPUs; 240 and
# 256 are A/A controls. heur = new, tuned = old.
# Predicted: tp8 shard at 300 0.93-0.95 (call 4 pinned the same plans on
# the H100: 97.4 against 104.1 us), at 272 0.95-0.98; llama-3-70b
# 0.98-1.00 (its down GEMM ~1/3 of the forward; split 2 -> whole K).
set -u
R=docs/results/2026-12-07-s42
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-narrow320
[ -n "${NO_WARM_UP:-}" ] || warm_up
plans=$R/narrow320-old-$(gpu_kind)
echo "plans: $plans" >> "$L/clocks.txt"
export AB_TIMEOUT=90 AB_DEADLINE=${AB_DEADLINE:-200}
ab_validate_list $plans <<'LIST'
llama-3-70b-tp8-shard 240,256,272,300
llama-3-70b 240,272,300
LIST
device_session_end
ab_report ab-narrow320
