#!/usr/bin/env bash
# Session 45: what session 44's call cut (its timeout): llama-3.1-405b
# (validation: checked, never fitted) at 256, 272 and 300 tokens with
# session 44's pins (../2026-12-07-s44/make_pp256.sh): at 256 a ping-pong
# swapAB gate-up in two 128-token tiles, at 272/300 the down GEMM's
# ping-pong twins of its wide swapAB plans (the gate-up there is the
# committed rule's own ping-pong swapAB plan). mlpjit-bench --validate,
# 3 interleaved rounds, pinned against the committed plans.
# Predicted (pinned / committed): 1.00-1.03 at 256 (llama-3-70b read 1.02:
# the planned tiles already fill 3.9 waves), 0.98-1.01 at 272/300 (the
# down GEMM's cooperative wide tile ran 0.99x ping-pong on llama-3-70b
# alone, session 43).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-405b
ab_begin docs/results/2026-12-07-s44/pp256 200 60
ab_validate_as llama-3.1-405b llama-3.1-405b 256,272,300 $V/llama-3.1-405b.json
device_session_end
ab_report ab-405b
