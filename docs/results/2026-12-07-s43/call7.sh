#!/usr/bin/env bash
# Session 43, call 7: call 6 found mlpjit's llama-3-70b gate-up at 300
# tokens issuing twice cuBLASLt's instructions for the same work (IPC 0.86
# against 0.41, issue slots 20% against 10%) with its tensor pipes less
# busy (SM busy 81% against 92%). Which instructions: ncu's source page
# (SASS, per-instruction executed counts and stall samples) of mlpjit's
# gate-up (l70b-gn plans) and, for scale, cuBLASLt's merged gate-up.
set -u
R=docs/results/2026-12-07-s43
source "$(dirname "$0")/../../../scripts/device-session.sh" call7
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
src() { # <name> <kernel regex> <skip>
  timeout 200 $NCU --clock-control none --csv --page source --print-source sass \
    --section SourceCounters --section InstructionStats --section WarpStateStats \
    --kernel-name "regex:$2" --launch-skip "$3" --launch-count 1 \
    .device/bin/mlpjit-bench .device/fit/llama-3-70b.json --tokens 300 \
    --tuning-file $R/clustern-$(gpu_kind)/l70b-gn/llama-3-70b.json --reps 2 --warmup 1 --settle-ms 0 \
    > "$L/src-$1.csv" 2> "$L/src-$1.err"
  echo "rc=$?" >> "$L/src-$1.err"; mark "src-$1"
  gzip -f "$L/src-$1.csv"
}
src mlpjit 'llama_3_70b_gate_up' 0
src cublas 'nvjet_sm90_tst_128x152' 1
device_session_end
ls -la "$L"
tar czf "$OUT/call7.tgz" -C "$L" .
