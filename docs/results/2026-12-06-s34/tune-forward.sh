#!/usr/bin/env bash
# Prepared in session 34, not run (no device time left): the tuner with
# `--tune-timing forward` (each candidate also timed as a whole forward, the
# other GEMM the heuristic's) where the per-GEMM tuner and the forward
# disagreed: session 33's 289-304 and 129-144 (swapAB 152/72 ahead per GEMM,
# ping-pong ahead in the forward), and this session's L2 A/B losses at
# 161-176 (llama-3-70b, llama-3-8b), 700-900 (llama-2-7b, phi-3-medium-4k,
# mistral-nemo-12b) where ping-pong gave way to 128-row tiles.
#   bash tune-forward.sh fit   fit configs (tune34f.jsonl afterwards)
#   bash tune-forward.sh val   validation configs (held out: tune34fv.jsonl)
# Read with scripts/tune_log_table.py --forward $L/tune.jsonl: per GEMM the
# pick by the GEMM's time and by the forward's, and each plan's change in
# both against the heuristic's.
set -u
part=${1:?fit or val}
source "$(dirname "$0")/../../../scripts/device-session.sh" tune-forward-$part
warm_up
mkdir -p $L/cfg
case $part in
fit) cp .device/fit/llama-3-8b.json .device/fit/qwen2.5-7b.json .device/fit/llama-3-70b.json $L/cfg/
     tokens=140,170,300 ;;
val) cp .device/V/llama-2-7b.json .device/V/phi-3-medium-4k.json .device/V/mistral-nemo-12b.json \
       .device/V/gemma-2-9b.json $L/cfg/
     tokens=300,800 ;;
esac
timeout 500 .device/bin/mlpjit-bench $L/cfg/*.json --tokens $tokens --tune --tune-timing forward \
  --tune-candidates 8 --tuning-file $L/tuned.json --tune-log $L/tune.jsonl > $L/tune.log 2>&1
echo rc=$? >> $L/tune.log
device_session_end
grep -e '->' -e 'whole forwards' -e rc= $L/tune.log
cat $L/clocks.txt
tar czf $OUT/tune-forward-$part.tgz -C $L .
