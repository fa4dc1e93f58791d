#!/usr/bin/env bash
# Session 31: the issue's H200 table at M >= 1024 with the strongest peer,
# torch.compile max-autotune (python -m mlpjit.bench --autotune, interleaved,
# 3 rounds), and mlpjit-bench's per-GEMM rates and time/floor at the same
# points. Run from the repository root on the GPU machine with .device/
# carried (scripts/stage-device.sh).
#   bash peers-autotune.sh A   llama-3-8b, qwen2.5-7b (+ mlpjit-bench, all four)
#   bash peers-autotune.sh B   gemma-7b, the llama-3-70b tp8 shard, after the
#                              tuner at 320 on the fit configs (8 candidates:
#                              ping-pong and its cooperative twin on the H200)
set -u
part=${1:?A or B}
source "$(dirname "$0")/../../../scripts/device-session.sh" autotune-$part
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit --format=csv > $L/gpu.txt
warm_up
case $part in
A) shapes=llama-3-8b,qwen2.5-7b
   timeout 150 .device/bin/mlpjit-bench --tokens 1024,4096,8192 --json $L/bench.json \
     > $L/bench.log 2>&1; echo rc=$? >> $L/bench.log; mark after-bench ;;
B) shapes=gemma-7b,llama-3-70b/tp8
   timeout 150 .device/bin/mlpjit-bench .device/fit/*.json .device/tp8/*.json --tokens 320 \
     --tune --tune-candidates 8 --tuning-file $L/tuned.json --tune-log $L/tune-320.jsonl \
     > $L/tune.log 2>&1; echo rc=$? >> $L/tune.log; mark after-tune
   grep -h -e '->' -e 'rc=' $L/tune.log | sed 's/ (8 candidates)//' ;;
esac
timeout ${PEERS_TIMEOUT:-400} python3 -m mlpjit.bench --shapes $shapes --tokens 1024,4096,8192 --autotune \
  --rounds 3 --json $L/peers.json > $L/peers.log 2> $L/peers.err
echo rc=$? >> $L/peers.log
device_session_end
tail -25 $L/bench.log 2>/dev/null; cat $L/peers.log; tail -3 $L/peers.err; cat $L/clocks.txt
tar czf $OUT/autotune-$part.tgz -C $L .
