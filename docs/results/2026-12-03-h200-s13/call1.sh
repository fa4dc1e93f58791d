#!/usr/bin/env bash
# Device call 1 (session 13): the interleaved tuner on the fit set
# (../shared/models' distinct MLP shapes, carried as .device/fit5, plus the
# llama-3-70b tp8 shard as a config) at small and padded token counts. Its
# rows (fit13.jsonl) are what the planner's ping-pong and small-M down rules
# are fitted on; the validation configs only check them afterwards.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s13
timeout ${TUNE_TIMEOUT:-470} .device/bin/mlpjit-bench --validate .device/fit5 --tune \
  --tune-candidates 8 --tune-log $L/fit13.jsonl --tuning-file $L/fit13-tuning.json \
  --tokens 5,16,48,256,300,500,700 --validate-rounds 1 > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
device_session_end
sed -n '/validation sweep/,$p' $L/validate.log | tail -40
tail -n 2 $L/validate.err; wc -l $L/fit13.jsonl
cat $L/clocks.txt
tar czf $OUT/logs1s13.tgz -C $L . && rm -rf $L
