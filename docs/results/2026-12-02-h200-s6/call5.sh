#!/usr/bin/env bash
# Device call 5 (session 6): finer planner buckets (samples 640, 896, 1280,
# 1792 added): the default shapes at M = 896, 1024, 1280 (at 1024 only
# tp8's gate-up plan changes: 128x256 instead of 128x128, call 4's one loss
# to a peer) and the validation configs at M = 1500 (now planned for
# [1281, 1536]).
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc-s6g MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
L=/tmp/logs5s6; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
timeout 120 .device/bin/mlpjit-bench --tokens 896,1024,1280 --json $L/bench-buckets.json > $L/bench-buckets.log 2> $L/bench-buckets.err
echo "bench rc=$?" >> $L/bench-buckets.log
tar czf $OUT/call5-logs.tgz -C $L .
timeout 90 .device/bin/mlpjit-bench .device/val5/*.json --tokens 1500 --json $L/validation-1500.json > $L/validation-1500.log 2> $L/validation-1500.err
echo "validation rc=$?" >> $L/validation-1500.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call5-logs.tgz -C $L .
cat $L/bench-buckets.log $L/validation-1500.log $L/clocks.txt
