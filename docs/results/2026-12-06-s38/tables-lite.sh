#!/usr/bin/env bash
# Session 38, call 4 (an H200 asked for, ~490 s of device time left): the
# issue's default-sweep table cut to fit, mlpjit-bench's 28 points (every
# point checked against cuBLASLt and float64 first), then the PyTorch peers
# with max-autotune on llama-3-8b alone. Session 34's tables.sh 1, shorter.
# Run from the repository root with .device/ carried.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" tables-lite
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit --format=csv > $L/gpu.txt
warm_up
tokens=1,16,64,256,1024,4096,8192
timeout 200 .device/bin/mlpjit-bench --tokens $tokens --json $L/bench.json > $L/bench.log 2>&1
echo rc=$? >> $L/bench.log; mark after-bench
timeout 170 python3 -m mlpjit.bench --shapes llama-3-8b --tokens $tokens --autotune --rounds 3 \
  --json $L/peers.json > $L/peers.log 2> $L/peers.err
echo rc=$? >> $L/peers.log; mark after-peers
device_session_end
cat $L/gpu.txt
tail -32 $L/bench.log; cat $L/peers.log; tail -3 $L/peers.err
cat $L/clocks.txt
tar czf $OUT/tables-lite.tgz -C $L .
