#!/usr/bin/env bash
# Device call 1 (session 14): measurements of what session 13 changed but
# never timed in the whole forward, and leads for the kernels.
# 1. All ten validation configs at M = 300 and 700 (heuristic vs the best
#    cuBLASLt baseline, 1 round): the padding-carry rule (3e8e8b1) changes
#    the M = 300 plans of llama-2-7b, qwen2.5-32b and llama-3.1-405b; then
#    llama-3.2-1b and phi-3-medium-4k (never run) at M = 5, 48, 100, 2500.
# 2. What cuBLAS runs where mlpjit's kernels trail (M = 256/300).
# 3. PDL at middle M (only ever measured at M <= 64): MLPJIT_PDL 0 / 1 / 0
#    in three processes, default shapes at M = 256 and 300.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs1s14
R=docs/results/2026-12-03-h200-s14
timeout ${VAL_TIMEOUT:-250} .device/bin/mlpjit-bench --validate .device/val10 \
  --tuning-file .device/empty-tuning.json --tokens 300,700 --validate-rounds 1 \
  --json $L/val10.json > $L/val10.log 2> $L/val10.err
echo "rc=$?" >> $L/val10.log
mark after-val10
timeout ${NEW_TIMEOUT:-70} .device/bin/mlpjit-bench --validate .device/valnew \
  --tuning-file .device/empty-tuning.json --tokens 5,48,100,2500 --validate-rounds 1 \
  --json $L/valnew.json > $L/valnew.log 2> $L/valnew.err
echo "rc=$?" >> $L/valnew.log
mark after-valnew
PYTHONUNBUFFERED=1 timeout ${CUBLAS_TIMEOUT:-80} python3 $R/cublas_kernels.py --tokens 256,300 \
  --shapes llama-3-8b,llama-3-70b/tp8,llama-3.1-405b,qwen2.5-32b \
  --json $L/cublas.json > $L/cublas.log 2>&1
echo "rc=$?" >> $L/cublas.log
mark after-cublas
for pdl in 0 1 0; do
  MLPJIT_PDL=$pdl timeout ${PDL_TIMEOUT:-55} .device/bin/mlpjit-bench --tokens 256,300 \
    --json $L/pdl$pdl-$SECONDS.json > $L/pdl.log.tmp 2>&1
  echo "== MLPJIT_PDL=$pdl rc=$?" >> $L/pdl.log; cat $L/pdl.log.tmp >> $L/pdl.log
done
rm -f $L/pdl.log.tmp
device_session_end
sed -n '/validation sweep/,$p' $L/val10.log | tail -24
sed -n '/validation sweep/,$p' $L/valnew.log | tail -10
grep -E "M=" $L/cublas.log | cut -c1-230
grep -E "==|llama|qwen|gemma" $L/pdl.log | grep -v "^ *#" | head -40
tail -n 2 $L/*.err; grep rc= $L/*.log
cat $L/clocks.txt
tar czf $OUT/logs1s14.tgz -C $L . && rm -rf $L
