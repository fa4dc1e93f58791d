#!/usr/bin/env bash
# Device call 7 (session 22, after calls 1-2 of this session: 6 and s21's
# 1, 2, 5): (a) the deeper gated narrow tiles in the whole forward: the tp8
# shard at 144, 160 and 208 tokens with its gate-up pinned to the narrow
# swapAB tiles at the old depths (72x128 and 80x128 at 7 stages, 104x128 at
# 5) and at the new ones (8, 8, 7), each against the heuristic plans and
# cuBLASLt interleaved (--validate, 3 rounds); (b) why s21's call 2 hung:
# the block kernel through mlpjit-run, one launch (M = 1), on a small
# validation config and on llama-3-8b (224 gate-up tiles, more than the
# grid's 132 CTAs), 30 s each.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs7s22
plans() { # name stages72 stages80 stages104
  {
    echo '{"format":"mlpjit-tuning-1","plans":['
    for e in "144 129 144 72 $2" "160 145 160 80 $3" "208 193 208 104 $4"; do
      set -- $e
      echo '{"arch":"sm_90a","epilogue":"swiglu","dtype":"bf16","n":7168,"k":8192,"m":'$1',"us":0,'
      echo ' "plan":{"template":"sm90_tma_ws","mMin":'$2',"mMax":'$3',"tileM":'$4',"tileN":128,"tileK":64,"stages":'$5',"clusterM":1,"clusterN":1,"splitK":1,"swapAB":true}}'
      [ $1 = 208 ] || echo ','
    done
    echo ']}'
  } > $L/$1.json
}
plans old 7 7 5
plans new 8 8 7
warm_up
for f in old new old new; do
  timeout 100 .device/bin/mlpjit-bench --validate .device/tp8 --tuning-file $L/$f.json \
    --tokens 144,160,208 --validate-rounds 3 >> $L/depth-$f.log 2>> $L/depth-$f.err
  echo "rc=$?" >> $L/depth-$f.log
done
mark after-depth
for cfg in .device/V/qwen2.5-0.5b.json .device/tp8/llama-3-70b-tp8-shard.json .device/V/llama-3.2-1b.json .device/fit/llama-3-8b.json; do
  n=$(basename $cfg .json)
  MLPJIT_BLOCK_KERNEL=1 timeout 25 .device/bin/mlpjit-run $cfg --tokens 1 --reps 0 \
    > $L/block-$n.log 2>&1
  echo "rc=$?" >> $L/block-$n.log
  MLPJIT_BLOCK_KERNEL=1 .device/bin/mlpjit-dump --stage=kernels $cfg 2>&1 | grep -E "_m1_|block" | head -6 >> $L/block-$n.log
done
device_session_end
for f in $L/depth-*.log; do echo "== $f"; cat $f; done
tail -8 $L/block-*.log
cat $L/clocks.txt
tar czf $OUT/logs7s22.tgz -C $L . && rm -rf $L
