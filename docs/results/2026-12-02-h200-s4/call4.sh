#!/usr/bin/env bash
# Device call 4 (session 4): v7.1 (register-store epilogue cost in the
# planner) against v7 (call 3's build), back to back: qwen2.5-7b at M = 256
# and 8192 (its down plans changed), and the validation configs whose plans
# changed (gemma-2-2b, llama-2-7b, qwen2.5-0.5b, qwen2.5-32b).
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
L=/tmp/logs4; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
V=".device/val5/gemma-2-2b.json .device/val5/llama-2-7b.json .device/val5/qwen2.5-0.5b.json .device/val5/qwen2.5-32b.json"
for b in v71 v7; do
  bin=.device/bin/mlpjit-bench; [ $b = v7 ] && bin=.device/bin/mlpjit-bench-v7a
  timeout 40 $bin --shapes qwen2.5-7b --tokens 256,8192 > $L/qwen-$b.log 2> $L/qwen-$b.err
  timeout 70 $bin $V --tokens 48,100,300,1500,6000 > $L/validation-$b.log 2> $L/validation-$b.err
  echo "$b rc=$?" >> $L/validation-$b.log
done
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call4-logs.tgz -C $L .
for b in v71 v7; do cat $L/qwen-$b.log; grep "mlpjit .* us" $L/validation-$b.err | sed 's/, rel.*//'; done
cat $L/clocks.txt
