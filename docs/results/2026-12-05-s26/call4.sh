#!/usr/bin/env bash
# Device call 4 (session 26, H200; run inline, recorded here). Call 2's tuned
# plans against the heuristic's in one mlpjit-bench process (--validate), and
# phi-3-mini through mlpjit-bench and python -m mlpjit.bench --compare, since
# call 3's python numbers disagreed with mlpjit-bench's.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s26
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
mkdir -p /tmp/V2; cp .device/V/{phi-3-medium-4k,mistral-nemo-12b}.json /tmp/V2/
timeout 200 .device/bin/mlpjit-bench --validate /tmp/V2 --tuning-file .device/tune26v-plans.json \
  --tokens 200 --validate-rounds 3 > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
timeout 60 .device/bin/mlpjit-bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112 \
  --json $L/mb.json > $L/mb.log 2>&1
timeout 100 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112 \
  --compare $L/mb.json > $L/py.log 2>&1
timeout 60 .device/bin/mlpjit-dump .device/fit/phi-3-mini-4k.json --stage=kernels > $L/kernels.log 2>&1
device_session_end
sed -n '/validation sweep/,$p' $L/validate.log; tail -8 $L/mb.log; grep -v compiling $L/py.log
cat $L/clocks.txt
tar czf $OUT/logs4s26.tgz -C $L . && rm -rf $L
