#!/usr/bin/env bash
# Device call 2 (session 16).
# 1. Harness: wide swapAB in 2x1 clusters timed beside the same tiles
#    without (c117 vs c110 gated 152x256, c118 vs c113 down split 4) at
#    160/300/400 tokens (call 1 timed only c110: the filter is one string).
# 2. The tuner at M = 160 on the fit shapes, 30 candidates a GEMM, with
#    two-token-tile narrow swapAB now among them (cuBLAS's 128x80 tiles for
#    the tp8 shard, call 1).
# 3. Whole forward: the planner's plans (heuristic) against the same plans
#    with every wide swapAB tile in 2x1 clusters (.device/cluster-plans.json),
#    at 160, 300 and 400.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s16
H=.device/bin/harness-sm90
HARNESS_TIME_M=160,300,400 timeout 120 $H --time c11 > $L/harness-time.log 2>&1
echo "rc=$?" >> $L/harness-time.log
mark after-harness
timeout ${TUNE_TIMEOUT:-200} .device/bin/mlpjit-bench --shapes llama-3-8b,qwen2.5-7b,llama-3-70b/tp8 \
  --tokens 160 --tune --tune-candidates 30 --tune-log $L/narrow160.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
mark after-tune
timeout ${AB_TIMEOUT:-250} .device/bin/mlpjit-bench --validate .device/abD \
  --tuning-file .device/cluster-plans.json --tokens 160,300,400 --validate-rounds 2 \
  > $L/abD.log 2> $L/abD.err
echo "rc=$?" >> $L/abD.log
device_session_end
grep "^time" $L/harness-time.log | sed -E 's/_bf16.*k[0-9]+//; s/\| 1 CTA.*//'
sed -n '/validation sweep/,$p' $L/abD.log | tail -14
grep -h "rel" $L/ab*.log | awk '{print $NF}' | sort -g | tail -2
/usr/bin/env python3 - "$L/narrow160.jsonl" <<'PY' || true
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rows.sort(key=lambda r: (r["shape"], r["role"], r["us"]))
seen = {}
for r in rows:
    key = (r["shape"], r["role"])
    seen[key] = seen.get(key, 0) + 1
    if seen[key] > 10 and not r["heuristic"] and not r["swapAB"]:
        continue
    print(r["shape"][:10], r["m"], r["role"][:4], "pp" if "pingpong" in r["template"] else "  ",
          "W" if r["swapAB"] else " ", "%dx%d" % (r["tileM"], r["tileN"]), "s%d" % r["splitK"],
          "st%d" % r["stages"], "H" if r["heuristic"] else " ", "%.1f" % r["us"], "model %.1f" % r["estimate_us"])
PY
grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs2s16.tgz -C $L . && rm -rf $L
