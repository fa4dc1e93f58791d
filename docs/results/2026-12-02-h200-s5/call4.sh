#!/usr/bin/env bash
# Device call 4 (session 5, final): the default sweep with the v8 planner
# (heuristic plans; the validation sweep ran in call 3), then the PyTorch
# peers (max-autotune at M >= 1024) in the same call, then compute-sanitizer
# memcheck on the final kernels (the gate-up kernel zeroing the down GEMM's
# counters). Logs are packed after each step (the device budget is short).
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc-v8 MLPJIT_PDL=0
L=/tmp/logs4s5; rm -rf $L; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_TUNING_FILE= timeout 170 .device/bin/mlpjit-bench --json $L/bench-final.json > $L/bench-final.log 2> $L/bench-final.err
echo "bench rc=$?" >> $L/bench-final.log
echo "after-bench $(q)" >> $L/clocks.txt
tar czf $OUT/call4-logs.tgz -C $L .
PYTHONUNBUFFERED=1 timeout 290 python3 .device/peers_bench.py --autotune --json $L/peers.json > $L/peers.log 2>&1
echo "peers rc=$?" >> $L/peers.log
echo "after-peers $(q)" >> $L/clocks.txt
tar czf $OUT/call4-logs.tgz -C $L .
MLPJIT_TUNING_FILE=tests/gpu/sanitize-tuning.json timeout 80 compute-sanitizer --tool memcheck \
  --error-exitcode 99 --print-limit 20 --kernel-name kns=_m .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 1,16,129,4096 --reps 0 > $L/sanitize-memcheck.log 2>&1
echo "memcheck rc=$?" >> $L/sanitize-memcheck.log
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call4-logs.tgz -C $L .
cat $L/bench-final.log
grep -E "^(llama|qwen|gemma)|rc=" $L/peers.log
tail -2 $L/sanitize-memcheck.log
cat $L/clocks.txt
