#!/usr/bin/env bash
# Device call 1 (session 18): (a) an A/A check of `--validate` now that every
# plan set runs on one copy of the weights (the heuristic against its own
# plans pinned in a tuning file: llama-3-8b read 1.04x apart with a copy
# each); (b) tuner rows on fit-set shapes where the planner's open questions
# are: llama-3-70b's down GEMM (K = 28672, the fit set's analog of
# gemma-2-27b's) at M = 100-200, phi-3-mini's (N = 3072, K = 8192, like
# llama-3.2-1b's) at 160 and 200.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s18
warm_up
timeout ${AA_TIMEOUT:-120} .device/bin/mlpjit-bench --validate .device/AA \
  --tuning-file .device/aa-plans.json --tokens 100,256 --validate-rounds 2 \
  > $L/aa.log 2> $L/aa.err
echo "rc=$?" >> $L/aa.log
mark after-aa
timeout ${TUNE_TIMEOUT:-330} .device/bin/mlpjit-bench \
  ../shared/models/llama-3-70b.json ../shared/models/phi-3-mini-4k.json \
  --tokens 100,128,160,200 --tune --tune-candidates 20 --tune-log $L/tune18.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
sed -n '/validation sweep/,$p' $L/aa.log | tail -8
tail -14 $L/tune.log
wc -l $L/tune18.jsonl
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune18.jsonl $OUT/ 2>/dev/null
tar czf $OUT/logs1s18.tgz -C $L . && rm -rf $L
