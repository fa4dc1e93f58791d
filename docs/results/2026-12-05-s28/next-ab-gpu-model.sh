#!/usr/bin/env bash
# Prepared in session 28, not run (any sm_90 GPU; meaningful where the GPU is
# not an H200: the device tool often gives an H100). The planner now scales
# its cost model to the GPU it plans for (DeviceModel::forGpu: the driver's
# SM count and peak DRAM bandwidth). On an H100 SXM (3352 GB/s) that changes
# 47 of 252 GEMM plans of the fit configs at 1-8192 tokens, mostly the down
# GEMM's split-K at 1-128 tokens. This times, in one process, the plans the
# H200 model gives (pinned with plans_as_tuning.py, "tuned" in the table)
# against the GPU's own (the heuristic), whole forward, interleaved.
# Prediction (H100): heuristic/tuned 0.98-1.02 at 1-128 tokens; >= 1.05 on
# qwen2.5-7b at 240 (the tuner's rows: 128x224 split 4 70.1 vs ping-pong
# 64x128 64.7 us, which the scaled model picks); nowhere below 0.97.
# AB_TOKENS, AB_CONFIGS (fit configs by name; the tp8 shard always),
# AB_ROUNDS and AB_TIMEOUT shorten it; AB_WARM_UP=0 skips the warm-up.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" abgpu
tokens=${AB_TOKENS:-1,16,48,100,200,240,256,700,2500}
mkdir -p $L/fit
for f in ${AB_CONFIGS:-llama-3-8b qwen2.5-7b phi-3-mini-4k gemma-7b}; do
  cp .device/fit/$f.json $L/fit/
done
cp .device/tp8/*.json $L/fit/
for f in $L/fit/*.json; do
  .device/bin/mlpjit-dump $f --stage=kernels --json --sm-count 132 --memory-gbs 4916.736 \
    > ${f%.json}.h200-plans
done
python3 scripts/plans_as_tuning.py --tokens $tokens $L/h200-model.json $L/fit/*.h200-plans
rm $L/fit/*.h200-plans
nvidia-smi --query-gpu=name,clocks.max.memory --format=csv > $L/gpu.txt
[ "${AB_WARM_UP:-1}" = 1 ] && warm_up
timeout ${AB_TIMEOUT:-420} .device/bin/mlpjit-bench --validate $L/fit \
  --tuning-file $L/h200-model.json --tokens $tokens --validate-rounds ${AB_ROUNDS:-3} \
  > $L/ab.log 2> $L/ab.err
echo "rc=$?" >> $L/ab.log
device_session_end
cat $L/gpu.txt; sed -n '/validation sweep/,$p' $L/ab.log
grep -h "rel" $L/ab.log | awk '{print $NF}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/abgpu.tgz -C $L .
