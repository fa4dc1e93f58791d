#!/usr/bin/env bash
# Device call 6 (prepared in session 22, not yet run): the gated narrow
# swapAB exchange in 8 KiB rounds (docs/kernels-sm90.md, session 22).
# Needs .device/ built from the session-22 commit (session 21's call 1 then
# runs the GPU runtime tests on the new epilogue) and two harnesses built here
# (scripts in this folder's README): .device/harness-s22 (this commit's
# templates: narrow gated cases c2-c15, c32-c34, c84-c89, c119-c126) and
# .device/harness-s21 (the commit before: c32, c33, c88, c89 only).
# (a) correctness: every case of harness-s22 against cuBLAS (poisoned
#     outputs, two grids each); compute-sanitizer memcheck, racecheck and
#     synccheck on the forced narrow tiles at 160 and 200 tokens (80x128 at 8
#     stages, 104x128 at 7: tests/gpu/sanitize-narrow-tuning.json);
# (b) the depth A/B on the tp8 shard's gate-up (7168 x 8192): c123 (80
#     tokens, 8 stages) against c124 (7), c125 (104, 7) against c126 (5);
# (c) small M, the new epilogue against the old one (same plans):
#     llama-3-8b gate-up at 8, 16 and 64 tokens, c32/c33/c34-style cases of
#     both harnesses, alternated twice.
# Prediction (docs/kernels-sm90.md): (b) 10-14% faster at 8 stages, 20% or
# more at 7 against 5; (c) within noise (1%).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs6s22
timeout 150 .device/harness-s22 > $L/check.log 2>&1
echo "rc=$?" >> $L/check.log
mark after-check
if grep -q "rc=0" $L/check.log; then
  OUT=$L SANITIZE_TUNING=tests/gpu/sanitize-narrow-tuning.json \
    SANITIZE_TOKENS=160,200 SANITIZE_KERNELS=kns=gate_up_m SANITIZE_TIMEOUT=90 \
    MLPJIT_BIN=.device/bin scripts/gpu-suite.sh sanitize > $L/sanitize.log 2>&1
  mark after-sanitize
  HARNESS_TIME_M=144,160,200 timeout 120 .device/harness-s22 --time c123_ c124_ c125_ c126_ \
    > $L/time-depth.log 2>&1
  echo "rc=$?" >> $L/time-depth.log
  for round in 1 2; do
    for h in s21 s22; do
      HARNESS_TIME_M=8,16,64 timeout 90 .device/harness-$h --time c32_ c33_ c88_ c89_ \
        > $L/time-small-$h-$round.log 2>&1
      echo "rc=$?" >> $L/time-small-$h-$round.log
    done
  done
fi
device_session_end
grep -cE "PASS" $L/check.log; grep -E "FAIL|rc=" $L/check.log | head
grep -E "rc=|SUMMARY" $L/sanitize.log | head
for f in $L/time-*.log; do echo "== $f"; grep -vE "^\s*$" $f | tail -14; done
cat $L/clocks.txt
tar czf $OUT/logs6s22.tgz -C $L . && rm -rf $L
