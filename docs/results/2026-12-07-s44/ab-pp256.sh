#!/usr/bin/env bash
# Session 44: ping-pong swapAB gate-ups pinned at 129-256 tokens on the
# long-K configs (make_pp256.sh, per GPU folder pp256-<gpu_kind>/) against
# the committed plans, mlpjit-bench --validate, 3 interleaved rounds;
# llama-3.1-405b (validation: checked, never fitted) also with its down
# GEMM's ping-pong twins at 272/300.
# Predicted (new / committed): 0.95-0.99 on llama-3-70b at 144-176 (one
# token tile, cooperative wide swapAB now: the 300-token gap, 0.92, was the
# wide tile's instructions and its shared wait), 0.97-1.01 at 200-256 (two
# token tiles of 104-128: each warpgroup's tile halves, the epilogue share
# doubles); tp8 shard 0.98-1.02 (narrow 80-112 cooperative tiles now, 7-8
# stages); llama-3.1-405b like llama-3-70b, its down twins 0.97-1.00.
set -u
R=docs/results/2026-12-07-s44
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-pp256
[ -n "${NO_WARM_UP:-}" ] || warm_up
V=$R/pp256-$(gpu_kind)
export AB_TIMEOUT=${AB_TIMEOUT:-120} AB_DEADLINE=${AB_DEADLINE:-420}
ab_validate_as llama-3-70b llama-3-70b 144,176,200,240,256 $V/llama-3-70b.json
ab_validate_as tp8 llama-3-70b-tp8-shard 144,176,200,240,256 $V/llama-3-70b-tp8-shard.json
ab_validate_as llama-3.1-405b llama-3.1-405b 144,176,200,256,272,300 $V/llama-3.1-405b.json
device_session_end
ab_report ab-pp256
