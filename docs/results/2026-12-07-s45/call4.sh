#!/usr/bin/env bash
# Session 45, call 4 (the last ~330 s of device time): on an H200, the
# default sweep of mlpjit-bench alone (session 34's tables.sh 1 cut after
# its bench, before the peers: the time left holds no more); on any other
# GPU, the two validation points behind cuBLASLt (calls 2-3: gemma-2-2b at
# 5 tokens 0.98, phi-3-medium-4k at 300 0.99) timed again with their
# neighbours, mlpjit-bench (heuristic plans, both cuBLASLt baselines),
# two processes each. Predicted: within 2% of cuBLASLt either way (ties).
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200; then
  timeout ${TABLES_BY:-230} bash docs/results/2026-12-06-s34/tables.sh 1
  cp "$OUT"/tables-1/bench.log "$OUT"/tables-1/clocks.txt "$OUT"/ 2>/dev/null
  exit 0
fi
source "$(dirname "$0")/../../../scripts/device-session.sh" ties
warm_up
for run in 1 2; do
  timeout 60 .device/bin/mlpjit-bench .device/V/gemma-2-2b.json --tokens 1,5,16 \
    > $L/gemma-2-2b-$run.log 2>&1; mark gemma-2-2b-$run
  timeout 60 .device/bin/mlpjit-bench .device/V/phi-3-medium-4k.json --tokens 256,300,320 \
    > $L/phi-3-medium-4k-$run.log 2>&1; mark phi-3-medium-4k-$run
done
device_session_end
for f in $L/gemma-2-2b-*.log $L/phi-3-medium-4k-*.log; do echo "== $f"; tail -8 $f; done
cat $L/clocks.txt
tar czf $OUT/ties.tgz -C $L .
