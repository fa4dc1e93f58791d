#!/usr/bin/env bash
# Device call 10 (prepared in session 22, not run: no device time left).
# compute-sanitizer racecheck stopped with an internal error ("failed to
# handle a hardware exception", then an illegal address) on the sanitize
# set's fp16 GeGLU gate-up with bias, 104x128, 16-row blocks, at 7 stages and
# at 5 alike (calls 6 and 9). Session 19 ran the same set clean with the old
# epilogue. Here the kernel alone in the harness: this commit's templates at
# 5 and 7 stages (c127, c128), session 21's at 5 (c127 of harness-s21);
# racecheck instruments only the harness's GEMM kernels (gemmKernel), not
# cuBLAS's reference. If only the new templates fail, the 8 KiB exchange has
# a race (or trips the tool) and needs looking at before anything else.
# Needs .device/harness-s22 and harness-s21 from build-harnesses.sh e1e5122.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs10s22
for run in "s22 c127_" "s22 c128_" "s21 c127_"; do
  set -- $run
  echo "== harness-$1 $2" >> $L/racecheck.log
  timeout 60 compute-sanitizer --tool racecheck --error-exitcode 99 --print-limit 10 \
    --kernel-name kns=gemmKernel .device/harness-$1 $2 >> $L/racecheck.log 2>&1
  echo "rc=$?" >> $L/racecheck.log
done
device_session_end
grep -E "^==|SUMMARY|Internal|rc=|^ok|^FAIL" $L/racecheck.log
tar czf $OUT/logs10s22.tgz -C $L . && rm -rf $L
