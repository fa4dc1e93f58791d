#!/usr/bin/env bash
# Prepared in session 21 (no device lent): not run yet. The validation
# configs against the PyTorch peers (the issue's "best peer"; so far they were
# compared with cuBLASLt only): python -m mlpjit.bench over
# ../shared/models/validation (copied to .device/V) at non-round token
# counts, torch eager / merged / torch.compile, and max-autotune at
# M >= 1024 (--autotune), in one process with mlpjit's heuristic plans.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s21
warm_up
MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python timeout 540 \
  python3 -m mlpjit.bench .device/V/*.json --tokens 5,48,200,700,1500 --autotune \
  --json $L/peers-validation.json > $L/peers-validation.log 2> $L/peers-validation.err
echo "rc=$?" >> $L/peers-validation.log
device_session_end
tail -60 $L/peers-validation.log
cat $L/clocks.txt
cp $L/peers-validation.json $OUT/ 2>/dev/null
tar czf $OUT/logs4s21.tgz -C $L . && rm -rf $L
