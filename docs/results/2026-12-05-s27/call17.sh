#!/usr/bin/env bash
# Device call 17 (prepared in session 27, not run; the H200; after
# call15.sh). Re-scores the validation configs against the PyTorch peers
# (session 23's table: 29/49 ahead, geomean 1.040, one round, before the
# padded intermediate and the exact last tile): python -m mlpjit.bench with
# --rounds 3 (each implementation in turn, medians) and --compare against
# mlpjit-bench's own time of the same point, taken first in the same call,
# so the table can show mlpjit both ways while call15's cause is open.
# Half the configs per call: `bash call17.sh 1` (gemma-2-27b .. llama-3.1-405b),
# `bash call17.sh 2` (the rest); about 8 minutes each.
set -u
half=${1:?1 or 2}
source "$(dirname "$0")/../../../scripts/device-session.sh" logs17s27-$half
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
configs=(.device/V/*.json)
if [ "$half" = 1 ]; then configs=("${configs[@]:0:5}"); else configs=("${configs[@]:5}"); fi
warm_up
timeout 150 .device/bin/mlpjit-bench "${configs[@]}" --tokens 5,48,200,700 \
  --json $L/mb.json > $L/mb.log 2> $L/mb.err
echo "rc=$?" >> $L/mb.log
timeout 380 python3 -m mlpjit.bench "${configs[@]}" --tokens 5,48,200,700 --rounds 3 \
  --compare $L/mb.json --json $L/peers.json > $L/peers.log 2> $L/peers.err
echo "rc=$?" >> $L/peers.log
device_session_end
cat $L/peers.log
python3 - $L/peers.json <<'PY'
import json, math, sys
rows = json.load(open(sys.argv[1]))["rows"]
sp = [r["speedup"] for r in rows]
spb = [r["best_peer_us"] / r["mlpjit_bench_us"] for r in rows if "mlpjit_bench_us" in r]
g = lambda v: math.exp(sum(map(math.log, v)) / len(v)) if v else float("nan")
print(f"{len(rows)} points: ahead {sum(s > 1 for s in sp)} (python's mlpjit), geomean {g(sp):.3f}; "
      f"with mlpjit-bench's mlpjit: ahead {sum(s > 1 for s in spb)}, geomean {g(spb):.3f}")
PY
cat $L/clocks.txt
tar czf $OUT/logs17s27-$half.tgz -C $L .
