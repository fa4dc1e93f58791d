#!/usr/bin/env bash
# Device call 4 (session 16): the tuner at M = 100 and 200 on the fit
# shapes (16 candidates a GEMM, the model's favourites first), where the
# planner's plans changed this session (M = 100: llama-3-8b 1.03x slower,
# gemma-2-27b 0.95x; M = 200 still 0.92-0.99x cuBLASLt on five configs):
# rows for the next fit, and the tuned forward against cuBLASLt.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s16
timeout ${TUNE_TIMEOUT:-420} .device/bin/mlpjit-bench \
  --shapes llama-3-8b,qwen2.5-7b,llama-3-70b/tp8,gemma-7b \
  --tokens 100,200 --tune --tune-candidates 16 --tune-log $L/tune100-200.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
tail -12 $L/tune.log
/usr/bin/env python3 - "$L/tune100-200.jsonl" <<'PY' || true
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
best = {}
for r in rows:
    key = (r["shape"], r["m"], r["role"])
    best.setdefault(key, []).append(r)
for key, rs in sorted(best.items()):
    rs.sort(key=lambda r: r["us"])
    h = [r for r in rs if r["heuristic"]]
    def fmt(r):
        return "%s%s%dx%d s%d %.1f" % ("pp " if "pingpong" in r["template"] else "",
                                      "W" if r["swapAB"] else "", r["tileM"], r["tileN"], r["splitK"], r["us"])
    print(key[0][:10], key[1], key[2][:4], "best", fmt(rs[0]), "| heur",
          fmt(h[0]) if h else "-", "| heur/best %.3f" % (h[0]["us"] / rs[0]["us"]) if h else "")
PY
grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs4s16.tgz -C $L . && rm -rf $L
