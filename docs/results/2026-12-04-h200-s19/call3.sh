#!/usr/bin/env bash
# Device call 3 (session 19): the validation configs where mlpjit trailed
# cuBLASLt in session 18 (M = 160, 200), heuristic vs --tune (whose
# candidates now include the narrow swapAB tiles, 2x1 clusters among them,
# and store the plain GEMM's narrow tiles with TMA) vs the best cuBLASLt
# baseline, in one process: how far the heuristic is from the tuner there.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s19
warm_up
timeout ${V_TIMEOUT:-480} .device/bin/mlpjit-bench --validate .device/V --tune \
  --tune-candidates 6 --tune-log $L/tune19v.jsonl --tuning-file $L/v-tuning.json \
  --tokens 160,200 --validate-rounds 2 > $L/v.log 2> $L/v.err
echo "rc=$?" >> $L/v.log
device_session_end
sed -n '/validation sweep/,$p' $L/v.log
grep "^\[" $L/v.log | head -40
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs3s19.tgz -C $L . && rm -rf $L
