#!/usr/bin/env bash
# Device call 1 (session 12): the settled tuner on the validation sweep
# (5 configs x 6 token counts, 6 candidates per GEMM, 400 ms settle per
# candidate), then heuristic vs tuned vs best cuBLASLt, 2 rounds.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s12
timeout ${TUNE_TIMEOUT:-560} .device/bin/mlpjit-bench --validate .device/val5 --tune \
  --tune-candidates 6 --tune-log $L/val-calib12.jsonl --tuning-file $L/val-tuning12.json \
  --tokens 5,48,100,300,700,2500 --validate-rounds 2 \
  > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
device_session_end
sed -n '/validation sweep/,$p' $L/validate.log | tail -40
tail -3 $L/validate.err; wc -l $L/val-calib12.jsonl
cat $L/clocks.txt
tar czf $OUT/logs1s12.tgz -C $L . && rm -rf $L
