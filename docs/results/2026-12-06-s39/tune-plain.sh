#!/usr/bin/env bash
# Session 39: tuner rows (16 candidates a GEMM) where the H100 ran plain
# 64-row tiles slower than planned: gemma-2-2b at 2200 (down 64x224: the
# forward 1.12x the carried 128x192's, ab-carry-heldout), gemma-7b at 560
# (co 64x224 1.15x ping-pong 64x256's, ab-pplow), qwen2.5-0.5b at 700 (co
# 64x96 1.13x ping-pong 64x128's), the tp8 shard at 256 (ping-pong 64x256
# 1.03x 128x128's). Rows to fit a term for the H100's plain GEMM tiles
# (their rows run 1.02-1.17x their estimates there, 0.96-1.07 on the
# H200). Built with session 39's ping-pong term (not adopted), so the
# tuner's shortlist ranks plain ping-pong lower than the committed model.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" tune-plain
tune_config .device/V/gemma-2-2b.json 2200 80 tune39 16
tune_config .device/fit/gemma-7b.json 560 80 tune39 16
tune_config .device/V/qwen2.5-0.5b.json 700 50 tune39 16
tune_config .device/tp8/llama-3-70b-tp8-shard.json 256 50 tune39 16
device_session_end
for f in "$L"/tune-*.log; do echo "== $f"; grep -E "^\[|best|tuned|rc=" "$f" | tail -8; done
cat "$L/clocks.txt"
tar czf "$OUT/tune-plain.tgz" -C "$L" .
