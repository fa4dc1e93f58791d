#!/usr/bin/env bash
# Session 45: the validation sweep, heuristic vs tuned vs cuBLASLt
# (`mlpjit-bench --validate --tune`, as session 34's tables.sh 2 runs it)
# on the configs named in $VAL (default: session 35's two misses,
# qwen2.5-0.5b at 48 tokens and gemma-2-9b at 700, then llama-2-7b, which
# read 1.04 at five points, and qwen2.5-32b, never swept), at 5, 48, 100,
# 300, 700 and 2500 tokens (validate_tuned: each run cut at 150 s); none started past
# ${VAL_DEADLINE:-420} s. Predicted: heuristic within 5% of tuned at every
# point but qwen2.5-0.5b at 48 (1.10-1.13; its plans have not changed).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" validate
warm_up
for c in ${VAL:-qwen2.5-0.5b gemma-2-9b llama-2-7b qwen2.5-32b}; do
  past_deadline ${VAL_DEADLINE:-420} $c && continue
  validate_tuned $c 5,48,100,300,700,2500
done
device_session_end
for f in $L/validate-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' $f; done
grep -h "rel. error" $L/*.log | grep -o "rel. error [0-9.e-]*" | sort -k3 -g | tail -1
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/validate.tgz -C $L .
