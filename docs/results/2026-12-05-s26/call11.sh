#!/usr/bin/env bash
# Device call 11 (prepared in session 26, not run; the H200; after
# call10.sh's checks pass). The exact last token tile in the whole forward:
# --ab-exact-last-tile (the same plans, the ragged last token tile of each
# GEMM's A through A's map or through a map of just its rows, interleaved,
# medians of 3 rounds) on five fit shapes at ragged token counts.
# Prediction: 3-10% where the gate-up's last token tile is ragged and a large
# share of the CTAs (one or two token tiles: 48-300 tokens), nothing where
# the tile is whole (the padded intermediate already covers the down GEMM).
# If it wins on the fit shapes, call5.sh's validation configs with it, then
# make it the default.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs11s26
warm_up
timeout 540 .device/bin/mlpjit-bench .device/fit/{phi-3-mini-4k,llama-3-8b,qwen2.5-7b,gemma-7b}.json \
  .device/tp8/llama-3-70b-tp8-shard.json --tokens 5,48,100,200,300,700 --ab-exact-last-tile \
  --validate-rounds 3 > $L/forward.log 2> $L/forward.err
echo "rc=$?" >> $L/forward.log
device_session_end
sed -n '/ragged last token tile/,$p' $L/forward.log
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs11s26.tgz -C $L . && rm -rf $L
