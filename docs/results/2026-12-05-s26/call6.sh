#!/usr/bin/env bash
# Device call 6 (session 26, H200; run inline, recorded here). The tuner at
# 200 tokens on two more large validation configs.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs6s26
mkdir -p /tmp/V3; cp .device/V/gemma-2-27b.json .device/V/qwen2.5-32b.json /tmp/V3/
timeout 230 .device/bin/mlpjit-bench /tmp/V3/*.json --tokens 200 --tune --tune-candidates 6 \
  --tune-log $L/tune26w.jsonl --tuning-file $L/tune26w-plans.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
grep -E "M=|rc=" $L/tune.log; tail -12 $L/tune.log
cat $L/clocks.txt
cp $L/tune26w.jsonl $L/tune26w-plans.json $OUT/ 2>/dev/null
tar czf $OUT/logs6s26.tgz -C $L . && rm -rf $L
