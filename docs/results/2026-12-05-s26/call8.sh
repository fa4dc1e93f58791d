#!/usr/bin/env bash
# Device call 8 (prepared in session 26, not run; any sm_90 GPU). Racecheck,
# without cuBLAS in the process (HARNESS_HOST_REFERENCE=1), of the untimed
# harness cases call 1 did not reach: register stores (c67), ping-pong
# (c73-c76), gate/up blocks under 64 rows (c77-c85), 2x1 clusters with
# split-K (c94-c96), wide swapAB (c103-c108) and wide swapAB in clusters
# (c114-c116); one process per case ('^cN_'), 40 s each, 420 s in all. Then
# two of the six cases call 1 cut at 40 s (c59 stream-K + bias, c53 cluster
# + bias; ragged k = 4104) at 90 s each if time is left. Needs
# .device/harness-s25 (build-harness.sh of session 25).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs8s26
S=$(date +%s)
for id in 67 73 74 75 76 77 78 79 80 81 82 83 84 85 94 95 96 103 104 105 106 107 108 114 115 116; do
  [ $(($(date +%s) - S)) -gt 420 ] && { echo "stopped before c$id (time)" >> $L/racecheck.log; break; }
  echo "== c$id" >> $L/racecheck.log
  HARNESS_HOST_REFERENCE=1 timeout 40 compute-sanitizer --tool racecheck --error-exitcode 99 \
    --print-limit 10 --kernel-name kns=gemmKernel .device/harness-s25 "^c${id}_" >> $L/racecheck.log 2>&1
  echo "rc=$?" >> $L/racecheck.log
done
for id in 59 53; do
  [ $(($(date +%s) - S)) -gt 450 ] && break
  echo "== c$id" >> $L/racecheck.log
  HARNESS_HOST_REFERENCE=1 timeout 90 compute-sanitizer --tool racecheck --error-exitcode 99 \
    --print-limit 10 --kernel-name kns=gemmKernel .device/harness-s25 "^c${id}_" >> $L/racecheck.log 2>&1
  echo "rc=$?" >> $L/racecheck.log
done
device_session_end
echo "racecheck: $(grep -c '^== ' $L/racecheck.log) cases, $(grep -c 'rc=0' $L/racecheck.log) rc=0, $(grep -c '0 hazards' $L/racecheck.log) with 0 hazards"
grep -E "^== |^rc=" $L/racecheck.log | paste - - | tr '\n' ';'; echo
grep -B3 -E "rc=[1-9]" $L/racecheck.log | grep -E "^==|rc=|SUMMARY|Internal|rror" | head -40
cat $L/clocks.txt
tar czf $OUT/logs8s26.tgz -C $L . && rm -rf $L
