#!/usr/bin/env bash
# Device call 1 (session 16).
# 1. Harness: wide swapAB in 2x1 clusters (c114-c118, written in session 15
#    and never run), correctness, memcheck/racecheck/synccheck on c114, then
#    timed beside the same tiles without clusters (c110/c113) at 160-400.
# 2. The planner with 32-token ranges from 128 to 640 and wide candidates
#    from 129 tokens (heuristic) against session 15's plans
#    (.device/old-plans.json, scripts/plans_as_tuning.py), whole forward,
#    interleaved with cuBLASLt, at M = 160 and 400.
# 3. cuBLAS's kernels at M = 160 for llama-3.1-405b and the tp8 shard.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s16
H=.device/bin/harness-sm90
for c in 114 115 116 117 118; do
  timeout 60 $H c${c}_ >> $L/harness.log 2>&1; echo "c$c rc=$?" >> $L/harness.log
done
for tool in memcheck racecheck synccheck; do
  timeout 90 compute-sanitizer --tool $tool --error-exitcode 9 $H c114_ > $L/san-$tool-c114.log 2>&1
  echo "$tool c114 rc=$? $(tail -1 $L/san-$tool-c114.log)" >> $L/sanitize.txt
done
HARNESS_TIME_M=160,300,400 timeout 90 $H --time c110_ c117_ c113_ c118_ > $L/harness-time.log 2>&1
echo "rc=$?" >> $L/harness-time.log
mark after-harness
for f in abA abB; do
  timeout ${AB_TIMEOUT:-200} .device/bin/mlpjit-bench --validate .device/$f \
    --tuning-file .device/old-plans.json --tokens 160,400 --validate-rounds 2 \
    > $L/$f.log 2> $L/$f.err
  echo "rc=$?" >> $L/$f.log
  mark after-$f
done
timeout 60 python3 docs/results/2026-12-03-h200-s14/cublas_kernels.py --tokens 160 \
  --shapes llama-3.1-405b,llama-3-70b/tp8 > $L/cublas160.log 2>&1
device_session_end
grep -E "FAIL|passed|rc=" $L/harness.log | tail -12
cat $L/sanitize.txt
grep -vE "^\s*$" $L/harness-time.log | tail -16
for f in abA abB; do sed -n '/validation sweep/,$p' $L/$f.log | tail -10; done
grep -h "rel" $L/ab*.log | awk '{print $NF}' | sort -g | tail -2
cut -c1-250 $L/cublas160.log
grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs1s16.tgz -C $L . && rm -rf $L
