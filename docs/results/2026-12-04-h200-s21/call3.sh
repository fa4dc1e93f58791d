#!/usr/bin/env bash
# Prepared in session 21 (no device lent): not run yet. Tuner rows at
# M <= 128 with the kernel that stores the plain GEMM's narrow swapAB tiles
# with TMA (session 19 on): the cost model still prices those tiles as the
# register stores swapEfficiency was fitted on up to 128 tokens (session 20,
# left undone 3). Input of the refit: scripts/fit_cost_model.py
# --only=swap,direct on the fit logs with these rows (the old register-store
# rows at M <= 128 left out, as register_store_row does above 128), checked
# on the held-out logs. Six fit shapes, 8 candidates per GEMM plus the
# tuner-only ones.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs3s21
warm_up
timeout ${TUNE_TIMEOUT:-480} .device/bin/mlpjit-bench \
  .device/fit/phi-3-mini-4k.json .device/fit/gpt2.json .device/fit/llama-3-8b.json \
  .device/fit/qwen2.5-7b.json .device/fit/gemma-7b.json .device/tp8/llama-3-70b-tp8-shard.json \
  --tokens 8,32,64,100,128 --tune --tune-candidates 8 --tune-log $L/tune21.jsonl \
  --tuning-file $L/tune.json > $L/tune.log 2> $L/tune.err
echo "rc=$?" >> $L/tune.log
device_session_end
tail -24 $L/tune.log
wc -l $L/tune21.jsonl
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
cp $L/tune21.jsonl $OUT/ 2>/dev/null
tar czf $OUT/logs3s21.tgz -C $L . && rm -rf $L
