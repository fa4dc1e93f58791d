#!/usr/bin/env bash
# Device call 6 (session 18): plan sets now share one packed gate/up copy
# and one workspace (Mlp::shareWeights). (a) the GPU runtime tests, the new
# GpuSharedKernelsTest.LayerRunsOnAnotherLayersWeights among them; (b) the
# A/A again where identical plans read 1.05x (llama-3-8b M = 100, calls 1-2)
# and 1.13x (llama-3.2-1b M = 160, call 4) apart by slot; (c) call 4's
# validation points again (the committed planner vs session 17's plans).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs6s18
timeout 60 .device/bin/mlpjit-runtime-tests --gtest_brief=1 > $L/runtime-tests.log 2>&1
echo "rc=$?" >> $L/runtime-tests.log
warm_up
timeout ${AA_TIMEOUT:-100} .device/bin/mlpjit-bench --validate .device/AA2 \
  --tuning-file .device/aa2-plans.json --tokens 100,160 --validate-rounds 2 \
  > $L/aa.log 2> $L/aa.err
echo "rc=$?" >> $L/aa.log
mark after-aa
timeout ${V_TIMEOUT:-300} .device/bin/mlpjit-bench --validate .device/V \
  --tuning-file .device/s17-plans-v.json --tokens 100,160,200 --validate-rounds 2 \
  > $L/v.log 2> $L/v.err
echo "rc=$?" >> $L/v.log
device_session_end
tail -4 $L/runtime-tests.log
sed -n '/validation sweep/,$p' $L/aa.log
sed -n '/validation sweep/,$p' $L/v.log
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs6s18.tgz -C $L . && rm -rf $L
