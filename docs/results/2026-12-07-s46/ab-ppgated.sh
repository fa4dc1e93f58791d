#!/usr/bin/env bash
# Session 46: gatedPingPongScale (ppgated.patch: the H100's gated ping-pong
# priced 5.5% faster) as built against the gate-up plans before it
# (make_old.sh), at the points of points.txt, mlpjit-bench --validate, 3
# interleaved rounds. Not run yet: session 46's call was taken back (see
# README.md for the order of steps).
# Predicted (new / old): 0.94-0.96 at 960 tokens on llama-3-8b, mistral-7b
# and qwen2.5-7b (the tuner's rows: 0.944, 0.939, 0.951 for the gate-up
# alone, ~2/3 of the forward), 0.96 at 300 on llama-3-8b, qwen2.5-32b 0.93 at 700;
# 0.97-1.03 elsewhere (ranges the tuner rows never reached: 1100-6000 tokens).
set -u
R=docs/results/2026-12-07-s46
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-ppgated
ab_begin $R/old 60 ${AB_BY:-300}
ab_validate_list $V < $R/points.txt
device_session_end
ab_report ab-ppgated
for f in $L/ab-*.log; do cp $f $OUT/; done
