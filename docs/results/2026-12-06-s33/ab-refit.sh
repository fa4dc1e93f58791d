#!/usr/bin/env bash
# Session 33: the cost model refit on the logs with this session's
# llama-3-70b rows at 300-600 tokens (the validation configs' rows held out
# by config, fit_cost_model.py VALIDATION_CONFIGS): every constant of FITTED,
# then wideSwapEfficiency alone (1.026 -> 1.0434). The planner with it
# against the plans before it (old-plans.json: the previous build's
# `mlpjit-dump --stage=kernels --json` of every config, pinned with
# scripts/plans_as_tuning.py), mlpjit-bench --validate, 3 interleaved
# rounds, at token counts inside ranges whose plan changed.
#   bash ab-refit.sh fit    fit configs and the tp8 shard
#   bash ab-refit.sh val    validation configs (llama-3.1-405b timed out at
#                           470 under AB_TIMEOUT=110: its 330 point came back)
#   bash ab-refit.sh big    llama-3.1-405b at 470 and 2048 (the 2x1-cluster
#                           gate-up from 1537 tokens), then the PyTorch peers
#                           at llama-3-70b 330, 345, 470
# Predicted (tuner logs, per GEMM): the forward 3-7% faster at llama-3-70b
# 330-345 and 470 and the 405b at 330-345, 1.00 +- 2% elsewhere; the
# clustered 405b gate-up from 1537 tokens and llama-3.2-1b's ping-pong at
# 2305-2688 unknown (no tuner rows there).
set -u
part=${1:?fit, val or big}
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-refit-$part
R=$(dirname "$0")
warm_up
one() { ab_validate $1 $2 $R/old-plans.json; } # config-file tokens (device-session.sh)
case $part in
fit)
  one .device/fit/llama-3-70b.json 230,330,345,470
  one .device/fit/llama-3-8b.json 30,300,330
  one .device/fit/gemma-7b.json 170,230,390,470
  one .device/fit/qwen2.5-7b.json 140,185,315,345,440,470
  one .device/fit/phi-3-mini-4k.json 50,170,200,230,470,800
  one .device/tp8/llama-3-70b-tp8-shard.json 10,470
  one .device/fit/gpt2.json 200,600,1400,2048 ;;
val)
  one .device/V/llama-3.1-405b.json 330,470,2048
  one .device/V/qwen2.5-32b.json 230,345,370
  one .device/V/gemma-2-27b.json 170,345,600,1400
  one .device/V/llama-3.2-1b.json 100,430,1000,2400,2600
  one .device/V/mistral-nemo-12b.json 220,330,390,600
  one .device/V/llama-2-7b.json 10,345,600,900
  one .device/V/gemma-2-9b.json 20,140,300,420
  one .device/V/phi-3-medium-4k.json 140,300
  one .device/V/gemma-2-2b.json 5,600
  one .device/V/qwen2.5-0.5b.json 6200 ;;
big)
  one .device/V/llama-3.1-405b.json 470,2048
  export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
  timeout 150 python3 -m mlpjit.bench .device/fit/llama-3-70b.json --tokens 330,345,470 --rounds 3 \
    --json $L/peers.json > $L/peers.log 2> $L/peers.err; echo rc=$? >> $L/peers.log ;;
esac
device_session_end
for f in $L/ab-*.log; do echo "== $f"; sed -n "/^validation sweep/,\$p" $f; done
cat $L/peers.log $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/ab-refit-$part.tgz -C $L .
