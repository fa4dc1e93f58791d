#!/usr/bin/env bash
# Device call 3 (session 15): wide swapAB tiles above 128 tokens store in
# two half-height chunks, which leaves room for a fourth stage (152 tokens:
# 3 -> 4 stages); the planner now picks 2-3 x 152-token tiles at 385-448.
# 1. Harness correctness of the changed configurations (c103, c105, c110,
#    c111, c113: 4 stages), memcheck and racecheck on c103.
# 2. The tuner on the fit shapes at M = 300 and 400 (rows to refit
#    wideSwapEfficiency with 4-stage tiles).
# 3. Held out: six validation configs at M = 400, the planner with wide
#    tiles (heuristic) against the plans without (old-plans.json), with
#    cuBLASLt, interleaved, 2 rounds.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s15
H=.device/bin/harness-sm90
for c in 103 105 106 110 111 113; do
  timeout 60 $H c${c}_ >> $L/harness.log 2>&1; echo "c$c rc=$?" >> $L/harness.log
done
for tool in memcheck racecheck; do
  timeout 90 compute-sanitizer --tool $tool --error-exitcode 9 $H c103_ > $L/san-$tool-c103.log 2>&1
  echo "$tool c103 rc=$? $(tail -1 $L/san-$tool-c103.log)" >> $L/sanitize.txt
done
mark after-harness
timeout ${TUNE_TIMEOUT:-170} .device/bin/mlpjit-bench --shapes llama-3-8b,qwen2.5-7b,llama-3-70b/tp8 \
  --tokens 300,400 --tune --tune-candidates 8 --tune-log $L/wide2.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
mark after-tune
timeout ${A_TIMEOUT:-200} .device/bin/mlpjit-bench --validate .device/ab400 \
  --tuning-file .device/old-plans.json --tokens 400 --validate-rounds 2 \
  > $L/ab400.log 2> $L/ab400.err
echo "rc=$?" >> $L/ab400.log
device_session_end
grep -E "FAIL|passed|rc=" $L/harness.log | tail -12
cat $L/sanitize.txt
sed -n '/validation sweep/,$p' $L/ab400.log | tail -8
/usr/bin/env python3 - "$L/wide2.jsonl" <<'PY' || true
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["shape"][:10], r["m"], r["role"], "pp" if "pingpong" in r["template"] else "  ",
          "W" if r["swapAB"] else " ", "%dx%d" % (r["tileM"], r["tileN"]), "s%d" % r["splitK"],
          "st%d" % r["stages"], "H" if r["heuristic"] else " ", "%.1f" % r["us"], "model %.1f" % r["estimate_us"])
PY
grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs3s15.tgz -C $L . && rm -rf $L
