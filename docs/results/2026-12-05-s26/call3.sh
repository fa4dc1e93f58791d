#!/usr/bin/env bash
# Device call 3 (session 26; H200). The four large validation configs at 200
# tokens against the PyTorch peers (torch eager, merged, torch.compile), where
# session 23 measured mlpjit's heuristic plans 0.92-0.97x the best peer: the
# heuristic's plans and the tuned ones of s24 call4.sh (run as call 2 this
# session; .device/tune26v-plans.json) timed in one process beside the peers
# (python -m mlpjit.bench --tuning-file). Also 100 and 112 tokens on
# phi-3-mini (the 100-token slow spot, against the peers this time).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s26
warm_up
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
timeout 420 python3 -m mlpjit.bench \
  .device/V/{phi-3-medium-4k,gemma-2-27b,mistral-nemo-12b,llama-3.1-405b}.json \
  --tokens 200 --tuning-file .device/tune26v-plans.json \
  --json $L/peers200.json > $L/peers200.log 2> $L/peers200.err
echo "rc=$?" >> $L/peers200.log
mark after-200
timeout 120 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112,128 \
  --json $L/peers100.json > $L/peers100.log 2> $L/peers100.err
echo "rc=$?" >> $L/peers100.log
device_session_end
cat $L/peers200.log $L/peers100.log; tail -3 $L/peers200.err $L/peers100.err
cat $L/clocks.txt
cp $L/peers200.json $L/peers100.json $OUT/ 2>/dev/null
tar czf $OUT/logs3s26.tgz -C $L . && rm -rf $L
