#!/usr/bin/env bash
# Device call 15 (prepared in session 27, not run; the H200). The python
# bench's gap to mlpjit-bench (calls 9 and 12: mlpjit 4-10% slower there).
# Session 27 found python timed its implementations one after another while
# mlpjit-bench interleaves them (nvidia-smi: the SM clock fell to ~1.5 GHz
# once per python round) and made python interleave too. (a) mlpjit-bench at
# 96-128; (b) python -m mlpjit.bench, now interleaved, with the peers,
# --rounds 3, --compare; (c) python_gap.py: the op vs fixed outputs vs the C
# API with fixed buffers vs driver-allocated buffers, interleaved; (d) the
# python GPU tests of the bench (pytest -k bench or interleaved).
# Predictions: (b) vs mlpjit-bench within 3% (the mixes differ: cuBLASLt
# there, torch's peers here); (c) the four variants within 2% of each other
# (the allocations do not matter once the clock is shared).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs15s27
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
warm_up
timeout 60 .device/bin/mlpjit-bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112,128 \
  --json $L/mb.json > $L/mb.log 2>&1
timeout 200 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 96,100,112,128 \
  --rounds 3 --compare $L/mb.json --json $L/peers.json > $L/peers.log 2>&1
echo rc=$? >> $L/peers.log
timeout 150 python3 docs/results/2026-12-05-s27/python_gap.py .device/fit/phi-3-mini-4k.json \
  --tokens 100,112,128 --rounds 3 > $L/gap.log 2>&1
echo rc=$? >> $L/gap.log
MLPJIT_BENCH=$PWD/.device/bin/mlpjit-bench timeout 150 python3 -m pytest python/tests/test_gpu.py \
  -q -k "bench or interleaved" -p no:cacheprovider > $L/pytest.log 2>&1
echo rc=$? >> $L/pytest.log
device_session_end
tail -6 $L/mb.log; cat $L/peers.log $L/gap.log; tail -3 $L/pytest.log; cat $L/clocks.txt
tar czf $OUT/logs15s27.tgz -C $L .
