#!/usr/bin/env bash
# Session 36, call 5: 2x1 clusters only from 16 token tiles (were 12), on
# top of the 128-token ranges, against the plans before both (old-plans/,
# pinned), where call 3 lost (1500: llama-3-8b, mistral-nemo-12b,
# gemma-2-9b, qwen2.5-7b) and where the gate-up plan moves too (1200).
# Run from the repository root on the GPU machine with .device/ carried.
# Predicted: 1500 at 0.99-1.01 of the old plans (call 3: 1.01-1.04) if the
# clusters were the loss; 1.03-1.04 again if 128x256 tiles' tail wave
# (10.2 waves at 12 token tiles) was.
set -u
R=docs/results/2026-12-06-s36
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-clusters
warm_up
export AB_TIMEOUT=70 AB_DEADLINE=220
for c in fit/llama-3-8b V/mistral-nemo-12b V/gemma-2-9b fit/qwen2.5-7b; do
  ab_validate .device/$c.json 1200,1500 $R/old-plans/$(basename $c).json
done
device_session_end
for f in $L/ab-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' $f; done
grep -h "rel. error" $L/*.log | grep -o "rel. error [0-9.e-]*" | sort -k3 -g | tail -1
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/ab-clusters.tgz -C $L .
