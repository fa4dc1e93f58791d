#!/usr/bin/env bash
# Device call 16 (prepared in session 27, not run; the H200). The tuner at
# 176/200/240 tokens on the five fit shapes again (session 24's call3.sh,
# run as call 2 this session), now with the exact last token tile on (the
# default since 9eec70a) and the one-tile swapAB tile at every split
# (38d7c36). Needs .device staged at 38d7c36 or later.
# Predictions: (a) the gate-up misses of call 2 shrink below 5% (llama-3-8b
# at 200: 128x224 95.1 vs wide swapAB 90.2 us; gemma-7b at 240: 128x256
# 125.7 vs 118.6), as both were 128-row tiles whose last box crossed x's
# end (harness c29: 1.04 at 200); (b) split 3 of the one-tile down tile
# still loses to the heuristic on llama-3-8b, qwen2.5-7b and the tp8 shard.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs16s27
warm_up
timeout 480 .device/bin/mlpjit-bench \
  .device/fit/phi-3-mini-4k.json .device/fit/llama-3-8b.json .device/fit/qwen2.5-7b.json \
  .device/fit/gemma-7b.json .device/tp8/llama-3-70b-tp8-shard.json \
  --tokens 176,200,240 --tune --tune-candidates 8 --tune-log $L/tune27.jsonl \
  --tuning-file $L/tune27-plans.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
grep -E "M=|rc=" $L/tune.log | head -40
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune27.jsonl $L/tune27-plans.json $OUT/ 2>/dev/null
tar czf $OUT/logs16s27.tgz -C $L . && rm -rf $L
