#!/usr/bin/env bash
# Device call 1 (session 23): session 22's call10.sh (racecheck on the fp16
# GeGLU 104x128 gate-up alone in the harness: this tree's templates at 5 and
# 7 stages, c127/c128 of harness-s22; session 21's at 5, c127 of
# harness-s21; both built by ../2026-12-05-s22/build-harnesses.sh e1e5122),
# then session 21's call3.sh (tuner rows at M <= 128 for the swapEfficiency
# refit), its timeout cut to fit one call.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s23
for run in "s22 c127_" "s22 c128_" "s21 c127_"; do
  set -- $run
  echo "== harness-$1 $2" >> $L/racecheck.log
  timeout 45 compute-sanitizer --tool racecheck --error-exitcode 99 --print-limit 10 \
    --kernel-name kns=gemmKernel .device/harness-$1 $2 >> $L/racecheck.log 2>&1
  echo "rc=$?" >> $L/racecheck.log
done
mark after-racecheck
warm_up
timeout 400 .device/bin/mlpjit-bench \
  .device/fit/phi-3-mini-4k.json .device/fit/gpt2.json .device/fit/llama-3-8b.json \
  .device/fit/qwen2.5-7b.json .device/fit/gemma-7b.json .device/tp8/llama-3-70b-tp8-shard.json \
  --tokens 8,32,64,100,128 --tune --tune-candidates 8 --tune-log $L/tune23.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
grep -E "^==|SUMMARY|Internal|rc=|^ok|^FAIL|rror" $L/racecheck.log | head -40
tail -24 $L/tune.log
wc -l $L/tune23.jsonl
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune23.jsonl $OUT/ 2>/dev/null
tar czf $OUT/logs1s23.tgz -C $L . && rm -rf $L
