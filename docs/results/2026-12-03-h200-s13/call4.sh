#!/usr/bin/env bash
# Device call 4 (session 13, the budget's last minutes): diagnosis only, on
# a validation config (not to be fitted on): the tuner's candidates for
# llama-3.1-405b at M = 300, where the heuristic ran 0.84x cuBLASLt (call 3).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s13
timeout ${TUNE_TIMEOUT:-140} .device/bin/mlpjit-bench --validate .device/v405 --tune \
  --tune-candidates 8 --tune-log $L/v405.jsonl --tuning-file $L/v405-tuning.json \
  --tokens 300 --validate-rounds 1 > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
device_session_end
tail -n 4 $L/validate.err; wc -l $L/v405.jsonl
cat $L/clocks.txt
tar czf $OUT/logs4s13.tgz -C $L . && rm -rf $L
