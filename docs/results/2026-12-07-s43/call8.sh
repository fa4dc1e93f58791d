#!/usr/bin/env bash
# Session 43, call 8: ping-pong swapAB (new: one consumer warpgroup per
# 128-row weight tile, two MMAs, the two warpgroups on alternate tiles;
# call 7's ncu showed cuBLASLt's 128x152 kernels so). (1) The harness's
# cases 154-160 (ping-pong swapAB) and their cooperative twins 148-149,
# 162-164 against cuBLAS and float64; (2) timed alone at 300 tokens; (3)
# compute-sanitizer memcheck, racecheck, synccheck on case 158 (fp16 GeGLU,
# bias, 64-row blocks, 1-300 tokens); (4) ab-pingpong.sh.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call8
timeout 90 .device/harness/harness > "$L/harness.log" 2>&1
echo "rc=$?" >> "$L/harness.log"; mark harness
grep -E "^FAIL|passed" "$L/harness.log" | tail -5
HARNESS_TIME_M=300 timeout 90 .device/harness/harness --time > "$L/harness-time.log" 2>&1
echo "rc=$?" >> "$L/harness-time.log"; mark harness-time
grep "^time" "$L/harness-time.log" | sed -E 's/_biasfalse.*m= *300: sm90 +/ /; s/ TFLOP.*cuBLAS +/ cuBLAS /; s/ TFLOP.*ratio/ ratio/; s/\| 1 CTA.*//'
export HARNESS_HOST_REFERENCE=1
CS=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
for tool in memcheck racecheck synccheck; do
  timeout 40 $CS --tool $tool .device/harness/harness c158_ > "$L/sanitize-$tool.log" 2>&1
  echo "rc=$?" >> "$L/sanitize-$tool.log"; mark "sanitize-$tool"
  tail -3 "$L/sanitize-$tool.log"
done
unset HARNESS_HOST_REFERENCE
device_session_end
tar czf "$OUT/call8.tgz" -C "$L" .
AB_DEADLINE=200 AB_TIMEOUT=60 bash "$(dirname "$0")/ab-pingpong.sh"
