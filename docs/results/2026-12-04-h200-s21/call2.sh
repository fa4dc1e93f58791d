#!/usr/bin/env bash
# Prepared in session 21 (no device lent): not run yet. After call1.sh passed:
# the same plans with and without block kernels, interleaved in one process
# (mlpjit-bench --block-kernel, 3 rounds), at M = 1-32 on the default shapes
# and three small validation configs. Prediction: 1-3 us faster per forward
# at M <= 16 (the second launch and its prologue), most on the small models
# (llama-3.2-1b, qwen2.5-0.5b: 13-30 us forwards), about 1-2% on the tp8
# shard (M = 1 from 1.09 to <= 1.08 x floor), and no worse at 24-32.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s21
warm_up
timeout 300 .device/bin/mlpjit-bench --block-kernel --validate-rounds 3 \
  --tokens 1,5,16,24,32 > $L/block-default.log 2> $L/block-default.err
echo "rc=$?" >> $L/block-default.log
timeout 200 .device/bin/mlpjit-bench --block-kernel --validate-rounds 3 \
  .device/V/llama-3.2-1b.json .device/V/qwen2.5-0.5b.json \
  .device/V/gemma-2-2b.json --tokens 1,5,16,32 \
  > $L/block-small.log 2> $L/block-small.err
echo "rc=$?" >> $L/block-small.log
device_session_end
grep -A40 "block kernels (one launch" $L/block-*.log 2>/dev/null
grep -h "rel. error" $L/*.err 2>/dev/null | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs2s21.tgz -C $L . && rm -rf $L
