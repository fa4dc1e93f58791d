#!/usr/bin/env bash
# Session 43, call 5: (1) the spread slot releases (one signalling thread
# per peer CTA, call 4) on the 2x1 clusters the planner runs (llama-3-8b's
# gate-up 128x256 and down 128x256 in 2x1: harness cases 50 and 52), the
# harness built from session 42's templates (old) and from this one's
# (new), alternating, 3 rounds each, at 1024, 4096 and 8192 tokens
# (.device/harness-ab/{old,new}, cases 50 and 52 only; cross-process:
# compare the rounds' spread). Predicted new / old 0.99-1.00. (2) The
# PyTorch peers on gemma-7b and the tp8 shard (`tables.sh 2 peers`; last
# run in session 34).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call5
for r in 1 2 3; do
  for v in old new; do
    HARNESS_TIME_M=1024,4096,8192 timeout 60 .device/harness-ab/$v --time > "$L/harness-$v-$r.log" 2>&1
    echo "rc=$?" >> "$L/harness-$v-$r.log"; mark "harness-$v-$r"
  done
done
for v in old new; do
  echo "== $v"
  grep -h "^time" "$L"/harness-$v-*.log | sed -E 's/_biasfalse.*m= *([0-9]+): sm90 +/ m=\1 /; s/ TFLOP.*ratio/ ratio/; s/\| 1 CTA.*//' | sort
done
device_session_end
tar czf "$OUT/call5.tgz" -C "$L" .
bash "$(dirname "$0")/../2026-12-06-s34/tables.sh" 2 peers
