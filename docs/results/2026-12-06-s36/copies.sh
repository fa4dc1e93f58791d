#!/usr/bin/env bash
# Session 36, call 1: weights timed from memory. mlpjit-bench on the small
# configs (blocks under 3x the L2) with one weight copy, as before this
# session, and with the copies it now rotates by default (--weight-copies 0:
# enough to hold 3x the L2), each a process of its own: mlpjit and both
# cuBLASLt baselines in each, interleaved. Then llama-3-8b (352 MiB, one copy
# by default) forced to 1 and 2 copies: do weights between 1x and 3x the L2
# read faster on one copy? Then the validation sweep with --tune (both
# timed on the copies) on qwen2.5-0.5b, session 35's 1.13 miss at 48 tokens.
# Run from the repository root on the GPU machine with .device/ carried.
# Predicted: one copy reads mlpjit and cuBLASLt faster at M <= 300 on
# gpt2 and qwen2.5-0.5b (from the L2) by up to 1.5x; the speedup over
# cuBLASLt moves by a few percent; llama-3-8b the same on 1 and 2 copies.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" copies
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit --format=csv > $L/gpu.txt
warm_up
bench() { # config tokens copies timeout
  local name=$(basename $1 .json)
  timeout $4 .device/bin/mlpjit-bench $1 --tokens $2 --weight-copies $3 \
    --json $L/b-$name-w$3.json > $L/b-$name-w$3.log 2>&1
  echo rc=$? >> $L/b-$name-w$3.log; mark b-$name-w$3
}
for c in fit/gpt2 V/qwen2.5-0.5b V/llama-3.2-1b V/gemma-2-2b fit/phi-3-mini-4k; do
  bench .device/$c.json 5,48,300,2500 1 60
  bench .device/$c.json 5,48,300,2500 0 60
done
bench .device/fit/llama-3-8b.json 5,48,300 1 60
bench .device/fit/llama-3-8b.json 5,48,300 2 60
mkdir -p $L/V-q && cp .device/V/qwen2.5-0.5b.json $L/V-q/
timeout 150 .device/bin/mlpjit-bench --validate $L/V-q --tokens 5,48,100,300,700,2500 \
  --tune --tuning-file $L/tuned-q.json --tune-log $L/tune36v-qwen2.5-0.5b.jsonl \
  > $L/validate-q.log 2>&1
echo rc=$? >> $L/validate-q.log; mark validate-q
device_session_end
cat $L/gpu.txt
for f in $L/b-*.log; do echo "== $(basename $f)"; grep -e "note:" -e " M=" -e "rc=" $f | grep -v "check"; done
sed -n '/^validation sweep/,$p' $L/validate-q.log; tail -1 $L/validate-q.log
cat $L/clocks.txt
tar czf $OUT/copies.tgz -C $L .
