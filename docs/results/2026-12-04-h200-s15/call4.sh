#!/usr/bin/env bash
# Device call 4 (session 15, final): the default sweep with the session's
# planner (wide swapAB candidates; mlpjit and cuBLASLt interleaved), then
# the PyTorch peers (max-autotune at M >= 1024) in the same call, then with
# what time is left the validation configs that trailed cuBLASLt at M = 300
# and 700 (heuristic vs cuBLASLt; no tuned plans).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s15
timeout ${BENCH_TIMEOUT:-170} .device/bin/mlpjit-bench --json $L/bench-heuristic.json \
  > $L/bench-heuristic.log 2> $L/bench-heuristic.err
echo "bench rc=$?" >> $L/bench-heuristic.log
mark after-bench
PYTHONUNBUFFERED=1 timeout ${PEERS_TIMEOUT:-300} python3 .device/peers_bench.py --autotune \
  --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
mark after-peers
LEFT=$(( ${DEADLINE:-550} - ($(date +%s) - T0) ))
if [ $LEFT -gt 30 ]; then
  timeout $LEFT .device/bin/mlpjit-bench --validate .device/valfinal \
    --tuning-file .device/empty-tuning.json --tokens 300,700 --validate-rounds 1 \
    > $L/validate.log 2> $L/validate.err
  echo "validate rc=$? (limit $LEFT s)" >> $L/validate.log
fi
device_session_end
python3 docs/results/2026-12-03-h200-s9/table.py $L/bench-heuristic.json $L/peers.log > $L/table.md
head -3 $L/bench-heuristic.log; grep -E "rc=" $L/*.log
cat $L/table.md
sed -n '/validation sweep/,$p' $L/validate.log | tail -12; grep "M=" $L/validate.err | tail -12
cat $L/clocks.txt
tar czf $OUT/logs4s15.tgz -C $L . && rm -rf $L
