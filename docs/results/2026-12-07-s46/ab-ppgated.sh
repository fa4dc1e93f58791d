#!/usr/bin/env bash
# Session 46: gatedPingPongScale (ppgated.patch: the H100's gated ping-pong
# priced 5.5% faster) as built against the gate-up plans before it
# (make_old.sh), at the points of points.txt, mlpjit-bench --validate, 3
# interleaved rounds. Not run yet: session 46's call was taken back (see
# README.md for the order of steps).
# Predicted (new / old, the whole forward): 0.96-0.97 at 960 tokens on
# llama-3-8b, mistral-7b and qwen2.5-7b (the tuner's gate-up rows 0.939-0.951,
# the gate-up ~2/3 of the forward), 0.97 at 300 on llama-3-8b, 0.95 on
# qwen2.5-32b at 700 (gate-up 0.919); 0.98-1.02 elsewhere, where the patched
# model itself sees 0.978-1.024 (points planned over a range whose other
# samples decided it, e.g. gemma-2-9b at 1100: 1.024) and no tuner row reaches.
set -u
R=docs/results/2026-12-07-s46
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-ppgated
ab_begin $R/old 60 300
ab_validate_list $V < $R/points.txt
device_session_end
ab_report ab-ppgated
