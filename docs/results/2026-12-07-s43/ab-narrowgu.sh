#!/usr/bin/env bash
# Session 43: the fit configs' wide swapAB gate-ups at 272 and 300 tokens
# pinned as their narrow twins (make_narrow_gu.sh) against the committed
# plans, mlpjit-bench --validate, 3 rounds.
# Predicted (new / committed): 0.97-1.00 where K >= 4096 (llama-3-70b 0.98
# in call 1), 0.99-1.03 on gemma-7b (K = 3072, its 24576-row gate-up).
set -u
R=docs/results/2026-12-07-s43
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-narrowgu
[ -n "${NO_WARM_UP:-}" ] || warm_up
export AB_TIMEOUT=${AB_TIMEOUT:-90} AB_DEADLINE=${AB_DEADLINE:-400}
printf '%s 272,300\n' llama-3-70b llama-3-8b gemma-7b mistral-7b-v0.1 phi-3-mini-4k |
  ab_validate_list $R/narrowgu-$(gpu_kind)
device_session_end
ab_report ab-narrowgu
