#!/usr/bin/env bash
# Prepared in session 40 (not run): session 39's ping-pong term (the plain
# GEMM's pingPongEfficiency x (bandwidth / the H200's)^0.4872) only where
# the weights outgrow the 50 MiB L2 (term-bigweights.patch). Over the
# group-16 kernels the unrestricted term ran 0.998 (call 3): its wins were all
# large-weight GEMMs (the tp8 shard 256 0.97, gemma-7b 560 0.97, gemma-2-9b
# 700 0.96, qwen2.5-7b 680 0.94), its big loss a small one (qwen2.5-0.5b 700
# 1.15, an 8.7 MB down GEMM), which the restriction leaves alone. On the H100
# it changes 61 planner ranges over 13 configs (none on the H200), the
# committed plans pinned (../2026-12-06-s39/old-plans: the planner has not
# changed since they were dumped). heur = the term, tuned = committed.
# Build: git apply docs/results/2026-12-07-s40/term-bigweights.patch &&
#   ninja -C build bin/mlpjit-bench && mkdir -p .device/term &&
#   cp build/bin/mlpjit-bench .device/term/ && git checkout compiler/
# (over a staged .device of the committed build).
# Predicted: geometric mean ~0.985 (call 3's points without qwen2.5-0.5b),
# the tp8 shard at 256 ~0.97, phi-3-medium-4k 240 still ~1.04.
set -u
cp .device/term/mlpjit-bench .device/bin/mlpjit-bench
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-pp-big
[ -n "${NO_WARM_UP:-}" ] || warm_up
export AB_TIMEOUT=60 AB_DEADLINE=${AB_DEADLINE:-400}
ab_validate_list docs/results/2026-12-06-s39/old-plans <<'LIST'
llama-3-70b-tp8-shard 256,300,430,700
gemma-7b 300,560,640
qwen2.5-7b 256,300,500,680
gemma-2-9b 300,500,700
llama-3-8b 256,300,480,800
phi-3-medium-4k 240,700
mistral-nemo-12b 300,700
llama-2-7b 300,460
qwen2.5-32b 240,360
llama-3-70b 100,256
LIST
device_session_end
ab_report ab-pp-big
