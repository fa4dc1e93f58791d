#!/usr/bin/env bash
# Session 34: the L2 rate scaled with the GPU's DRAM bandwidth
# (DeviceModel::l2MemoryExponent 0.2928, fitted alone; on an H100 the L2
# rate is 0.89x the H200's) against the plans before it on the H100
# (old-h100-plans.json: the previous build's `mlpjit-dump --stage=kernels
# --json --sm-count=132 --memory-gbs=3352.32` of every config, pinned with
# scripts/plans_as_tuning.py), mlpjit-bench --validate, 3 interleaved
# rounds, at token counts inside ranges whose plan changed. On an H200 the
# planner is unchanged: the script stops.
#   bash ab-l2mem.sh fit   fit configs and the tp8 shard
#   bash ab-l2mem.sh val   validation configs
# Predicted (tuner rows, per GEMM): phi-3-mini-4k's down GEMM at 800 1.25x
# faster (128x192 over ping-pong 64x160), qwen2.5-7b's at 700 1.23x; most
# other changes (ping-pong 64-row tiles -> wide swapAB or 128-row tiles at
# 161-1024 tokens) are near-ties in the model, 1.00 +- 3%; session 33 saw
# wide swapAB lose to ping-pong by 3% in the forward at 289-304.
set -u
part=${1:?fit or val}
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-l2mem-$part
R=$(dirname "$0")
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200; then
  echo "H200: the planner is the same as before there; nothing to compare"
  device_session_end
  exit 0
fi
warm_up
one() { ab_validate $1 $2 $R/old-h100-plans.json; } # config-file tokens
case $part in
fit)
  one .device/fit/phi-3-mini-4k.json 800,1800,5000
  one .device/fit/qwen2.5-7b.json 100,300,470,700,900,1400
  one .device/fit/llama-3-8b.json 170,270,350,440,900,2400,4000
  one .device/fit/gemma-7b.json 270,300,400,600,700,1000
  one .device/tp8/llama-3-70b-tp8-shard.json 10,250,300,700,1000
  one .device/fit/llama-3-70b.json 170,230,250,310
  one .device/fit/gpt2.json 600,2000 ;;
val)
  one .device/V/qwen2.5-0.5b.json 540,1400,2000,6000
  one .device/V/llama-3.2-1b.json 170,370,1000,2400
  one .device/V/gemma-2-2b.json 200,600,900
  one .device/V/gemma-2-9b.json 170,270,350,470,700
  one .device/V/llama-2-7b.json 150,350,470,800,4000
  one .device/V/mistral-nemo-12b.json 170,270,530,700,900
  one .device/V/phi-3-medium-4k.json 100,270,300,530,900
  one .device/V/qwen2.5-32b.json 230,310,700,900 ;;
esac
device_session_end
for f in $L/ab-*.log; do echo "== $f"; sed -n "/^validation sweep/,\$p" $f; done
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/ab-l2mem-$part.tgz -C $L .
