#!/usr/bin/env bash
# Next session's first device call (written in session 12, not run): the
# interleaved tuner on the fit set (../shared/models, carried as
# .device/models) at padded token counts, where the validation sweep's
# tuned plans were ping-pong 64-row tiles (M = 300: 9 of 10 GEMMs, 7-22%).
# Its rows (fit-pp.jsonl) are what a ping-pong rule in the planner may be
# fitted on; the validation configs only check it afterwards.
set -u
source "$(dirname "$0")/../../../../scripts/device-session.sh" logs-fit-pp
mkdir -p /tmp/fit4
cp .device/models/{llama-3-8b,qwen2.5-7b,gemma-7b,mistral-7b-v0.1}.json /tmp/fit4/
timeout ${TUNE_TIMEOUT:-420} .device/bin/mlpjit-bench --validate /tmp/fit4 --tune \
  --tune-candidates 10 --tune-log $L/fit-pp.jsonl --tuning-file $L/fit-pp-tuning.json \
  --tokens 300,500,700,1500 --validate-rounds 2 > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
device_session_end
sed -n '/validation sweep/,$p' $L/validate.log | tail -20
tail -n 2 $L/validate.err; wc -l $L/fit-pp.jsonl
cat $L/clocks.txt
tar czf $OUT/logs-fit-pp.tgz -C $L . && rm -rf $L
