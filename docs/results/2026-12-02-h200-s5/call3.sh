#!/usr/bin/env bash
# Device call 3 (session 5): planner v8 (powerBoost: idle SMs clock higher;
# refit onewg, splitfix, fixed) against v7.1 at the default sweep's M = 64
# (the only default point whose plans changed), twice alternating; the
# validation sweep with v8 and v7.1; the --validate interleaved path against
# the s3 tuned plans at 48, 100, 300; the GPU test tier on the final kernels.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_TUNING_FILE= MLPJIT_PDL=0
L=/tmp/logs3s5; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc-v8 timeout 120 .device/bin/mlpjit-runtime-tests --gtest_filter='Gpu*' > $L/gpu-runtime-tests.log 2>&1; echo "rc=$?" >> $L/gpu-runtime-tests.log
MLPJIT_CACHE_DIR=/tmp/mc-v8 timeout 60 .device/bin/mlpjit-api-tests > $L/gpu-api-tests.log 2>&1; echo "rc=$?" >> $L/gpu-api-tests.log
for round in 1 2; do
  for v in v8 v71; do
    b=.device/bin/mlpjit-bench; [ $v = v71 ] && b=.device/bin/mlpjit-bench-v71
    MLPJIT_CACHE_DIR=/tmp/mc-$v timeout 50 $b --tokens 64 > $L/m64-$v-$round.log 2> $L/m64-$v-$round.err
  done
done
echo "after-m64 $(q)" >> $L/clocks.txt
for v in v8 v71; do
  b=.device/bin/mlpjit-bench; [ $v = v71 ] && b=.device/bin/mlpjit-bench-v71
  MLPJIT_CACHE_DIR=/tmp/mc-$v timeout 100 $b .device/val5/*.json --tokens 5,48,100,300,1500,6000 --json $L/validation-$v.json > $L/validation-$v.log 2> $L/validation-$v.err
  echo "rc=$?" >> $L/validation-$v.log
done
echo "after-validation $(q)" >> $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc-v8 timeout 150 .device/bin/mlpjit-bench --validate .device/val5 --tuning-file .device/val-tuning.json --tokens 48,100,300 > $L/validate.log 2> $L/validate.err
echo "rc=$?" >> $L/validate.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call3-logs.tgz -C $L .
grep -hE "PASSED|FAILED|rc=" $L/gpu-*.log
for r in 1 2; do for v in v8 v71; do echo "== $v $r"; grep "mlpjit .* us" $L/m64-$v-$r.err | sed 's/, rel.*//; s/cuBLASLt //'; done; done
for v in v8 v71; do echo "== validation $v"; grep "mlpjit .* us" $L/validation-$v.err | sed 's/, rel.*//; s/cuBLASLt //'; done
cat $L/validate.log | tail -40; tail -5 $L/validate.err
cat $L/clocks.txt
