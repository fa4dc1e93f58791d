#!/usr/bin/env bash
# Device call 2 (session 12), with interleaved timing (timeInterleaved):
# 1. an A/A check: --validate with an empty tuning file, so "tuned" is the
#    heuristic itself and heur/tn shows the noise of the comparison;
# 2. the tuner on the validation sweep again, its candidates now timed
#    interleaved, then heuristic vs tuned vs cuBLASLt (3 rounds).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s12
timeout ${AA_TIMEOUT:-150} .device/bin/mlpjit-bench --validate .device/val5 \
  --tuning-file .device/empty-tuning.json --tokens 5,48,100,300,700,2500 \
  --validate-rounds 2 > $L/aa.log 2> $L/aa.err
echo "rc=$?" >> $L/aa.log
mark after-aa
timeout ${TUNE_TIMEOUT:-400} .device/bin/mlpjit-bench --validate .device/val5 --tune \
  --tune-candidates 6 --tune-log $L/val-calib12b.jsonl --tuning-file $L/val-tuning12b.json \
  --tokens 5,48,100,300,700,2500 --validate-rounds 3 \
  > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
device_session_end
sed -n '/validation sweep/,$p' $L/aa.log | tail -33
sed -n '/validation sweep/,$p' $L/validate.log | tail -33
tail -n 2 $L/aa.err $L/validate.err; wc -l $L/val-calib12b.jsonl
cat $L/clocks.txt
tar czf $OUT/logs2s12.tgz -C $L . && rm -rf $L
