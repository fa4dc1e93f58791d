#!/usr/bin/env bash
# Device calls 4, 5, 7 and 8 (session 28, ran inline as these lines; the
# H100 the device tool gave): python -m mlpjit.bench, interleaved, --rounds
# 3, against the PyTorch peers (eager, merged, torch.compile default), no
# --compare (call 3, session 27's call17.sh, lost its mlpjit-bench half to
# that run's 150 s limit on the five large configs).
#   bash peers.sh V1   validation configs 1-5 at 5, 48, 200, 700 tokens (call 4)
#   bash peers.sh V2   validation configs 6-10 (call 5)
#   bash peers.sh fit  the fit configs but gpt2 (not gated: the peers run gated
#                      MLPs) and the tp8 shard at 1, 64, 256, 1024, 4096
#                      (calls 7, gemma-7b alone, and 8, the rest)
set -u
what=${1:?V1, V2 or fit}
source "$(dirname "$0")/../../../scripts/device-session.sh" peers-$what
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
c=(.device/V/*.json)
case $what in
V1) args=("${c[@]:0:5}" --tokens 5,48,200,700) ;;
V2) args=("${c[@]:5}" --tokens 5,48,200,700) ;;
fit) args=($(ls .device/fit/*.json | grep -v gpt2) .device/tp8/*.json --tokens 1,64,256,1024,4096) ;;
esac
timeout 420 python3 -m mlpjit.bench "${args[@]}" --rounds 3 --json $L/peers.json \
  > $L/peers.log 2> $L/peers.err
echo rc=$? >> $L/peers.log
device_session_end
cat $L/peers.log; tail -3 $L/peers.err; cat $L/clocks.txt
tar czf $OUT/peers-$what.tgz -C $L .
