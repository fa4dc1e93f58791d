#!/usr/bin/env bash
# Device call 2: calibration of the cost model with the TMA-store kernels on
# the four benchmark shapes (training set), the validation sweep (5 of the
# 10 validation configs, 6 non-round token counts, heuristic vs tuned, the
# tuner's candidate timings logged), compute-sanitizer on the TMA-store
# kernels, SASS of llama-3-8b's kernels.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc
L=/tmp/logs; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
MLPJIT_TUNING_FILE= MLPJIT_PDL=0 timeout 170 .device/bin/mlpjit-bench --tune --tune-candidates 8 --tune-log $L/calib3.jsonl \
  --tuning-file /tmp/tuning.json --tokens 384,1024,1536,4096 --json $L/bench-tuned.json > $L/tune.log 2> $L/tune.err
echo "tune rc=$?" >> $L/tune.log
echo "after-tune $(q)" >> $L/clocks.txt
MLPJIT_TUNING_FILE= MLPJIT_PDL=0 timeout 230 .device/bin/mlpjit-bench --validate .device/val5 --tune --tune-candidates 6 \
  --tune-log $L/val-calib.jsonl --tuning-file /tmp/val-tuning.json --tokens 5,48,100,300,1500,6000 \
  --json $L/validation.json > $L/validation.log 2> $L/validation.err
echo "validate rc=$?" >> $L/validation.log
echo "after-validate $(q)" >> $L/clocks.txt
for tool in memcheck racecheck synccheck; do
  ref=""; [ $tool = racecheck ] && ref=--cpu-reference-only
  MLPJIT_TUNING_FILE=tests/gpu/sanitize-tuning.json timeout 45 /usr/local/cuda/bin/compute-sanitizer --tool $tool --error-exitcode 99 --print-limit 20 \
    --kernel-name kns=_m .device/bin/mlpjit-run tests/gpu/sanitize.mlp --tokens 129,4096 --reps 0 $ref > $L/sanitize-$tool.log 2>&1
  echo "rc=$?" >> $L/sanitize-$tool.log
done
MLPJIT_CUDA_BIN=/usr/local/cuda/bin timeout 40 .device/bin/mlpjit-dump .device/models/llama-3-8b.json --stage=sass > $L/sass.txt 2> $L/sass.err
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call2-logs.tgz -C $L .
tail -22 $L/tune.log; wc -l $L/calib3.jsonl $L/val-calib.jsonl
sed -n '/validation sweep/,$p' $L/validation.log
for t in memcheck racecheck synccheck; do echo "== $t"; grep -E "SUMMARY|rc=" $L/sanitize-$t.log | head -3; grep -cE "PASS" $L/sanitize-$t.log; done
echo "kernels: $(grep -c '^//\|^kernel\|Function' $L/sass.txt) UTMASTG: $(grep -c UTMASTG $L/sass.txt) UTMALDG: $(grep -c UTMALDG $L/sass.txt) HGMMA: $(grep -c HGMMA $L/sass.txt) STL/LDL: $(grep -cE '\bSTL\b|\bLDL\b' $L/sass.txt)"
cat $L/clocks.txt
