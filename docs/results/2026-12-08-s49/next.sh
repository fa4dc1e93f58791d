#!/usr/bin/env bash
# Session 49, left for the next session: on an H200, session 34's tables.sh 1
# (the issue's default-sweep table with the PyTorch peers); on any other GPU,
# tuner rows for performance.md's session-49 lead: the fit configs' down
# GEMMs at token counts where 128x256 tiles leave one partial wave (112-128
# tiles on 132 SMs) and 64x224 ping-pong fills two (240-259), as the held-out
# N = 5120 configs do at 700 tokens, where ping-pong runs 6-7% faster and the
# model puts it 5-8% slower. `--tune` with 16 candidates a GEMM, none started
# past ${TUNE_BY:-430} s, each cut at 100 s. Run from the repository root with
# .device/ carried.
source scripts/device-lookup.sh
tables_on_h200 1
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" tune
warm_up
tune_list tune50 100 16 ${TUNE_BY:-430} <<'LIST'
llama-3-70b 400,436
llama-3-8b 772,830
mistral-7b-v0.1 800
qwen2.5-7b 900,940
llama-3-70b-tp8-shard 400
LIST
device_session_end
for f in $L/tune-*.log; do echo "== $f"; grep -E "heuristic|rel. error" $f; done
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
cp $L/tune50-*.jsonl $OUT/
tar czf $OUT/tune.tgz -C $L .
