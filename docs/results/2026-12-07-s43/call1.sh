#!/usr/bin/env bash
# Session 43, call 1 (after ncu-s43: cuBLASLt's narrow 128x152 swapAB tiles
# in 2x1 clusters at llama-3-70b 300 and 4x2 at the tp8 shard's 300, i.e.
# the token tile multicast across weight tiles). (1) The template harness's
# new cases (clusterN 2 and 4; .device/harness, built here with CASES="138
# ... 147") against cuBLAS and float64; (2) compute-sanitizer memcheck,
# racecheck, synccheck on two small ones (1x4 split-K, 2x2 wide); (3)
# ab-clustern.sh, the plans in clusters of weight tiles against the
# committed ones.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call1
timeout 100 .device/harness/harness > "$L/harness.log" 2>&1
echo "rc=$?" >> "$L/harness.log"; mark harness
grep -E "^(PASS|FAIL|pass|fail|ok|skip)|FAIL|error|rc=" "$L/harness.log" | tail -30
export HARNESS_HOST_REFERENCE=1
CS=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
for tool in memcheck racecheck synccheck; do
  timeout 50 $CS --tool $tool .device/harness/harness c142_ c144_ \
    > "$L/sanitize-$tool.log" 2>&1
  echo "rc=$?" >> "$L/sanitize-$tool.log"; mark "sanitize-$tool"
  tail -3 "$L/sanitize-$tool.log"
done
unset HARNESS_HOST_REFERENCE
device_session_end
tar czf "$OUT/call1.tgz" -C "$L" .
AB_DEADLINE=280 AB_TIMEOUT=60 bash "$(dirname "$0")/ab-clustern.sh"
