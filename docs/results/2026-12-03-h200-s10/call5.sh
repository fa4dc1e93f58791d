#!/usr/bin/env bash
# Device call 5 (session 10): the settled tuner at M = 1 and 16 on the two
# default shapes furthest from the floor there (llama-3-70b tp8 1.10/1.12x,
# qwen2.5-7b 1.03/1.06x in call 3), 12 candidates a GEMM: which plans the
# cost model ranks low but run faster at the power cap (calib13.jsonl).
# Logs go straight under $OUT, so a run cut short by the device budget
# still returns what it timed.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE=
L=$OUT/logs5s10; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_CACHE_DIR=/tmp/mc timeout ${TUNE_TIMEOUT:-260} .device/bin/mlpjit-bench --tune --tune-candidates ${CANDIDATES:-12} \
  --shapes ${SHAPES:-llama-3-70b/tp8,qwen2.5-7b} --tune-log $L/calib13.jsonl --tuning-file $L/tune13.json \
  --tokens 1,16 > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "end $(q)" >> $L/clocks.txt
grep -E "\] (gate_up|down)" $L/tune.log | cut -c1-150; wc -l $L/calib13.jsonl; tail -8 $L/tune.log
cat $L/clocks.txt
