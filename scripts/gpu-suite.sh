#!/usr/bin/env bash
# The GPU tier, run on a machine with a GPU over a build made elsewhere
# (build/bin carried along): the GPU tests, mlpjit-run on every shared model
# config at the token counts of issue 4, a second process that must hit the
# disk cache, then mlpjit-bench and the PyTorch peers in the same session so
# their ratios are measured side by side.
#
#   scripts/gpu-suite.sh [check|bench|sanitize|calibrate|validate|all]
#                                                       logs go to $OUT (default /tmp/mlpjit-gpu)
# calibrate: the tuner over the benchmark shapes with one JSON line per timed
#   candidate (calib.jsonl), the input of scripts/fit_cost_model.py (run here,
#   no GPU needed) that fits the planner's DeviceModel.
# validate: the validation configs (VALIDATION_DIR, default
#   ../shared/models/validation; on the device tool's machine ../shared does
#   not travel: copy it into an ignored folder such as .device/ and point
#   VALIDATION_DIR there), heuristic vs tuned vs cuBLASLt.
set -uo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
out="${OUT:-/tmp/mlpjit-gpu}"
mkdir -p "$out"
export MLPJIT_CACHE_DIR="${MLPJIT_CACHE_DIR:-/tmp/mlpjit-cache}"
bin="${MLPJIT_BIN:-build/bin}"
status=0

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu --format=csv,noheader

if [ "$what" = check ] || [ "$what" = all ]; then
  for t in "$bin"/mlpjit-runtime-tests "$bin"/mlpjit-api-tests "$bin"/mlpjit-tp-tests; do
    [ -x "$t" ] || continue
    echo "== $t"
    "$t" --gtest_brief=1 > "$out/$(basename "$t").log" 2>&1 || status=1
    tail -n 4 "$out/$(basename "$t").log"
  done
  for cfg in tests/fixtures/models/*.json; do
    echo "== mlpjit-run $cfg"
    "$bin/mlpjit-run" "$cfg" --tokens 1,7,64,129,1000,4096 2>&1 | tee -a "$out/run.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  done
  echo "== second process, same spec: must hit the disk cache"
  "$bin/mlpjit-run" tests/fixtures/models/llama-3-8b.json --tokens 64 --json > "$out/cache-hit.json" || status=1
  grep -o '"cache_hits": *[0-9]*' "$out/cache-hit.json"
fi

if [ "$what" = sanitize ]; then
  # compute-sanitizer over every kernel variant (tests/gpu/sanitize.mlp); the
  # run's own check still compares each output with cuBLASLt and float64
  # (float64 only under racecheck, which faults inside cuBLASLt's kernels).
  # tests/gpu/sanitize-tuning.json (or SANITIZE_TUNING) forces plans the
  # planner does not pick there: stream-K and a 2x1-cluster down GEMM;
  # sanitize-wide-tuning.json forces wide swapAB tiles at 289-304 tokens
  # (SANITIZE_TOKENS=300: gated with 16-row blocks, f16 + bias, split-K,
  # plain with bias; odd and even token blocks); sanitize-narrow-tuning.json
  # the tuner-only narrow swapAB tiles (SANITIZE_TOKENS=160,200: 80-160
  # tokens by 128 weight rows, gated, f16 + bias, split-K).
  for tool in memcheck racecheck synccheck; do
    ref=""
    [ "$tool" = racecheck ] && ref=--cpu-reference-only
    echo "== compute-sanitizer --tool $tool"
    # Only mlpjit's kernels (<block>_gate_up_m*, <block>_down_m*): the
    # cuBLASLt reference kernels of the check are not ours to vouch for.
    MLPJIT_TUNING_FILE="${SANITIZE_TUNING:-tests/gpu/sanitize-tuning.json}" \
    timeout "${SANITIZE_TIMEOUT:-900}" compute-sanitizer --tool "$tool" --error-exitcode 99 --print-limit 20 \
      --kernel-name "${SANITIZE_KERNELS:-kns=_m}" \
      "$bin/mlpjit-run" tests/gpu/sanitize.mlp --tokens "${SANITIZE_TOKENS:-1,7,16,64,129,2000,4096}" --reps 0 $ref \
      > "$out/sanitize-$tool.log" 2>&1
    rc=$?
    [ $rc -eq 0 ] || status=1
    echo "rc=$rc"; grep -E "ERROR SUMMARY|RACECHECK SUMMARY|PASS|FAIL" "$out/sanitize-$tool.log" | sort | uniq -c | head
  done
fi

if [ "$what" = bench ] || [ "$what" = all ]; then
  "$bin/mlpjit-bench" --json "$out/bench.json" --csv "$out/bench.csv" --plot "$out/bench.png" ${BENCH_ARGS:-} 2>"$out/bench.err" | tee "$out/bench.log" || status=1
  tail -n 5 "$out/bench.err"
  if [ -f .device/peers_bench.py ]; then
    PYTHONUNBUFFERED=1 python3 .device/peers_bench.py --json "$out/peers.json" ${PEERS_ARGS:-} 2>&1 | tee "$out/peers.log"
  fi
fi
if [ "$what" = calibrate ]; then
  "$bin/mlpjit-bench" --tune --tune-candidates "${TUNE_CANDIDATES:-14}" \
    --tune-log "$out/calib.jsonl" --tuning-file "$out/tuning.json" \
    --tokens "${CALIBRATE_TOKENS:-1,8,16,64,128,256,512,1024,4096}" \
    --json "$out/bench-tuned.json" ${BENCH_ARGS:-} >"$out/tune.log" 2>"$out/tune.err" || status=1
  wc -l "$out/calib.jsonl"
fi

if [ "$what" = validate ]; then
  "$bin/mlpjit-bench" --validate "${VALIDATION_DIR:-../shared/models/validation}" \
    --tune --tuning-file "$out/validation-tuning.json" --json "$out/validation.json" \
    ${BENCH_ARGS:-} 2>"$out/validation.err" | tee "$out/validation.log" || status=1
fi
exit $status
