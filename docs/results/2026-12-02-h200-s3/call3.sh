#!/usr/bin/env bash
# Device call 3 (final): the default sweep with the refit planner, the
# validation sweep (5 configs x 6 non-round token counts) with heuristic
# plans and with the plans tuned in call 2 (val-tuning.json), then the
# PyTorch peers (max-autotune at M >= 1024) in the same call.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc
L=/tmp/logs; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_TUNING_FILE= MLPJIT_PDL=0 timeout 160 .device/bin/mlpjit-bench --json $L/bench-final.json > $L/bench-final.log 2> $L/bench-final.err
echo "bench rc=$?" >> $L/bench-final.log
echo "after-bench $(q)" >> $L/clocks.txt
for v in heuristic tuned; do
  t=; [ $v = tuned ] && t=.device/val-tuning.json
  MLPJIT_TUNING_FILE=$t MLPJIT_PDL=0 timeout 85 .device/bin/mlpjit-bench .device/val5/*.json --tokens 5,48,100,300,1500,6000 \
    --json $L/validation-$v.json > $L/validation-$v.log 2> $L/validation-$v.err
  echo "validation-$v rc=$?" >> $L/validation-$v.log
done
echo "after-validation $(q)" >> $L/clocks.txt
PYTHONUNBUFFERED=1 timeout 270 python3 .device/peers_bench.py --autotune --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call3-logs.tgz -C $L .
cat $L/bench-final.log; tail -3 $L/validation-heuristic.log $L/validation-tuned.log
grep -E "^(llama|qwen|gemma)|rc=" $L/peers.log
cat $L/clocks.txt
