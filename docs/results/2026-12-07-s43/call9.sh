#!/usr/bin/env bash
# Session 43, call 9: ab-pprule.sh (the planner rule as built), then the
# ping-pong swapAB pins call 8 lost (llama-3-8b and gemma-7b at 272/300).
set -u
bash "$(dirname "$0")/ab-pprule.sh"
NO_WARM_UP=1 VARIANTS="llama-3-8b gemma-7b" AB_DEADLINE=120 AB_TIMEOUT=50 \
  bash "$(dirname "$0")/ab-pingpong.sh"
