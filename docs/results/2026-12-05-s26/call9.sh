#!/usr/bin/env bash
# Device call 9 (prepared in session 26, not run; the H200). Why python -m
# mlpjit.bench timed mlpjit up to 1.22x slower than mlpjit-bench (calls 3, 4,
# 7: phi-3-mini at 112 tokens 59.6 vs 48.9 us) when the point was not the
# first of the process, and at the first point agreed (50.3). (a) the same
# point three times in one process; (b) --rounds 3 (every implementation in
# turn, medians; per-round times in the JSON); (c) mlpjit-bench at the same
# points for --compare; (d) mlpjit alone (--peers none) at 100/112/128. If
# (a) shows the first 112 fast and the repeats slow, the cause is the
# process's history, not the point; if (d) is fast throughout, the peers'
# runs (torch.compile, cuBLAS) leave that history.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs9s26
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
warm_up
timeout 60 .device/bin/mlpjit-bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112,128 \
  --json $L/mb.json > $L/mb.log 2>&1
timeout 120 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 112,112,112 \
  --json $L/repeat.json > $L/repeat.log 2>&1
timeout 200 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112 \
  --rounds 3 --compare $L/mb.json --json $L/rounds.json > $L/rounds.log 2>&1
timeout 100 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 100,112,128 \
  --peers none --compare $L/mb.json > $L/alone.log 2>&1
device_session_end
tail -5 $L/mb.log
for f in repeat rounds alone; do echo "== $f"; grep -v compiling $L/$f.log; done
python3 - $L/rounds.json <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["rows"]:
    print(r["M"], {k[:-10]: [round(v, 1) for v in r[k]] for k in r if k.endswith("_rounds_us")})
PY
cat $L/clocks.txt
tar czf $OUT/logs9s26.tgz -C $L . && rm -rf $L
