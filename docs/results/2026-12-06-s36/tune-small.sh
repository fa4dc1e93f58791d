#!/usr/bin/env bash
# Session 36, call 2: cold tuner rows for the small GEMMs (weights under 3x
# the L2, timed over the copies that mlpjit-bench now rotates by default):
# the two training configs whose GEMMs fit in the L2 (gpt2, phi-3-mini-4k's
# 48 MiB down GEMM), then the validation sweep with --tune on llama-3.2-1b
# and gemma-2-2b (held out). Input of the refit (fit_cost_model.py
# --cold-only). Run from the repository root on the GPU machine with
# .device/ carried. Predicted: the heuristic within 5% of the tuned plans at
# every point of the two validation configs, as on one copy (session 35).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" tune-small
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit --format=csv > $L/gpu.txt
warm_up
tune_config .device/fit/gpt2.json 5,16,48,100,200,300,700,1500,2500 110 tune36
tune_config .device/fit/phi-3-mini-4k.json 5,16,48,100,200,300,700,1500,2500 150 tune36
for c in llama-3.2-1b gemma-2-2b; do
  past_deadline 420 $c && continue
  mkdir -p $L/V-$c && cp .device/V/$c.json $L/V-$c/
  timeout 140 .device/bin/mlpjit-bench --validate $L/V-$c --tokens 5,48,100,300,700,2500 \
    --tune --tuning-file $L/tuned-v-$c.json --tune-log $L/tune36v-$c.jsonl > $L/validate-$c.log 2>&1
  echo rc=$? >> $L/validate-$c.log; mark $c
done
device_session_end
cat $L/gpu.txt
grep -h -e '->' -e 'rc=' -e 'note:' $L/tune-*.log | sed 's/ ([0-9]* candidates)//'
for f in $L/validate-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' $f; done
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/tune-small.tgz -C $L .
