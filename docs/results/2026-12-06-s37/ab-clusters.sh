#!/usr/bin/env bash
# Session 37, call 1: 2x1 clusters only from 16 token tiles of 128 (were
# 12; session 36's Next 2) against the plans before (old-plans/*.json:
# scripts/plans_as_tuning.py over the previous build's `mlpjit-dump
# --stage=kernels --json --sm-count=132 --memory-gbs=3352.32`), pinned,
# `mlpjit-bench --validate`, 3 interleaved rounds (heur = new, tuned = old),
# at 1200, 1500, 1700 and 1900 tokens on the configs whose gate-up plan
# changes there (gate-up 128x256 c2 -> c1 at 1409..1792 on most; 128x224 ->
# 128x256 at 1153..1408 on llama-3-8b and mistral-7b; ping-pong 64x256 on
# llama-3.2-1b, gemma-2-2b and phi-3-mini-4k). Then two single-GEMM
# variants of the heuristic's own plans (the tuner's faster candidates):
# gpt2's down GEMM in 64x64 split 2 at 200-300 tokens, qwen2.5-0.5b's in
# 64x192 at 1300.
# Run from the repository root on the GPU machine with .device/ carried.
# Predicted: new / old 0.99-1.01 where only the cluster goes (H100 pairs
# at 12 token tiles 0.99-1.01), 0.96-0.97 at 1500 where session 36 lost 4%
# (llama-3-8b, mistral-nemo-12b, gemma-2-9b) if the clusters were the loss;
# gpt2 at 300 3-5% faster with the split down GEMM (2.3 of 19 µs), qwen2.5-0.5b
# at 1300 5-10% faster (6.7 µs of ~80).
set -u
R=docs/results/2026-12-06-s37
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-clusters
warm_up
export AB_TIMEOUT=75 AB_DEADLINE=470
for c in fit/llama-3-8b V/mistral-nemo-12b V/gemma-2-9b fit/qwen2.5-7b fit/phi-3-mini-4k \
  V/llama-3.2-1b fit/gemma-7b fit/mistral-7b-v0.1 V/gemma-2-2b V/llama-2-7b V/qwen2.5-32b; do
  ab_validate .device/$c.json 1200,1500,1700,1900 $R/old-plans/$(basename $c).json
done
AB_DEADLINE=520 ab_validate .device/fit/gpt2.json 200,250,300 $R/gpt2-down-64x64s2.json
AB_DEADLINE=530 ab_validate .device/V/qwen2.5-0.5b.json 1300 $R/qwen05-down-64x192.json
device_session_end
for f in $L/ab-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' $f; done
grep -h "rel. error" $L/*.log | grep -o "rel. error [0-9.e-]*" | sort -k3 -g | tail -1
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/ab-clusters.tgz -C $L .
