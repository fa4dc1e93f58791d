#!/usr/bin/env bash
# Session 48, call 6: on an H200, session 34's tables.sh 1 in what is left
# (TABLES_BY); on an H100, the validation sweep (heuristic vs tuned vs
# cuBLASLt) at 300, 700 and 2500 tokens (and 100 where the offline picks
# moved: llama-3.2-1b, qwen2.5-0.5b), where gatedPingPongScale changed
# the gate-up plans, on the validation configs not re-run in calls 1-3.
# Run from the repository root with .device/ carried.
source scripts/device-lookup.sh
TABLES_BY=${TABLES_BY:-420} tables_on_h200 1
set -u
source scripts/device-session.sh val48b
warm_up
while read -r c tokens; do
  past_deadline ${VAL_BY:-360} $c && continue
  validate_tuned $c $tokens 80
done <<'LIST'
llama-3.2-1b 100,300,700,2500
gemma-2-9b 300,700,2500
gemma-2-2b 300,700,2500
llama-2-7b 300,700,2500
mistral-nemo-12b 300,700,2500
qwen2.5-0.5b 100,300,700,2500
phi-3-medium-4k 700,2500
qwen2.5-32b 300,2500
gemma-2-27b 2500
LIST
device_session_end
for f in $L/validate-*.log; do sed -n '/^shape/,$p' $f | grep -v "^shape\|rc="; done
largest_error
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
mkdir -p $OUT/t && cp $L/tune-*.jsonl $OUT/t/
tar czf $OUT/val48b.tgz -C $L .
