#!/usr/bin/env bash
# Device call 1 (session 7): gate/up blocks under 64 rows. The GPU tiers;
# the harness's new configurations (c77-c93: 192/224-wide gated tiles with
# 32/16-column TMA-store subtiles, plain 96/160/224-wide tiles now stored
# with TMA, the swapAB exchange path) checked, then timed against the
# block-64 tiles of the same GEMMs; then the default sweep's shapes with the
# heuristic at MLPJIT_GATE_UP_BLOCK=64 and =16, in turn, in one process each.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
L=/tmp/logs1s7; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc-s7 timeout 90 .device/bin/mlpjit-runtime-tests --gtest_filter='Gpu*' > $L/gpu-runtime-tests.log 2>&1; echo "rc=$?" >> $L/gpu-runtime-tests.log
MLPJIT_CACHE_DIR=/tmp/mc-s7 timeout 60 .device/bin/mlpjit-api-tests > $L/gpu-api-tests.log 2>&1; echo "rc=$?" >> $L/gpu-api-tests.log
for f in _block c80_ c81_ c82_; do timeout 60 .device/harness $f >> $L/harness-check.log 2>&1; echo "check $f rc=$?" >> $L/harness-check.log; done
tar czf $OUT/call1-logs.tgz -C $L .
for c in c29_ c90_ c86_ c87_ c30_ c92_ c91_ c93_; do HARNESS_TIME_M=256,512,1024,4096 timeout 60 .device/harness --time $c >> $L/harness-time.log 2>&1; done
for c in c33_ c88_ c34_ c89_; do HARNESS_TIME_M=1,16,64,128 timeout 40 .device/harness --time $c >> $L/harness-time.log 2>&1; done
echo "after-harness $(q)" >> $L/clocks.txt
tar czf $OUT/call1-logs.tgz -C $L .
for b in 64 16; do
  MLPJIT_GATE_UP_BLOCK=$b MLPJIT_CACHE_DIR=/tmp/mc-s7-$b timeout 170 .device/bin/mlpjit-bench --tokens 1,16,64,256,512,1024,4096 --json $L/bench-b$b.json > $L/bench-b$b.log 2> $L/bench-b$b.err
  echo "bench b$b rc=$?" >> $L/bench-b$b.log
  echo "after-b$b $(q)" >> $L/clocks.txt
  tar czf $OUT/call1-logs.tgz -C $L .
done
grep -hE "PASSED|FAILED|rc=" $L/gpu-*.log
grep -E "rc=|^FAIL|passed|failed" $L/harness-check.log | tail -n 12
grep -E "^time" $L/harness-time.log | sed -E "s/_split1_swap(false|true)//; s/_biasfalse//" | cut -c1-150
paste <(cut -c1-80 $L/bench-b64.log) <(cut -c21-80 $L/bench-b16.log)
cat $L/clocks.txt
