#!/usr/bin/env bash
# Session 43: ping-pong swapAB plans pinned (make_pingpong.sh, per GPU
# folder pingpong-<gpu_kind>/) against the committed plans, mlpjit-bench
# --validate, 3 interleaved rounds.
# Predicted (new / committed): 0.92-0.97 on llama-3-70b and the tp8 shard
# (cuBLASLt's GEMMs ran 0.93-0.95 of mlpjit's under ncu), 0.95-1.00 on the
# 7B gate-ups at 272/300, 0.97-1.03 at 256 (two 128-token tiles against
# the committed 128-token tiles without swapAB).
set -u
R=docs/results/2026-12-07-s43
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-pingpong
[ -n "${NO_WARM_UP:-}" ] || warm_up
V=$R/pingpong-$(gpu_kind)
export AB_TIMEOUT=${AB_TIMEOUT:-90} AB_DEADLINE=${AB_DEADLINE:-420}
# Each run's log: ab-v-<variant>.log (in call 8 the 256-token runs
# overwrote llama-3-8b's and gemma-7b's 272/300 logs, which kept their
# config's name).
ab() { # <variant file> <config> <tokens>
  ab_validate_as "$1" "$2" "$3" "$V/$1.json"
}
for v in ${VARIANTS:-llama-3-70b llama-3-70b-tp8-shard llama-3-8b gemma-7b llama-3-8b-256 gemma-7b-256 mistral-7b-v0.1 phi-3-mini-4k}; do
  case $v in
  *-256) ab $v ${v%-256} 256 ;;
  *) ab $v $v 272,300 ;;
  esac
done
device_session_end
ab_report ab-pingpong
