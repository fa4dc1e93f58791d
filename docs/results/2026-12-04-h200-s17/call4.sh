#!/usr/bin/env bash
# Device call 4 (session 17): repeats two call-3 readings that moved with
# unchanged plans or a small change: llama-3-8b at M = 1 and 16 (1.06/1.08x
# the floor in call 3, 0.99/1.01 in session 15; the plans did not change),
# timed twice with the peers after; llama-3.2-1b at M = 160 (1.12x the
# committed plan's time in call 3), 3 rounds.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s17
for i in 1 2; do
  timeout 60 .device/bin/mlpjit-bench --shapes llama-3-8b --tokens 1,16,256 \
    --json $L/bench$i.json > $L/bench$i.log 2> $L/bench$i.err
  echo "bench rc=$?" >> $L/bench$i.log
done
mark after-bench
PYTHONUNBUFFERED=1 timeout 120 python3 .device/peers_bench.py --shapes llama-3-8b \
  --tokens 1,16,256 --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
mark after-peers
timeout 60 .device/bin/mlpjit-bench --validate .device/C2 \
  --tuning-file .device/old-plans.json --tokens 160 --validate-rounds 3 \
  > $L/c2.log 2> $L/c2.err
echo "rc=$?" >> $L/c2.log
device_session_end
python3 docs/results/2026-12-03-h200-s9/table.py $L/bench2.json $L/peers.log > $L/table.md
sed -n 2,6p $L/bench1.log; sed -n 2,6p $L/bench2.log; grep -E "rc=" $L/*.log
cat $L/table.md
sed -n '/validation sweep/,$p' $L/c2.log | tail -3
cat $L/clocks.txt
tar czf $OUT/logs4s17.tgz -C $L . && rm -rf $L
