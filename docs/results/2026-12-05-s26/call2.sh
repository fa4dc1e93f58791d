#!/usr/bin/env bash
# Device call 2 (session 26, H200; run inline, recorded here). The padded
# intermediate in the whole forward on four fit shapes at 96-128 tokens
# (call 1's harness A/B found the slow spot), then the tuner at 200 tokens on
# the two validation configs furthest behind the peers there.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s26
warm_up
timeout 230 .device/bin/mlpjit-bench .device/fit/phi-3-mini-4k.json \
  .device/tp8/llama-3-70b-tp8-shard.json .device/fit/llama-3-8b.json .device/fit/qwen2.5-7b.json \
  --tokens 96,100,112,128 --ab-pad-intermediate --validate-rounds 3 > $L/pad-ab.log 2> $L/pad-ab.err
echo "rc=$?" >> $L/pad-ab.log
mark after-pad
mkdir -p /tmp/V2; cp .device/V/{phi-3-medium-4k,mistral-nemo-12b}.json /tmp/V2/
timeout 250 .device/bin/mlpjit-bench /tmp/V2/*.json --tokens 200 --tune --tune-candidates 8 \
  --tune-log $L/tune26v.jsonl --tuning-file $L/tune26v-plans.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
tail -40 $L/pad-ab.log; grep -E "M=|rc=" $L/tune.log
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune26v-plans.json $OUT/
tar czf $OUT/logs2s26.tgz -C $L . && rm -rf $L
