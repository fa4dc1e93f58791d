#!/usr/bin/env bash
# Prepared in session 29 as next-s30.sh, carried by session 30 (no device
# lent), not run (any sm_90 GPU, ~7 minutes in one call):
# the checks and A/Bs session 29 ran out of device time for.
#   (a) GPU harness cases c135-c137 (wide swapAB of 176 and 192 tokens,
#       3 stages; built and ptxas-checked without a GPU) against cuBLAS, then
#       compute-sanitizer memcheck, racecheck and synccheck on each (without
#       cuBLAS: HARNESS_HOST_REFERENCE=1).
#   (b) the new planner against session 28's plans (head-plans.json) where
#       the refit changed them without tuner rows: the tp8 shard and
#       phi-3-mini at 320/640/700 (call 4: tp8 1.027 at 640 in 2 rounds;
#       phi-3-mini not reached), 3 rounds.
#   (c) the tuner at 640 on the tp8 shard (its 160-wide 3-stage plans).
#   (d) added in session 30: the cold start of llama-3-8b's 88 kernels
#       (mlpjit-stack-bench, no kernel cache, no driver JIT cache), the JIT's
#       cubins against PTX alone (the driver JIT-compiles it at load), in
#       turn cubin / PTX / cubin.
# Needs .device/h29/harness, built here first (no GPU needed; the GPU host
# may lack nvcc):
#   CASES="135 136 137" BUILD_DIR=.device/h29 REBUILD=1 BUILD_ONLY=1 \
#     LIBRARY_PATH=/usr/local/cuda/lib64/stubs bash tests/gpu/run.sh sm90
# Predictions: (a) every case passes, 0 hazards / errors; (b) tp8 at 640
# 1.01-1.03 (slower), phi-3-mini 0.97-1.01; (c) ping-pong 64x224 (the old
# plan) within 2% of the fastest; (d) cubins: compile ~1.7 s + load < 1 s;
# PTX: compile ~0.9 s + load ~9 s (session 16: 0.11 s a kernel).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" next-s31-a
B=.device/bin/mlpjit-bench
# The JIT's cubins on the GPU first: llama-3-8b checked against cuBLAS and
# float64 (mlpjit-run), then the cold start, cubins against PTX.
timeout 90 .device/bin/mlpjit-run examples/specs/llama3-8b.mlp --tokens 1,300,4096 \
  > $L/run.log 2>&1
echo rc=$? >> $L/run.log
for mode in cubin ptx cubin; do
  MLPJIT_CACHE=0 CUDA_CACHE_DISABLE=1 timeout 60 .device/bin/mlpjit-stack-bench \
    examples/specs/llama3-8b.mlp 4 16 $mode >> $L/cold-start.log 2>&1
  echo "rc=$? ($mode)" >> $L/cold-start.log
done
mark cold-start
timeout 120 .device/h29/harness '^c135_' '^c136_' '^c137_' > $L/harness.log 2>&1
echo rc=$? >> $L/harness.log
for tool in memcheck racecheck synccheck; do
  for id in 135 136 137; do
    echo "== $tool c$id" >> $L/sanitize.log
    HARNESS_HOST_REFERENCE=1 timeout 45 compute-sanitizer --tool $tool --error-exitcode 99 \
      --print-limit 10 --kernel-name kns=gemmKernel .device/h29/harness "^c${id}_" >> $L/sanitize.log 2>&1
    echo "rc=$?" >> $L/sanitize.log
  done
done
mark checks
# SKIP_AB=1: the checks alone (when little device time is left).
if [ -z "${SKIP_AB:-}" ]; then
mkdir -p $L/c
cp .device/fit/phi-3-mini-4k.json .device/tp8/*.json $L/c/
timeout 150 $B --validate $L/c --tokens 640,700,320 \
  --tuning-file docs/results/2026-12-05-s29/head-plans.json --validate-rounds 3 \
  > $L/ab.log 2> $L/ab.err
echo rc=$? >> $L/ab.log; mark ab
timeout 90 $B .device/tp8/*.json --tokens 640 --tune --tune-candidates 8 \
  --tuning-file $L/tuned.json --tune-log $L/tune640.jsonl > $L/tune640.log 2>&1
echo rc=$? >> $L/tune640.log; mark tune640
fi
device_session_end
tail -4 $L/run.log; grep -e "cold start" -e "^rc=" $L/cold-start.log
tail -3 $L/harness.log
grep -E "^== |^rc=" $L/sanitize.log | paste - - | tr '\n' ';'; echo
sed -n '/validation sweep/,$p' $L/ab.log; grep -h -e '->' $L/tune640.log
cat $L/clocks.txt
tar czf $OUT/next-s31-a.tgz -C $L .
