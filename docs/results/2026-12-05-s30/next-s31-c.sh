#!/usr/bin/env bash
# Prepared in session 30 (no device lent), not run (any sm_90 GPU, ~5
# minutes in one call; after next-s31-a.sh and -b.sh). The plain GEMM's
# ping-pong constant: fit_cost_model.py --only=pingpong on every training
# log gives 0.949 where the planner has 1.097 (training regret 1.0176 ->
# 1.0157, held-out 1.0082 -> 1.0086; 40 picks change, 24 better, 16 worse:
# a trade the tuner rows cannot settle). pp949-plans.json pins the down
# GEMMs' plans a planner with 0.949 makes (every ping-pong down tile at
# 225-960 tokens becomes a cooperative, swapAB or split one) at 256, 300,
# 400, 500, 700 and 800 tokens on five fit configs; --validate times them
# against the heuristic in one process, 3 rounds.
# Predictions (the tuner rows' per-GEMM gaps over the forward): the tp8
# shard 0.95-0.98 at 256 and 700; qwen2.5-7b 0.93-0.96 at 700; llama-3-8b
# 1.02-1.05 at 256 (ping-pong 64x128 is its fastest down tile there);
# elsewhere within 2%.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" next-s31-c
B=.device/bin/mlpjit-bench
mkdir -p $L/c
cp .device/fit/{llama-3-8b,qwen2.5-7b,gemma-7b,phi-3-mini-4k}.json .device/tp8/*.json $L/c/
timeout 280 $B --validate $L/c --tokens 256,300,400,500,700,800 \
  --tuning-file docs/results/2026-12-05-s30/pp949-plans.json --validate-rounds 3 \
  > $L/ab.log 2> $L/ab.err
echo rc=$? >> $L/ab.log
device_session_end
sed -n '/validation sweep/,$p' $L/ab.log; tail -2 $L/ab.err
cat $L/clocks.txt
tar czf $OUT/next-s31-c.tgz -C $L .
