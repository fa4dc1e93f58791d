#!/usr/bin/env bash
# Session 43, call 4: clusters of weight tiles alone (the template harness,
# 300 tokens, beside cuBLAS), after the consumers' remote slot releases
# were spread over a warp's lanes (one signalling thread per peer CTA, as
# CUTLASS does; call 3 had one thread arrive on every peer in turn). Cases
# 138-141 (1x2, 2x4 at 152 tokens), 148-149 (no cluster), 150-152 (160
# tokens: slices without overlap, none / 1x2 / 1x4), 153 (the down in 1x4).
# First every case's check (rel. error against cuBLAS and float64).
# Predicted: if the serial arrivals cost the 1x2 tiles their 4-5%, 1x2
# within 1% of no cluster; 152 and 160 alike if the overlapping slice does
# not matter.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call4
timeout 100 .device/harness/harness > "$L/harness.log" 2>&1
echo "rc=$?" >> "$L/harness.log"; mark harness
tail -2 "$L/harness.log"
HARNESS_TIME_M=300 timeout 150 .device/harness/harness --time > "$L/harness-time.log" 2>&1
echo "rc=$?" >> "$L/harness-time.log"; mark harness-time
grep "^time" "$L/harness-time.log" | sed -E 's/_split1_swaptrue.*m= *300: sm90 +/ /; s/ TFLOP.*cuBLAS +/ cuBLAS /; s/ TFLOP.*ratio/ ratio/; s/\| 1 CTA.*//'
device_session_end
tar czf "$OUT/call4.tgz" -C "$L" .
