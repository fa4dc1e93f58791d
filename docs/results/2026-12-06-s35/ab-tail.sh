#!/usr/bin/env bash
# Session 35, call 4: the HBM term's last partial wave (a tail of CTAs
# streams its share alone; KernelHeuristic.cpp estimateMicros) against the
# plans before it, pinned (old-*-plans.json: scripts/plans_as_tuning.py over
# the previous build's `mlpjit-dump --stage=kernels --json --sm-count=132
# --memory-gbs=3352.32`), at the only ranges it changes on the H100:
# phi-3-medium-4k's gate-up at 65-128 and 129-144, llama-3.1-405b's at
# 129-144 (validation configs; no fit config's plan changes). Then the
# validation sweep on mistral-nemo-12b, which call 3 skipped.
#   bash ab-tail.sh        (from the repository root, .device/ carried)
set -u
R=docs/results/2026-12-06-s35
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-tail
warm_up
AB_TIMEOUT=150 ab_validate .device/V/phi-3-medium-4k.json 100,130,140 $R/old-phi3m-plans.json
AB_TIMEOUT=200 ab_validate .device/V/llama-3.1-405b.json 130,140 $R/old-405b-plans.json
c=mistral-nemo-12b
mkdir -p $L/V-$c && cp .device/V/$c.json $L/V-$c/
timeout 170 .device/bin/mlpjit-bench --validate $L/V-$c --tokens 5,48,100,300,700,2500 \
  --tune --tuning-file $L/tuned-$c.json --tune-log $L/tune-$c.jsonl > $L/validate-$c.log 2>&1
echo rc=$? >> $L/validate-$c.log; mark $c
device_session_end
for f in $L/ab-*.log $L/validate-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' $f; done
grep -h "rel. error" $L/*.log | grep -o "rel. error [0-9.e-]*" | sort -k3 -g | tail -1
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/ab-tail.tgz -C $L .
