#!/usr/bin/env bash
# Prepared in session 30 (no device lent), not run (any sm_90 GPU, ~9
# minutes in one call): llama-3.1-405b at 700 tokens, the point furthest
# behind the best peer (0.94 against torch.compile in session 29's call 1).
#   (a) the planner since session 29 (down GEMM wide 176x256, gate-up
#       128x256) against session 28's plans (both 128x256,
#       405b-head-plans.json), --validate, 3 rounds.
#   (b) the same against both GEMMs wide (405b-wide-plans.json; session 29's
#       call 2 forced that on the old planner: 5646 -> 5388 us), 3 rounds.
#   (c) the PyTorch peers (python -m mlpjit.bench, heuristic plans), 3 rounds.
# The configs are validation ones: these timings check the planner, nothing
# is fitted on them.
# Predictions (H100): (a) 0.97-0.99 (call 3's rows: the down GEMM 1823.5 ->
# 1712.5 us of ~5700); (b) both-wide 0.97-0.98 of the planner's (the
# gate-up's wide tile ran 4.3% ahead of 128x256 per GEMM); (c) 0.95-0.97
# against torch.compile, still behind.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" next-s31-b
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
B=.device/bin/mlpjit-bench
R=docs/results/2026-12-05-s30
warm_up
mkdir -p $L/c700
cp .device/V/llama-3.1-405b.json $L/c700/
timeout 150 $B --validate $L/c700 --tokens 700 --tuning-file $R/405b-head-plans.json \
  --validate-rounds 3 > $L/ab-head.log 2>&1
echo rc=$? >> $L/ab-head.log; mark ab-head
timeout 150 $B --validate $L/c700 --tokens 700 --tuning-file $R/405b-wide-plans.json \
  --validate-rounds 3 > $L/ab-wide.log 2>&1
echo rc=$? >> $L/ab-wide.log; mark ab-wide
timeout 200 python3 -m mlpjit.bench $L/c700/*.json --tokens 700 --rounds 3 \
  --json $L/peers700.json > $L/peers700.log 2> $L/peers700.err
echo rc=$? >> $L/peers700.log
device_session_end
grep -h -A12 'heuristic' $L/ab-head.log $L/ab-wide.log | head -30
cat $L/peers700.log; tail -2 $L/peers700.err; cat $L/clocks.txt
tar czf $OUT/next-s31-b.tgz -C $L .
