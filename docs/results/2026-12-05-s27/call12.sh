#!/usr/bin/env bash
# Device call 12 (session 27, ran inline; the H200). (a) The exact last
# token tile in the whole forward on the two shapes call 10's harness A/B
# speaks for (llama-3-8b, the tp8 shard) at 48/100/200 tokens; (b) python's
# mlpjit alone (--peers none), the same point repeated, 3 rounds each: is
# the gap to mlpjit-bench the peers' history or noise of its own?
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs12s27
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
timeout 230 .device/bin/mlpjit-bench .device/fit/llama-3-8b.json .device/tp8/llama-3-70b-tp8-shard.json \
  --tokens 48,100,200 --ab-exact-last-tile --validate-rounds 3 > $L/forward.log 2> $L/forward.err
echo rc=$? >> $L/forward.log
timeout 150 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 112,112,112,112,100,100,128,128 \
  --peers none --rounds 3 --json $L/alone.json > $L/alone.log 2>&1
echo rc=$? >> $L/alone.log
device_session_end
sed -n '/ragged last token tile/,$p' $L/forward.log; tail -4 $L/forward.err; cat $L/alone.log
python3 -c "
import json
for r in json.load(open('$L/alone.json'))['rows']: print(r['M'], [round(v,1) for v in r['mlpjit_rounds_us']])"
cat $L/clocks.txt; tar czf $OUT/logs12s27.tgz -C $L .
