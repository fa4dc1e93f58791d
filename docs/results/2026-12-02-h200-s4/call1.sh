#!/usr/bin/env bash
# Device call 1 (session 4): the v7 planner (p-norm cost model, Little's-law
# HBM rate, two token tiles for gated swapAB) against the v6 build, back to
# back at M = 1, 16, 64, 256 on the four default shapes; the validation
# sweep with v7's heuristic, v6's heuristic and the tuned plans; the tuner
# on the training shapes at M = 16, 48, 64, 256 (the new candidates timed).
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc MLPJIT_PDL=0
L=/tmp/logs; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
for b in new old; do
  bin=.device/bin/mlpjit-bench; [ $b = old ] && bin=.device/bin/mlpjit-bench-v6
  MLPJIT_TUNING_FILE= timeout 75 $bin --tokens 1,16,64,256 --json $L/bench-$b.json > $L/bench-$b.log 2> $L/bench-$b.err
  echo "bench-$b rc=$?" >> $L/bench-$b.log
done
echo "after-bench $(q)" >> $L/clocks.txt
for v in new old tuned; do
  t=; bin=.device/bin/mlpjit-bench
  [ $v = tuned ] && t=.device/val-tuning.json
  [ $v = old ] && bin=.device/bin/mlpjit-bench-v6
  MLPJIT_TUNING_FILE=$t timeout 80 $bin .device/val5/*.json --tokens 5,48,100,300,1500,6000 \
    --json $L/validation-$v.json > $L/validation-$v.log 2> $L/validation-$v.err
  echo "validation-$v rc=$?" >> $L/validation-$v.log
done
echo "after-validation $(q)" >> $L/clocks.txt
MLPJIT_TUNING_FILE=/tmp/tune.json timeout 150 .device/bin/mlpjit-bench --tune --tune-candidates 8 \
  --tune-log $L/calib5.jsonl --tokens 16,48,64,256 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call1-logs.tgz -C $L .
cat $L/bench-new.log $L/bench-old.log; tail -4 $L/validation-*.log; tail -2 $L/tune.log; wc -l $L/calib5.jsonl
cat $L/clocks.txt
