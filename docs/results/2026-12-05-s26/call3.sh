#!/usr/bin/env bash
# Device call 3 (session 26, H200; run inline, recorded here). Call 2's two
# configs at 200 tokens against the PyTorch peers, heuristic and tuned plans
# (.device/tune26v-plans.json = call 2's) in one process; phi-3-mini at
# 96-112 tokens against the peers, unpadded and padded intermediate.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s26
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
timeout 300 python3 -m mlpjit.bench .device/V/{phi-3-medium-4k,mistral-nemo-12b}.json \
  --tokens 200 --tuning-file .device/tune26v-plans.json --json $L/peers200.json \
  > $L/peers200.log 2> $L/peers200.err
echo "rc=$?" >> $L/peers200.log
mark after-200
for pad in 0 1; do
  MLPJIT_PAD_INTERMEDIATE=$pad timeout 100 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json \
    --tokens 96,100,112 > $L/peers100-pad$pad.log 2> $L/peers100-pad$pad.err
  echo "rc=$?" >> $L/peers100-pad$pad.log
done
device_session_end
cat $L/peers200.log $L/peers100-pad0.log $L/peers100-pad1.log
cat $L/clocks.txt
cp $L/peers200.json $OUT/
tar czf $OUT/logs3s26.tgz -C $L . && rm -rf $L
