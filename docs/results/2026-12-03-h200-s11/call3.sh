#!/usr/bin/env bash
# Device call 3 (session 11): the planner change (the two-token-tile winner
# is no longer overridden by a carried 16-token tile) in the whole forward:
# new heuristic (8x128 swapAB gate-up) vs the old plans forced by
# next/old-16-token-tiles.json, on the four shards whose plans changed,
# interleaved, 4 rounds, every variant settled 400 ms.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s11
R=docs/results/2026-12-03-h200-s11
timeout ${AB_TIMEOUT:-200} .device/bin/mlpjit-bench --validate $R/next/ab \
  --tuning-file $R/next/old-16-token-tiles.json --tokens 1,16 --validate-rounds 4 \
  > $L/ab.log 2> $L/ab.err
echo "rc=$?" >> $L/ab.log
device_session_end
sed -n '/validation sweep/,$p' $L/ab.log; tail -2 $L/ab.err; cat $L/clocks.txt
tar czf $OUT/logs3s11.tgz -C $L . && rm -rf $L
