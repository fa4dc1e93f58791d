#!/usr/bin/env bash
# Device call 15 (prepared in session 27, not run; the H200). Where python
# -m mlpjit.bench's 4-10% over mlpjit-bench comes from (calls 9, 12): the
# same Layer timed as the op, with fixed outputs, through the C API with
# fixed buffers (what mlpjit-bench does), and with driver-allocated buffers
# (python_gap.py), beside mlpjit-bench at the same points. If "raw" reads
# mlpjit-bench's time and "op" does not, the per-call allocations are the
# cause; if all four read slow, the weights' memory or the process is.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs15s27
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
warm_up
timeout 60 .device/bin/mlpjit-bench .device/fit/phi-3-mini-4k.json --tokens 100,112,128 > $L/mb.log 2>&1
timeout 200 python3 docs/results/2026-12-05-s27/python_gap.py .device/fit/phi-3-mini-4k.json \
  --tokens 100,112,128 --rounds 3 > $L/gap.log 2>&1
echo rc=$? >> $L/gap.log
device_session_end
tail -4 $L/mb.log; cat $L/gap.log; cat $L/clocks.txt
tar czf $OUT/logs15s27.tgz -C $L .
