#!/usr/bin/env bash
# Device call 1 (session 5): the gate-up kernel zeroes the down GEMM's
# split-K counters (no memset launch per forward) and the producer loads its
# first ring of weight tiles before griddepcontrol.wait (PDL). Harness check
# of every configuration (the producer changed), harness A/B of the v7
# stream-K schedule against whole tiles and split-K, the GPU test tier with
# PDL off and on, then the small-M sweep: new build PDL 0 / 1 and the
# previous build (v7.1, memset), twice, alternating.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_TUNING_FILE=
L=/tmp/logs1; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
timeout 150 .device/harness > $L/harness-check.log 2>&1; echo "check rc=$?" >> $L/harness-check.log
HARNESS_TIME_M=256,512,1024,2048 timeout 100 .device/harness --time 'c29_|c56_|c30_|c61_' > $L/harness-time-gateup.log 2>&1
HARNESS_TIME_M=256,1024 timeout 60 .device/harness --time 'c36_|c57_' > $L/harness-time-down.log 2>&1
HARNESS_TIME_M=1,16,64 timeout 60 .device/harness --time 'c39_|c40_|c41_|c58_' > $L/harness-time-small.log 2>&1
echo "after-harness $(q)" >> $L/clocks.txt
for pdl in 0 1; do
  MLPJIT_PDL=$pdl MLPJIT_CACHE_DIR=/tmp/mc-new timeout 120 .device/bin/mlpjit-runtime-tests --gtest_filter='Gpu*' > $L/gpu-tests-pdl$pdl.log 2>&1
  echo "rc=$?" >> $L/gpu-tests-pdl$pdl.log
done
for round in 1 2; do
  for v in new0 new1 v71; do
    b=.device/bin/mlpjit-bench; pdl=0; [ $v = v71 ] && b=.device/bin/mlpjit-bench-v71; [ $v = new1 ] && pdl=1
    c=/tmp/mc-new; [ $v = v71 ] && c=/tmp/mc-v71
    MLPJIT_CACHE_DIR=$c MLPJIT_PDL=$pdl timeout 80 $b --tokens 1,16,64,256 --json $L/bench-$v-$round.json > $L/bench-$v-$round.log 2> $L/bench-$v-$round.err
    echo "rc=$?" >> $L/bench-$v-$round.log
  done
  echo "after-round-$round $(q)" >> $L/clocks.txt
done
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call1-logs.tgz -C $L .
tail -2 $L/harness-check.log; grep -E "^FAIL" $L/harness-check.log | head
grep -h "^time" $L/harness-time-*.log | sed 's/ | 1 CTA.*again/ again/; s/ | <<<.*//' | cut -c1-160
grep -hE "PASSED|FAILED|rc=" $L/gpu-tests-pdl*.log
for v in new0 new1 v71; do echo "== $v"; paste -d'|' <(cut -c1-60 $L/bench-$v-1.log) <(cut -c32-60 $L/bench-$v-2.log); done
cat $L/clocks.txt
