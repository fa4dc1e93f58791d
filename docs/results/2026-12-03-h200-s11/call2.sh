#!/usr/bin/env bash
# Device call 2 (session 11), if call 1 leaves device time: the settled
# tuner at M = 1 and 16 on the shards of the validation configs (the check
# set of call 1's step 4), then heuristic vs tuned whole forward, 2 rounds.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s11
R=docs/results/2026-12-03-h200-s11
timeout ${CHECK_TIMEOUT:-380} .device/bin/mlpjit-bench --validate $R/shards-check --tune \
  --tune-candidates 6 --tune-log $L/calib14-check.jsonl \
  --tuning-file $L/tune14-check.json --tokens 1,16 --validate-rounds 2 \
  > $L/shards-check.log 2> $L/shards-check.err
echo "rc=$?" >> $L/shards-check.log
device_session_end
grep -E "\] (gate_up|down)" $L/shards-check.log | cut -c1-150
sed -n '/validation sweep/,$p' $L/shards-check.log | tail -20
tail -2 $L/shards-check.err
tar czf $OUT/logs2s11.tgz -C $L . && rm -rf $L
