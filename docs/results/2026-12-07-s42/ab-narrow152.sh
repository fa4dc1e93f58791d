#!/usr/bin/env bash
# Session 42: what cuBLASLt runs at the tp8 shard's 300 tokens (ncu-cublas2:
# gate-up nvjet 128x152_64x6_4x2, 112 CTAs, 52.2 us under ncu against
# mlpjit's swapAB 80x256, 4 stages, 62.7; down 128x152_64x6_2x1, 27.2
# against 31.3) in mlpjit's kernel space: narrow swapAB, 128 weight rows by
# 152 tokens (two token tiles), 6 stages, whole K, with and without a 2x1
# cluster (mlpjit has no 4x2). Pinned variants (narrow152/<v>/, from the
# committed H100 plans at 300 tokens): g1/g2 the gate-up alone, d5-1/d5-2
# the down alone (5 stages: call 3's d1/d2/gd1/gd2 pinned 6, which do not
# fit, and were removed), gd5-1/gd5-2 both, cluster 1 / 2 (VARIANTS picks).
# heur = committed plans.
# Predicted: the gate-up 0.95-1.00 of the committed (6 stages against 4:
# session 22's bytes-in-flight rule; the 4x2 multicast not reproduced), the
# down 0.95-1.0.
set -u
R=docs/results/2026-12-07-s42
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-narrow152
[ -n "${NO_WARM_UP:-}" ] || warm_up
export AB_TIMEOUT=40 AB_DEADLINE=${AB_DEADLINE:-200}
for v in ${VARIANTS:-g1 g2 d5-1 d5-2 gd5-1 gd5-2}; do
  ab_validate .device/tp8/llama-3-70b-tp8-shard.json 272,300 $R/narrow152/$v/llama-3-70b-tp8-shard.json
  mv "$L/ab-llama-3-70b-tp8-shard.log" "$L/ab-$v.log"
done
device_session_end
ab_report ab-narrow152
