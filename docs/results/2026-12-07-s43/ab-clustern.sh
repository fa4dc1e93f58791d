#!/usr/bin/env bash
# Session 43: clusters of weight tiles sharing the multicast token tile
# (clusterN, new this session), pinned (make_variants.sh; per GPU folder
# clustern-<gpu_kind>/) against the committed plans, mlpjit-bench
# --validate, 3 interleaved rounds, one process each:
#   tp8-cn2 / tp8-cn4 / tp8-c2x4: the tp8 shard's narrow 128-row plans at
#     272 and 300 (both GEMMs) in 1x2, 1x4 and 2x4 clusters (cuBLASLt: 4x2
#     gate-up, 2x1 down, in its weight-rows-first order).
#   l70b-gn / l70b-gn-cn2: llama-3-70b's gate-up at 300 as cuBLASLt's narrow
#     128x152, 6 stages, without and with a 1x2 cluster (the committed plan
#     is wide 256x152, 4 stages; ncu: 413 us against cuBLASLt's 378);
#     l70b-gw-cn2 the wide one in 1x2; l70b-d-cn2 the down (152x128, 5
#     stages) in 1x2; l70b-both-cn2 both GEMMs as cuBLASLt.
#   l8b-g-cn2 / g7b-g-cn2: llama-3-8b's and gemma-7b's gate-up at 256
#     (128-token tiles without swapAB) in 1x2 (cuBLASLt's 256x128 1x2).
# Predicted (new / committed): tp8 0.95-0.99 at 300 with 2x4, 0.97-1.00
# with 1x2; llama-3-70b gate-up narrow in 1x2 0.93-0.97 of the forward (the
# ncu gap 0.91 on the gate-up, two thirds of the time), narrow alone
# 0.98-1.03; the 256-token gate-ups 0.98-1.01.
set -u
R=docs/results/2026-12-07-s43
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-clustern
[ -n "${NO_WARM_UP:-}" ] || warm_up
V=$R/clustern-$(gpu_kind)
export AB_TIMEOUT=${AB_TIMEOUT:-90} AB_DEADLINE=${AB_DEADLINE:-420}
# Each variant's log: ab-v-<variant>.log (call 1 named it ab-<variant>.log).
ab() { # <variant> <config> <tokens>
  ab_validate_as "$1" "$2" "$3" "$V/$1/$2.json"
}
for v in ${VARIANTS:-tp8-cn2 tp8-c2x4 l70b-gn-cn2 l70b-gn l70b-both-cn2 l70b-d-cn2 l70b-gw-cn2 tp8-cn4 l8b-g-cn2 g7b-g-cn2}; do
  case $v in
  tp8-*) ab $v llama-3-70b-tp8-shard 272,300 ;;
  l70b-*) ab $v llama-3-70b 300 ;;
  l8b-*) ab $v llama-3-8b 256 ;;
  g7b-*) ab $v gemma-7b 256 ;;
  esac
done
device_session_end
ab_report ab-clustern
