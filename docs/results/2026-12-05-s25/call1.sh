#!/usr/bin/env bash
# Device call 1 of session 25: the two questions of session 24's calls that
# bear on the largest misses, in one call (machines came rarely this
# session, so one start has to answer both). Worst case about 9.5 minutes.
# (a) Harness checks against cuBLAS: the one-tile narrow swapAB tiles of
#     200-256 tokens (c131-c133), the 100-token down GEMMs (c129, c130),
#     stream-K on the gated 16-token swapAB tile (c134).
# (b) The 100-token slow spot: the whole forward with the intermediate as M
#     rows and padded to whole token tiles, interleaved in one process
#     (--ab-pad-intermediate, 3 rounds), phi-3-mini and the tp8 shard at
#     96-128 tokens on session 23's tuned plans (s24 call1's forward part).
#     Prediction (performance.md, session 24): 2-8% faster padded at
#     96-104, equal at 112/128.
# (c) M = 200 on the two validation configs furthest behind there
#     (mistral-nemo-12b 0.92, llama-3.1-405b 0.95 of the best peer): the
#     tuner with the one-tile candidate (held-out rows), then heuristic vs
#     tuned in one process (s24 call4 on two configs). Prediction: tuned
#     5-15% faster on llama-3.1-405b, about equal on mistral-nemo-12b.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s25
timeout 60 .device/harness-s24 c129_ c130_ c131_ c132_ c133_ c134_ > $L/harness.log 2>&1
echo "rc=$?" >> $L/harness.log
mark after-checks
warm_up
timeout 120 .device/bin/mlpjit-bench --ab-pad-intermediate --validate-rounds 3 \
  --tuning-file .device/tune23.json .device/fit/phi-3-mini-4k.json \
  .device/tp8/llama-3-70b-tp8-shard.json --tokens 96,100,104,112,128 \
  > $L/forward.log 2> $L/forward.err
echo "rc=$?" >> $L/forward.log
mark after-forward
mkdir -p /tmp/V200
cp .device/V/{mistral-nemo-12b,llama-3.1-405b}.json /tmp/V200/
timeout 170 .device/bin/mlpjit-bench /tmp/V200/*.json --tokens 200 --tune --tune-candidates 8 \
  --tune-log $L/tune25v.jsonl --tuning-file $L/tune25v-plans.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
mark after-tune
timeout 100 .device/bin/mlpjit-bench --validate /tmp/V200 --tuning-file $L/tune25v-plans.json \
  --tokens 200 --validate-rounds 3 > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
device_session_end
grep -E "^FAIL|passed|rc=" $L/harness.log; grep -c "^ok" $L/harness.log
sed -n '/as M rows vs padded/,$p' $L/forward.log; tail -2 $L/forward.err
grep -E "M=|rc=" $L/tune.log
sed -n '/validation sweep/,$p' $L/validate.log; tail -2 $L/validate.err
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune25v.jsonl $L/tune25v-plans.json $OUT/ 2>/dev/null
tar czf $OUT/logs1s25.tgz -C $L . && rm -rf $L
