#!/usr/bin/env bash
# Device call 2 (session 5): the producer loads weights first only under PDL
# (p.dependentLaunch; call 1's unconditional order cost tp8 ~1.5 us). Harness
# A/B of the v7 stream-K schedule (one config per --time run: the filter is a
# substring), stream-K forced for llama/qwen gate-up at M = 256 / 512 in the
# whole forward, the small-M sweep (new PDL 0 / 1, v7.1) twice, and
# compute-sanitizer memcheck with PDL on.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_TUNING_FILE=
L=/tmp/logs2s5; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
timeout 150 .device/harness > $L/harness-check.log 2>&1; echo "check rc=$?" >> $L/harness-check.log
for c in c29_ c56_ c30_ c61_; do HARNESS_TIME_M=256,512,1024 timeout 40 .device/harness --time $c; done > $L/harness-time-gateup.log 2>&1
for c in c36_ c57_; do HARNESS_TIME_M=256,1024 timeout 40 .device/harness --time $c; done > $L/harness-time-down.log 2>&1
for c in c40_ c41_ c58_; do HARNESS_TIME_M=16,64 timeout 40 .device/harness --time $c; done > $L/harness-time-small.log 2>&1
echo "after-harness $(q)" >> $L/clocks.txt
for round in 1 2; do
  for v in heur sk; do
    t=; [ $v = sk ] && t=.device/streamk-tuning.json
    MLPJIT_CACHE_DIR=/tmp/mc-new MLPJIT_PDL=0 MLPJIT_TUNING_FILE=$t timeout 60 .device/bin/mlpjit-bench --shapes llama-3-8b,qwen2.5-7b --tokens 256,512 > $L/sk-$v-$round.log 2> $L/sk-$v-$round.err
  done
  for v in new0 new1 v71; do
    b=.device/bin/mlpjit-bench; pdl=0; [ $v = v71 ] && b=.device/bin/mlpjit-bench-v71; [ $v = new1 ] && pdl=1
    c=/tmp/mc-new; [ $v = v71 ] && c=/tmp/mc-v71
    MLPJIT_CACHE_DIR=$c MLPJIT_PDL=$pdl timeout 60 $b --tokens 1,16,64 --json $L/bench-$v-$round.json > $L/bench-$v-$round.log 2> $L/bench-$v-$round.err
  done
  echo "after-round-$round $(q)" >> $L/clocks.txt
done
MLPJIT_PDL=1 MLPJIT_CACHE_DIR=/tmp/mc-new MLPJIT_TUNING_FILE=tests/gpu/sanitize-tuning.json timeout 200 compute-sanitizer --tool memcheck \
  --error-exitcode 99 --print-limit 20 --kernel-name kns=_m .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 1,16,129,4096 --reps 0 > $L/sanitize-memcheck-pdl1.log 2>&1
echo "memcheck rc=$?" >> $L/sanitize-memcheck-pdl1.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
tail -2 $L/harness-check.log; grep -E "^FAIL" $L/harness-check.log | head
grep -h "^time" $L/harness-time-*.log | sed 's/ | 1 CTA.*again/ again/; s/ | <<<.*//' | cut -c1-150
for r in 1 2; do for v in heur sk; do echo "== sk $v $r"; grep "mlpjit .* us" $L/sk-$v-$r.err | sed 's/, rel.*//'; done; done
for v in new0 new1 v71; do echo "== $v"; grep -h "mlpjit .* us" $L/bench-$v-1.err $L/bench-$v-2.err | sed 's/, rel.*//; s/cuBLASLt //'; done
tail -4 $L/sanitize-memcheck-pdl1.log
cat $L/clocks.txt
