#!/usr/bin/env bash
# Session 43, call 3: (1) the harness's clustered tp8 GEMMs (cases 138-141)
# and their twins without clusters (148-149) timed alone at 300 tokens
# beside cuBLAS (call 2's harness skipped narrow swapAB above 256 tokens:
# now up to 320); (2) ab-narrowgu.sh.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call3
HARNESS_TIME_M=300 timeout 120 .device/harness/harness --time > "$L/harness-time.log" 2>&1
echo "rc=$?" >> "$L/harness-time.log"; mark harness-time
grep -vE "^ok " "$L/harness-time.log" | tail -30
device_session_end
tar czf "$OUT/call3.tgz" -C "$L" .
bash "$(dirname "$0")/ab-narrowgu.sh"
