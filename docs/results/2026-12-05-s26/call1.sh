#!/usr/bin/env bash
# Device call 1 (session 26; any sm_90 GPU: nothing here is timed across
# processes). (a) SASS of every kernel the planner emits for the fit,
# validation and tp8 configs: cubins built here (mlpjit-dump --stage=cubin,
# .device/cubins-s26.tgz), disassembled there (scripts/sass_summary.py):
# HGMMA, TMA loads and stores, no local memory. (b) s25 call2.sh's racecheck
# over the 78 untimed harness cases without cuBLAS (one process per case),
# capped at 300 s. (c) s25 call2.sh's pad A/B (c129/c130 at 100/112/128
# tokens, A's map padded to whole token tiles or not: 0/1/0/1).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s26
mkdir -p /tmp/cubins && tar xzf .device/cubins-s26.tgz -C /tmp/cubins
timeout 150 python3 scripts/sass_summary.py /tmp/cubins/* > $L/sass.txt 2> $L/sass.err
echo "rc=$?" >> $L/sass.txt
mark after-sass
S=$(date +%s)
for id in $(grep -oE '^CONFIG\w*\([0-9]+, false' tests/gpu/sm90/configs.inc | grep -oE '[0-9]+'); do
  [ $(($(date +%s) - S)) -gt 300 ] && { echo "stopped before c$id (time)" >> $L/racecheck.log; break; }
  echo "== c$id" >> $L/racecheck.log
  HARNESS_HOST_REFERENCE=1 timeout 40 compute-sanitizer --tool racecheck --error-exitcode 99 \
    --print-limit 10 --kernel-name kns=gemmKernel .device/harness-s25 "^c${id}_" >> $L/racecheck.log 2>&1
  echo "rc=$?" >> $L/racecheck.log
done
mark after-racecheck
for pad in 0 1 0 1; do
  HARNESS_TIME_M=100,112,128 HARNESS_PAD_A=$pad timeout 30 .device/harness-s25 --time \
    ^c129_ ^c130_ >> $L/pad.log 2>&1
  echo "rc=$? pad=$pad" >> $L/pad.log
done
device_session_end
tail -4 $L/sass.txt; tail -3 $L/sass.err
echo "racecheck: $(grep -c '^== ' $L/racecheck.log) cases, $(grep -c 'rc=0' $L/racecheck.log) rc=0, $(grep -c '0 hazards' $L/racecheck.log) with 0 hazards"
grep -B3 -E "rc=[1-9]" $L/racecheck.log | grep -E "^==|rc=|SUMMARY|Internal|rror" | head -40
tail -1 $L/racecheck.log
grep -E "^time" $L/pad.log | sed -E 's/^time (c1[23][0-9])_[^ ]* +m= *([0-9]+): sm90 +([0-9.]+) ms.*<<<>>> +([0-9.]+) ms.*A rows ([0-9]+)/\1 m=\2 ours=\3 plain=\4 Arows=\5/'
grep -E "rc=" $L/pad.log | tr '\n' ' '; echo
cat $L/clocks.txt
cp $L/sass.txt $OUT/ 2>/dev/null
tar czf $OUT/logs1s26.tgz -C $L . && rm -rf $L
