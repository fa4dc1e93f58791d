#!/usr/bin/env bash
# Device call 3: the default sweep with the final heuristic, then the PyTorch peers (incl. max-autotune at M >= 1024) in the same call.
set -u
cd "$(dirname "$0")/.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $OUT/clocks.txt
MLPJIT_TUNING_FILE= MLPJIT_PDL=0 timeout 170 .device/bin/mlpjit-bench --json $OUT/bench-final.json > $OUT/bench-final.log 2> $OUT/bench-final.err
echo "bench rc=$?" >> $OUT/bench-final.log
echo "after-bench $(q)" >> $OUT/clocks.txt
PYTHONUNBUFFERED=1 timeout 380 python3 .device/peers_bench.py --autotune --json $OUT/peers.json > $OUT/peers.log 2>&1
echo "peers rc=$?" >> $OUT/peers.log
echo "end $(q)" >> $OUT/clocks.txt
cat $OUT/bench-final.log; tail -45 $OUT/peers.log
