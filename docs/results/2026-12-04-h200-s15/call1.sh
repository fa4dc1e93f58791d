#!/usr/bin/env bash
# Device call 1 (session 15): wide swapAB tiles (256 weight rows, two MMAs
# per consumer warpgroup, TMA stores through stmatrix.trans).
# 1. Harness correctness of the new configurations (c103-c108) against
#    cuBLAS, then compute-sanitizer memcheck, racecheck, synccheck on three.
# 2. Harness timings at M = 200, 256, 300: llama-3-8b's gate-up and down in
#    wide tiles (c109-c113) beside the tiles the planner used (c99-c102).
# 3. GPU tier of the runtime tests (the planner now picks wide tiles).
# 4. The tuner at M = 256/300 (10 candidates a GEMM, the model's favourites
#    with the prior wideSwapEfficiency 1.0): the rows to fit it on.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s15
H=.device/bin/harness-sm90
for c in 103 104 105 106 107 108; do
  timeout 60 $H c${c}_ >> $L/harness.log 2>&1; echo "c$c rc=$?" >> $L/harness.log
done
mark after-harness
for tool in memcheck racecheck synccheck; do
  for c in 103 106 107; do
    timeout 90 compute-sanitizer --tool $tool --error-exitcode 9 $H c${c}_ \
      > $L/san-$tool-c$c.log 2>&1
    echo "$tool c$c rc=$? $(grep -c FAIL $L/san-$tool-c$c.log) FAIL, $(tail -1 $L/san-$tool-c$c.log)" >> $L/sanitize.txt
  done
done
mark after-sanitize
for c in 99 100 101 102 109 110 111 112 113; do
  HARNESS_TIME_M=200,256,300 timeout 60 $H --time c${c}_ >> $L/time.log 2>&1
done
mark after-time
timeout 150 .device/bin/mlpjit-runtime-tests > $L/runtime-tests.log 2>&1
echo "rc=$?" >> $L/runtime-tests.log
mark after-runtime-tests
timeout ${TUNE_TIMEOUT:-230} .device/bin/mlpjit-bench --shapes llama-3-8b,qwen2.5-7b,llama-3-70b/tp8 \
  --tokens 256,300 --tune --tune-candidates 10 --tune-log $L/wide.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
grep -E "FAIL|passed|rc=" $L/harness.log | tail -20
cat $L/sanitize.txt
grep "^time" $L/time.log | sed -E 's/time c([0-9]+)_bf16_([A-Za-z]+)_([0-9x]+)s([0-9])_split([0-9])_?(swap[a-z]*|cluster[0-9]*)?[^ ]* +m= *([0-9]+): sm90 +([0-9.]+) ms +([0-9.]+) TFLOP.*cuBLAS +([0-9.]+) ms.*ratio ([0-9.]+).*/c\1 \2 \3 s\5 \6 m=\7 \8ms \9TF cublas=\10 r=\11/' 
grep -E "PASSED|FAILED|rc=" $L/runtime-tests.log | tail -5
/usr/bin/env python3 - "$L/wide.jsonl" <<'PY' || true
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["shape"][:10], r["m"], r["role"], "pp" if "pingpong" in r["template"] else "  ",
          "W" if r["swapAB"] else " ", "%dx%d" % (r["tileM"], r["tileN"]), "s%d" % r["splitK"],
          "st%d" % r["stages"], "H" if r["heuristic"] else " ", "%.1f" % r["us"], "model %.1f" % r["estimate_us"])
PY
grep -E "rc=|: mlpjit" $L/tune.log | tail -8
cat $L/clocks.txt
tar czf $OUT/logs1s15.tgz -C $L . && rm -rf $L
