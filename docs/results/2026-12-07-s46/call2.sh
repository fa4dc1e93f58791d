#!/usr/bin/env bash
# Session 46, call 2: on an H200, session 34's tables.sh 2 (the peers on
# gemma-7b and the tp8 shard, then the validation sweep); on any other GPU,
# llama-3.1-405b (the validation config never swept: too large for one
# call) heuristic vs tuned vs cuBLASLt at the token counts in ${TOKENS:-5,48,100}
# (`mlpjit-bench --validate --tune`, cut at ${VAL_BY:-540} s).
# Predicted: within 5% of tuned and ahead of cuBLASLt at each point.
# Run from the repository root with .device/ carried.
source scripts/device-lookup.sh
tables_on_h200 2
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" validate405
warm_up
validate_tuned llama-3.1-405b ${TOKENS:-5,48,100} ${VAL_BY:-540}
device_session_end
sed -n '/^validation sweep/,$p' $L/validate-llama-3.1-405b.log
grep -E "heuristic|rel. error|rc=" $L/validate-llama-3.1-405b.log | tail -20
cat $L/clocks.txt
cp $L/validate-llama-3.1-405b.log $L/tune-llama-3.1-405b.jsonl $OUT/ 2>/dev/null
tar czf $OUT/validate405.tgz -C $L .
