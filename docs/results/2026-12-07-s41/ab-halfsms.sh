#!/usr/bin/env bash
# Prepared in session 41 (not run): the whole-K rule widened (no whole-K
# plan of the plain GEMM in tiles under half the SMs where K >= 4096,
# wholeKLatencyBound) against the plans before it pinned (halfsms-old-plans/,
# dumped for the H100 at 132 SMs / 3352 GB/s from the build before the
# change), `--validate`, 3 rounds. It changes only the H100's down GEMMs at
# 33-64 tokens, on 8 configs: 64x64 whole K -> split 2 (llama-2-7b,
# llama-3-8b, mistral-7b), -> 64x96 split 2 (phi-3-mini), 64x96/64x128 whole
# K -> 64x64 whole K (mistral-nemo, phi-3-medium, qwen2.5-32b, llama-3-70b).
# The tuner's rows at 48 tokens (H100): llama-2-7b's down 39.0 -> 35.2 us,
# phi-3-mini 24.3 -> 23.7, mistral-nemo 54.2 -> 53.4, phi-3-medium 66.7 ->
# 65.7. heur = the new rule, tuned = the old plans.
# Predicted: forward new / old 0.96-0.98 at 48 tokens for the split
# configs (their down GEMM ~30% of the forward), 0.99-1.00 for the rest.
set -u
R=docs/results/2026-12-07-s41
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-halfsms
[ -n "${NO_WARM_UP:-}" ] || warm_up
export AB_TIMEOUT=60 AB_DEADLINE=${AB_DEADLINE:-300}
ab_validate_list $R/halfsms-old-plans <<'LIST'
llama-2-7b 40,48,64
llama-3-8b 40,48,64
mistral-7b-v0.1 40,48,64
phi-3-mini-4k 40,48,64
mistral-nemo-12b 40,48,64
phi-3-medium-4k 40,48,64
qwen2.5-32b 40,48,64
llama-3-70b 40,48,64
LIST
device_session_end
ab_report ab-halfsms
