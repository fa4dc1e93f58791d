#!/usr/bin/env bash
# Device call 3 (session 9, final; not run: no machine): the default sweep with the heuristic
# plans, every variant timed at the steady clock (--settle-ms 400, the
# default), then the PyTorch peers (max-autotune at M >= 1024) in the same
# call; an nvidia-smi sampler throughout. SHAPES=llama-3-70b/tp8,... cuts both
# to those shapes (for a short device budget); BENCH_TIMEOUT, PEERS_TIMEOUT.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
L=/tmp/logs3s9; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 200 > $L/smi.csv 2>&1 &
SMI=$!
MLPJIT_CACHE_DIR=/tmp/mc-f timeout ${BENCH_TIMEOUT:-185} .device/bin/mlpjit-bench ${SHAPES:+--shapes $SHAPES} --json $L/bench-heuristic.json > $L/bench-heuristic.log 2> $L/bench-heuristic.err
echo "bench rc=$?" >> $L/bench-heuristic.log
echo "after-bench $(q)" >> $L/clocks.txt
tar czf $OUT/call3-logs.tgz -C $L .
PYTHONUNBUFFERED=1 timeout ${PEERS_TIMEOUT:-300} python3 .device/peers_bench.py --autotune ${SHAPES:+--shapes $SHAPES} --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
echo "end $(q)" >> $L/clocks.txt
kill $SMI
gzip $L/smi.csv
tar czf $OUT/call3-logs.tgz -C $L .
python3 docs/results/2026-12-03-h200-s9/table.py $L/bench-heuristic.json $L/peers.log > $L/table.md
tar czf $OUT/call3-logs.tgz -C $L .
head -3 $L/bench-heuristic.log; grep -E "rc=" $L/bench-heuristic.log $L/peers.log
cat $L/table.md
cat $L/clocks.txt
