#!/usr/bin/env bash
# Device call 6 (session 16, last): the GPU test tier's runtime and C API
# suites over the final tree (16-token ranges), then M = 100, where the
# ranges above 128 changed which plan 65-128 inherits: the final planner
# against session 15's plans (.device/old-plans.json), whole forward.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs6s16
for t in mlpjit-runtime-tests mlpjit-api-tests; do
  timeout 60 .device/bin/$t > $L/$t.log 2>&1; echo "$t rc=$? $(grep -E 'PASSED|FAILED' $L/$t.log | tr '\n' ' ')" >> $L/tests.txt
done
timeout 45 .device/bin/mlpjit-run tests/fixtures/models/llama-2-7b.json \
  --tokens 129,150,200,300,400,600 > $L/run.log 2>&1
echo "mlpjit-run rc=$?" >> $L/tests.txt
mark after-tests
timeout ${AB_TIMEOUT:-110} .device/bin/mlpjit-bench --validate .device/abH \
  --tuning-file .device/old-plans.json --tokens 100 --validate-rounds 2 \
  > $L/abH.log 2> $L/abH.err
echo "rc=$?" >> $L/abH.log
device_session_end
cat $L/tests.txt
tail -8 $L/run.log
sed -n '/validation sweep/,$p' $L/abH.log | tail -6
grep -h "rel" $L/ab*.log | awk '{print $NF}' | sort -g | tail -2
cat $L/clocks.txt
tar czf $OUT/logs6s16.tgz -C $L . && rm -rf $L
