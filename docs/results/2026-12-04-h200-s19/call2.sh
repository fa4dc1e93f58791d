#!/usr/bin/env bash
# Device call 2 (session 19): narrow swapAB tiles of the plain (down) GEMM
# now store Dᵀ with TMA (stmatrix.trans into a subtile per warp, as the wide
# tiles do) instead of 2-byte stores from registers; the plans are
# byte-identical to call 1's binary. (a) GPU runtime tests; (b)
# compute-sanitizer memcheck, racecheck, synccheck over the narrow set at
# M = 160, 200 and the default set at M = 1, 16, 64 (narrow plain tiles of
# 8-64 tokens); (c) the whole forward, old kernels (.device/bin/mlpjit-bench-s18,
# call 1's binary) against new, same plans, four processes old/new/new/old,
# each against its own cuBLASLt baselines; (d) tuner rows at M = 160, 200 on
# the shapes whose down GEMM the narrow tile won in call 1.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s19
timeout 90 .device/bin/mlpjit-runtime-tests --gtest_brief=1 > $L/runtime-tests.log 2>&1
echo "rc=$?" >> $L/runtime-tests.log
san() { # name tuning tokens tool
  MLPJIT_TUNING_FILE=$2 timeout 100 compute-sanitizer --tool $4 --error-exitcode 99 --print-limit 20 \
    --kernel-name kns=_m $( [ $4 = racecheck ] && echo "" ) \
    .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens $3 --reps 0 \
    $( [ $4 = racecheck ] && echo --cpu-reference-only ) > $L/san-$1-$4.log 2>&1
  echo "rc=$?" >> $L/san-$1-$4.log
}
for tool in memcheck synccheck racecheck; do
  san narrow tests/gpu/sanitize-narrow-tuning.json 160,200 $tool
  san small tests/gpu/sanitize-tuning.json 1,16,64 $tool
done
mark after-sanitize
warm_up
ab() { # name binary
  timeout 120 .device/bin/$2 .device/AB/*.json --tokens 1,16,64,100,128 \
    > $L/ab-$1.log 2> $L/ab-$1.err
  echo "rc=$?" >> $L/ab-$1.log
}
ab old1 mlpjit-bench-s18; ab new1 mlpjit-bench; ab new2 mlpjit-bench; ab old2 mlpjit-bench-s18
mark after-ab
timeout 200 .device/bin/mlpjit-bench .device/tp8/llama-3-70b-tp8-shard.json .device/fit/llama-3-70b.json \
  .device/fit/gemma-7b.json --tokens 160,200 --tune --tune-candidates 4 --tune-log $L/tune19b.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
tail -3 $L/runtime-tests.log
for f in $L/san-*.log; do echo "$(basename $f): $(grep -hE 'ERROR SUMMARY|RACECHECK SUMMARY' $f | tr '\n' ' ') $(tail -1 $f)"; done
for f in $L/ab-*.log; do echo "== $f"; sed -n '/^shape/,$p' $f; done
grep "^\[" $L/tune.log
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune19b.jsonl $OUT/ 2>/dev/null
tar czf $OUT/logs2s19.tgz -C $L . && rm -rf $L
