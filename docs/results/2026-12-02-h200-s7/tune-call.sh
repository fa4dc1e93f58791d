#!/usr/bin/env bash
# Device call (session 7): the tuner with gate/up blocks of 16 rows (every
# gated tile width from 64 to 256 a candidate, 192/224 included) at M =
# 128-1024 on the default shapes: rows for the cost model (calib8.jsonl),
# then the default shapes with the plans it found fastest.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_GATE_UP_BLOCK=16
L=/tmp/logs-tune-s7; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc-s7-16 MLPJIT_TUNING_FILE=/tmp/tune8.json timeout 220 .device/bin/mlpjit-bench --tune --tune-candidates 12 \
  --tune-log $L/calib8.jsonl --tokens 128,256,512,1024 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "end $(q)" >> $L/clocks.txt
cp /tmp/tune8.json $L/ 2>/dev/null
tar czf $OUT/tune-logs.tgz -C $L .
grep -E "\] (gate_up|down)" $L/tune.log | cut -c1-150 | head -50
tail -n 3 $L/tune.log; wc -l $L/calib8.jsonl
cat $L/clocks.txt
