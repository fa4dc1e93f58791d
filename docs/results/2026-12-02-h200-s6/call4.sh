#!/usr/bin/env bash
# Device call 4 (session 6, final): the default sweep with the heuristic
# (v8's plans: ping-pong is a tuner-only candidate), the same shapes at
# M = 128-4096 with the plans session 6's tuner logs found fastest
# (.device/s6-tuning.json from calib6/calib7, ping-pong where it won), then
# the PyTorch peers (max-autotune at M >= 1024) in the same call.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc-s6f MLPJIT_PDL=0
L=/tmp/logs4s6; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_TUNING_FILE= timeout 170 .device/bin/mlpjit-bench --json $L/bench-heuristic.json > $L/bench-heuristic.log 2> $L/bench-heuristic.err
echo "bench rc=$?" >> $L/bench-heuristic.log
echo "after-bench $(q)" >> $L/clocks.txt
tar czf $OUT/call4-logs.tgz -C $L .
MLPJIT_TUNING_FILE=.device/s6-tuning.json timeout 120 .device/bin/mlpjit-bench --tokens 128,256,512,1024,4096 --json $L/bench-tuned.json > $L/bench-tuned.log 2> $L/bench-tuned.err
echo "tuned rc=$?" >> $L/bench-tuned.log
echo "after-tuned $(q)" >> $L/clocks.txt
tar czf $OUT/call4-logs.tgz -C $L .
PYTHONUNBUFFERED=1 timeout 290 python3 .device/peers_bench.py --autotune --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call4-logs.tgz -C $L .
cat $L/bench-heuristic.log
cat $L/bench-tuned.log
grep -E "^(llama|qwen|gemma)|rc=" $L/peers.log
cat $L/clocks.txt
