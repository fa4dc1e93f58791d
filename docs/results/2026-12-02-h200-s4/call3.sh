#!/usr/bin/env bash
# Device call 3 (session 4, final): the default sweep with the v7 planner
# (heuristic plans), the validation sweep (5 configs x 6 non-round token
# counts) with v7's heuristic and with the tuned plans of session 3
# (val-tuning.json), then the PyTorch peers (max-autotune at M >= 1024).
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc MLPJIT_PDL=0
L=/tmp/logs3; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_TUNING_FILE= timeout 170 .device/bin/mlpjit-bench --json $L/bench-final.json > $L/bench-final.log 2> $L/bench-final.err
echo "bench rc=$?" >> $L/bench-final.log
echo "after-bench $(q)" >> $L/clocks.txt
for v in heuristic tuned; do
  t=; [ $v = tuned ] && t=.device/val-tuning.json
  MLPJIT_TUNING_FILE=$t timeout 75 .device/bin/mlpjit-bench .device/val5/*.json --tokens 5,48,100,300,1500,6000 \
    --json $L/validation-$v.json > $L/validation-$v.log 2> $L/validation-$v.err
  echo "validation-$v rc=$?" >> $L/validation-$v.log
done
echo "after-validation $(q)" >> $L/clocks.txt
PYTHONUNBUFFERED=1 timeout 290 python3 .device/peers_bench.py --autotune --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call3-logs.tgz -C $L .
cat $L/bench-final.log; tail -2 $L/validation-heuristic.log $L/validation-tuned.log
grep -E "^(llama|qwen|gemma)|rc=" $L/peers.log
cat $L/clocks.txt
