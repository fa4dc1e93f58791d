#!/usr/bin/env bash
# Session 46, call 1: on an H200, the issue's default-sweep table with the
# PyTorch peers (session 34's tables.sh 1, which now keeps its own time and
# copies its logs to $OUT's top); on any other GPU, tuner rows for the
# 600-1000-token pricing of ping-pong against 128-row tiles on weights past
# the L2 (session 45's next step): `--tune` with 16 candidates a GEMM on the
# fit configs at token counts the training rows lack, none started past
# ${TUNE_BY:-430} s, each cut at 100 s.
# Run from the repository root with .device/ carried.
source scripts/device-lookup.sh
tables_on_h200 1
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" tune
warm_up
while read -r c tokens; do
  past_deadline ${TUNE_BY:-430} $c && continue
  tune_config "$(config_file $c)" $tokens 100 tune46 16
done <<'LIST'
llama-3-8b 560,800,960
qwen2.5-7b 560,800,960
mistral-7b-v0.1 700,800,960
gemma-7b 560,800,960
llama-3-70b-tp8-shard 560,800,960
llama-3-70b 800,960
LIST
device_session_end
for f in $L/tune-*.log; do echo "== $f"; grep -E "heuristic|rel. error" $f; done
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
cp $L/tune46-*.jsonl $OUT/
tar czf $OUT/tune.tgz -C $L .
