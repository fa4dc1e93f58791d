#!/usr/bin/env bash
# Device call 3 (session 17, final planner: call 2's model plus no unsplit
# 64x64 tiles above 64 tokens): the default sweep at M = 1-256 (the points
# whose plans moved: gemma-7b 64, llama-3-8b and tp8 256; larger M kept
# their plans) with the PyTorch peers in the same call, then the three
# validation configs whose down GEMMs call 2 had planned as 64x64 tiles,
# against the committed plans (.device/old-plans.json).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s17
timeout ${BENCH_TIMEOUT:-120} .device/bin/mlpjit-bench --tokens 1,16,64,256 \
  --json $L/bench-heuristic.json > $L/bench-heuristic.log 2> $L/bench-heuristic.err
echo "bench rc=$?" >> $L/bench-heuristic.log
mark after-bench
PYTHONUNBUFFERED=1 timeout ${PEERS_TIMEOUT:-200} python3 .device/peers_bench.py \
  --tokens 1,16,64,256 --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
mark after-peers
timeout ${C_TIMEOUT:-170} .device/bin/mlpjit-bench --validate .device/C1 \
  --tuning-file .device/old-plans.json --tokens 100,160,200,256 --validate-rounds 2 \
  > $L/c1.log 2> $L/c1.err
echo "rc=$?" >> $L/c1.log
device_session_end
python3 docs/results/2026-12-03-h200-s9/table.py $L/bench-heuristic.json $L/peers.log > $L/table.md
head -3 $L/bench-heuristic.log; grep -E "rc=" $L/*.log
cat $L/table.md
sed -n '/validation sweep/,$p' $L/c1.log | tail -14
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs3s17.tgz -C $L . && rm -rf $L
