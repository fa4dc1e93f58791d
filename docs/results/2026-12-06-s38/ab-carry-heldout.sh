#!/usr/bin/env bash
# Session 38, call 5: the no-carry rule on held-out validation configs it was
# not adopted on (call 2 timed 7 other configs): heur = the committed planner
# (no carry above 1024 tokens), tuned = the plans with the carry (a build
# with `true &&` for `rLo <= kCarryEnd &&` in HeuristicKernelPlanner, dumped
# for the H100 and pinned: carry-plans/*.json), at token counts where the
# two differ. `--validate`, 3 interleaved rounds.
# Predicted: heur / tuned 0.97-1.00 (no carry faster or equal).
set -u
R=docs/results/2026-12-06-s38
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-carry-heldout
warm_up
export AB_TIMEOUT=80 AB_DEADLINE=${AB_DEADLINE:-200}
ab_validate .device/V/gemma-2-2b.json 2200,4200,6800 $R/carry-plans/gemma-2-2b.json
ab_validate .device/V/phi-3-medium-4k.json 2000,4100,6000 $R/carry-plans/phi-3-medium-4k.json
ab_validate .device/V/llama-2-7b.json 2000,3700,7400 $R/carry-plans/llama-2-7b.json
device_session_end
ab_report ab-carry-heldout
