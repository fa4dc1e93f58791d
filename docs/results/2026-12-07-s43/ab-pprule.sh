#!/usr/bin/env bash
# Session 43: the planner's ping-pong swapAB rule (pingPongSwapPlanned:
# gated GEMMs over K >= 8192 at 257-320 tokens), built and staged, against
# the gate-up plans before it pinned (make_rule_old.sh: pprule-old-<gpu>/),
# mlpjit-bench --validate, 3 rounds: llama-3-70b and its tp8 shard (fit
# set) at 260, 272, 300 and 320 tokens; llama-3.1-405b (validation, K =
# 16384) at 272 and 300.
# Predicted (new / old): llama-3-70b 0.92-0.94 at 272/300 (call 8's 1.07-1.08
# pinned), 0.93-0.97 at 260/320 (6 stages at 136 tokens; 160-token tiles);
# tp8 0.97-0.99; llama-3.1-405b 0.92-0.97.
set -u
R=docs/results/2026-12-07-s43
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-pprule
[ -n "${NO_WARM_UP:-}" ] || warm_up
V=$R/pprule-old-$(gpu_kind)
export AB_TIMEOUT=${AB_TIMEOUT:-100} AB_DEADLINE=${AB_DEADLINE:-300}
printf '%s\n' "llama-3-70b 260,272,300,320" "llama-3-70b-tp8-shard 260,272,300,320" \
  "llama-3.1-405b 272,300" | ab_validate_list "$V"
device_session_end
ab_report ab-pprule
