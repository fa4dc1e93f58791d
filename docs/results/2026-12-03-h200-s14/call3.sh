#!/usr/bin/env bash
# Device call 3 (session 14), with the L2 refit (the new planner):
# 1. The llama-3-70b tp8 shard at M = 300 and 700, where mlpjit trails
#    cuBLASLt (0.90 and 0.92 in calls 1-2): the tuner's candidates (8 a
#    GEMM, interleaved) and heuristic vs tuned vs cuBLASLt, 2 rounds. At
#    700 the gate-up plan is ping-pong 64x256 carried from 705..768, which
#    the model puts 2.3% behind 64x224 at 641..704.
# 2. Held out: the five validation configs against session 12's tuned plans
#    at M = 300 and 700, where the new planner changed plans.
# 3. gemma-2-27b and gemma-2-9b at M = 5, 48, 100, 2500 (never run), vs
#    cuBLASLt.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s14
timeout ${TUNE_TIMEOUT:-170} .device/bin/mlpjit-bench --validate .device/tp8 --tune \
  --tune-candidates 8 --tune-log $L/tp8.jsonl --tuning-file $L/tp8-tuning.json \
  --tokens 300,700 --validate-rounds 2 > $L/tp8.log 2> $L/tp8.err
echo "rc=$?" >> $L/tp8.log
mark after-tp8
timeout ${VAL_TIMEOUT:-200} .device/bin/mlpjit-bench --validate .device/val5 \
  --tuning-file .device/val-tuning12b.json --tokens 300,700 --validate-rounds 1 \
  > $L/val5.log 2> $L/val5.err
echo "rc=$?" >> $L/val5.log
mark after-val5
timeout ${REST_TIMEOUT:-100} .device/bin/mlpjit-bench --tokens 5,48,100,2500 \
  .device/valrest2/gemma-2-27b.json .device/valrest2/gemma-2-9b.json \
  --json $L/rest.json > $L/rest.log 2>&1
echo "rc=$?" >> $L/rest.log
device_session_end
sed -n '/validation sweep/,$p' $L/tp8.log | tail -6
/usr/bin/env python3 - "$L/tp8.jsonl" <<'PY' || true
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["m"], r["role"], r["template"][-8:], "%dx%d" % (r["tileM"], r["tileN"]),
          "split%d" % r["splitK"], "H" if r["heuristic"] else " ", "%.1f" % r["us"],
          "model %.1f" % r["estimate_us"])
PY
sed -n '/validation sweep/,$p' $L/val5.log | tail -12
grep -E ": mlpjit|rc=" $L/rest.log | sed 's/cuBLASLt unfused/unf/;s/, rel. error/ err/'
grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs3s14.tgz -C $L . && rm -rf $L
