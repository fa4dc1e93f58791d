#!/usr/bin/env bash
# Session 47, call 1: on an H200, the default-sweep table with the
# PyTorch peers (session 34's tables.sh 1; ppgated.patch, applied to the
# build, leaves every H200 plan as it was: its scale is 1 there); on an
# H100, session 46's ppgated A/B (ab-ppgated.sh; the steps are in that
# session's README). Run from the repository root with .device/ carried.
source scripts/device-lookup.sh
tables_on_h200 1
# Without the patch built the A/B would time the committed plans twice.
grep -q "M compiler/lib/Transforms/KernelHeuristic.cpp" .device/staged.txt 2>/dev/null ||
  { echo "the staged build is not ppgated.patch's (.device/staged.txt)"; exit 1; }
AB_DEADLINE=${AB_DEADLINE:-420} bash docs/results/2026-12-07-s46/ab-ppgated.sh
