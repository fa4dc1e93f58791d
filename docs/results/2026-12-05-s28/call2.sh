#!/usr/bin/env bash
# Device call 2 (session 28; the H200). Session 27's call15.sh without its
# python_gap.py part (only needed if python still disagrees), plus
# llama-3.2-1b's exact-last-tile A/B (the one validation config session 27
# did not reach). (a) mlpjit-bench at 96-128 on phi-3-mini; (b) python -m
# mlpjit.bench, now interleaved, with the peers, --rounds 3, --compare;
# (c) the python GPU tests of the bench; (d) llama-3.2-1b A/B.
# Predictions: (b) within 3% of mlpjit-bench; (c) passes; (d) 0.99-1.02.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s28
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
warm_up
timeout 60 .device/bin/mlpjit-bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112,128 \
  --json $L/mb.json > $L/mb.log 2>&1
timeout 200 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112,128 \
  --rounds 3 --compare $L/mb.json --json $L/peers.json > $L/peers.log 2>&1
echo rc=$? >> $L/peers.log
MLPJIT_BENCH=$PWD/.device/bin/mlpjit-bench timeout 150 python3 -m pytest python/tests/test_gpu.py \
  -q -k "bench or interleaved" -p no:cacheprovider > $L/pytest.log 2>&1
echo rc=$? >> $L/pytest.log
timeout 90 .device/bin/mlpjit-bench .device/V/llama-3.2-1b.json --tokens 48,100,200,300 \
  --ab-exact-last-tile --validate-rounds 3 > $L/ab.log 2> $L/ab.err
echo rc=$? >> $L/ab.log
device_session_end
tail -6 $L/mb.log; cat $L/peers.log; tail -3 $L/pytest.log
sed -n '/ragged last token tile/,$p' $L/ab.log; cat $L/clocks.txt
tar czf $OUT/logs2s28.tgz -C $L .
