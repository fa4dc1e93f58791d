#!/usr/bin/env bash
# Device call 2 (prepared in session 25, not run; meant for an H200).
# (a) Racecheck over every template variant, without cuBLAS in the process
#     (HARNESS_HOST_REFERENCE=1): each correctness case of harness-s25
#     (build-harness.sh: clusters, ping-pong, register stores, gate/up
#     blocks, wide and narrow swapAB, split-K, stream-K; small shapes), one
#     process per case ('^cN_' matches case N alone). Session 25 found
#     c119-c134 clean this way on an H100; this covers the rest.
# (b) The 100-token slow spot on the H200 (session 23: the same plans 6-10%
#     slower at 100 tokens than at 112; the H100 shows none): c129/c130
#     timed at 100/112/128 tokens with A's map of m rows and of whole token
#     tiles (HARNESS_PAD_A=1), 0/1/0/1. If padded A removes the gap here,
#     the whole-forward A/B (--ab-pad-intermediate, s24 call1) is next.
# Worst case about 9 minutes.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s25
for pad in 0 1 0 1; do
  HARNESS_TIME_M=100,112,128 HARNESS_PAD_A=$pad timeout 30 .device/harness-s25 --time \
    ^c129_ ^c130_ >> $L/pad.log 2>&1
  echo "rc=$? pad=$pad" >> $L/pad.log
done
mark after-pad
S=$(date +%s)
for id in $(grep -oE '^CONFIG\w*\([0-9]+, false' tests/gpu/sm90/configs.inc | grep -oE '[0-9]+'); do
  [ $(($(date +%s) - S)) -gt 380 ] && { echo "stopped before c$id (time)" >> $L/racecheck.log; break; }
  echo "== c$id" >> $L/racecheck.log
  HARNESS_HOST_REFERENCE=1 timeout 40 compute-sanitizer --tool racecheck --error-exitcode 99 \
    --print-limit 10 --kernel-name kns=gemmKernel .device/harness-s25 "^c${id}_" >> $L/racecheck.log 2>&1
  echo "rc=$?" >> $L/racecheck.log
done
device_session_end
grep -E "^time" $L/pad.log | sed -E 's/^time (c1[23][0-9])_[^ ]* +m= *([0-9]+): sm90 +([0-9.]+) ms.*<<<>>> +([0-9.]+) ms.*A rows ([0-9]+)/\1 m=\2 ours=\3 plain=\4 Arows=\5/'
grep -E "rc=" $L/pad.log | tr '\n' ' '; echo
echo "racecheck: $(grep -c '^== ' $L/racecheck.log) cases, $(grep -c 'rc=0' $L/racecheck.log) rc=0, $(grep -c '0 hazards' $L/racecheck.log) with 0 hazards"
grep -B3 -E "rc=[1-9]" $L/racecheck.log | grep -E "^==|rc=|SUMMARY|Internal|rror" | head -40
tail -1 $L/racecheck.log
cat $L/clocks.txt
tar czf $OUT/logs2s25.tgz -C $L . && rm -rf $L
