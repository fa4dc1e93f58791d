#!/usr/bin/env bash
# Session 41, call 3 (the build with largeWeightPingPongScale committed):
# session 38's tables-lite.sh (the default sweep's 28 points, every point
# checked against cuBLASLt and float64 first, then the PyTorch peers with
# max-autotune on llama-3-8b), then the tuner at the tp8 shard's 300 tokens,
# where the heuristic ran 104.3 us against cuBLASLt's 96.5 (call 2; no H100
# tuner rows there). Predicted: the default sweep within 1% of session 38's
# (geometric mean ~1.06 over the best of cuBLASLt and the peers); the
# tuner's best forward at 300 ~97 us (a tie with cuBLASLt, not a win).
set -u
bash docs/results/2026-12-06-s38/tables-lite.sh
source scripts/device-session.sh tune-tp8
tune_config .device/tp8/llama-3-70b-tp8-shard.json 300 ${TUNE_S:-170} tune41 ${TUNE_N:-12}
device_session_end
grep -vE "^\s*$" $L/tune-*.log | tail -30
cat $L/clocks.txt
tar czf $OUT/tune-tp8.tgz -C $L .
