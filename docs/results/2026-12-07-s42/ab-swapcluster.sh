#!/usr/bin/env bash
# Session 42: the wide swapAB plans (256 weight rows, whole K) at 272 and
# 300 tokens in 2x1 clusters, against the heuristic's same plans without.
# There the gate-up (and the tp8 shard's down) runs exactly two or four
# token tiles, so a cluster pairs two tiles that share a weight tile and
# each CTA loads half of it (multicast): the weights cross L2 once per two
# token tiles instead of twice. Where mlpjit trails (the tp8 shard at 300:
# 0.92x cuBLASLt merged; x floor 1.21-1.26 at 256) cuBLASLt runs its narrow
# tiles in clusters (session 22's ncu: 1x2 and 4x2). Plans:
# swapcluster-<gpu>/ (scripts/plans_as_tuning.py --where swapAB=1 --where
# splitK=1 --set clusterM=2 over the committed build's dump for that GPU).
# heur = committed plans, tuned = the same in 2x1 clusters.
# Predicted: 0.98-1.02 (session 19: clusters the fastest of 2 of 34 GEMMs
# at 160-256 tokens, by 2%; session 22: no change at 160 on the tp8 shard,
# where the stages, not L2 reads, limited the narrow tiles).
set -u
R=docs/results/2026-12-07-s42
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-swapcluster
[ -n "${NO_WARM_UP:-}" ] || warm_up
plans=$R/swapcluster-$(gpu_kind)
echo "plans: $plans" >> "$L/clocks.txt"
export AB_TIMEOUT=60 AB_DEADLINE=${AB_DEADLINE:-300}
ab_validate_list $plans <<'LIST'
llama-3-70b-tp8-shard 272,300
llama-3-8b 272,300
gemma-7b 272,300
LIST
device_session_end
ab_report ab-swapcluster
