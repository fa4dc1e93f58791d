#!/usr/bin/env bash
# Device call 4 (prepared in session 24, not run). M = 200 on the large
# validation configs, where mlpjit ran 0.92-0.97x the best PyTorch peer
# (session 23) with 200 tokens in two 128-row tiles (gate-up ~480 TFLOP/s):
# the tuner at 200 tokens (its new one-tile narrow swapAB candidate among
# them; held-out rows, never fitted), then the whole forward with the
# heuristic's plans against the tuned ones, interleaved in one process
# (--validate, 3 rounds). Prediction: the tuned forward 5-15% faster on
# llama-3.1-405b (832 weight tiles of 128 rows: 6.3 waves, so one token tile
# loses little to the last wave) and gemma-2-27b; about equal on
# phi-3-medium and mistral-nemo-12b (224-280 tiles, 1.7-2.1 waves).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s24
warm_up
mkdir -p /tmp/V200
cp .device/V/{phi-3-medium-4k,gemma-2-27b,mistral-nemo-12b,llama-3.1-405b}.json /tmp/V200/
timeout 330 .device/bin/mlpjit-bench /tmp/V200/*.json --tokens 200 --tune --tune-candidates 8 \
  --tune-log $L/tune24v.jsonl --tuning-file $L/tune24v-plans.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
mark after-tune
timeout 180 .device/bin/mlpjit-bench --validate /tmp/V200 --tuning-file $L/tune24v-plans.json \
  --tokens 200 --validate-rounds 3 > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
device_session_end
grep -E "M=|rc=" $L/tune.log
sed -n '/validation sweep/,$p' $L/validate.log; tail -2 $L/validate.err
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune24v.jsonl $L/tune24v-plans.json $OUT/ 2>/dev/null
tar czf $OUT/logs4s24.tgz -C $L . && rm -rf $L
