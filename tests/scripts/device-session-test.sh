#!/usr/bin/env bash
# scripts/device-session.sh, the set-up every device call shares, against
# stand-ins for nvidia-smi and mlpjit-bench: the GPU kind, config lookup,
# A/B runs and their deadline, the report archive, the sampler's end. A
# device call costs minutes of a scarce GPU; a broken helper wastes it.
# Usage: device-session-test.sh <repository root>
set -u
src=${1:?repository root}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # <what> <command...>: fails the test unless the command succeeds
  local what=$1
  shift
  "$@" || { echo "FAIL: $what"; fails=$((fails + 1)); }
}

mkdir -p "$T/repo/scripts" "$T/repo/.device/bin" "$T/repo/.device/fit" \
  "$T/repo/.device/V" "$T/bin" "$T/out" "$T/plans"
cp "$src/scripts/device-session.sh" "$src/scripts/device-lookup.sh" "$T/repo/scripts/"
cat > "$T/bin/nvidia-smi" <<'EOF'
#!/bin/sh
case "$*" in
*-lms*) echo "timestamp, clocks.sm, power.draw, temperature.gpu, reasons"
        echo "t, 1755 MHz, 650.0 W, 60, 0x0000000000000004"
        exec sleep 60 ;;
*query-gpu=name*) echo "${FAKE_GPU:-NVIDIA H100 80GB HBM3}" ;;
*) echo "1980 MHz, 2619 MHz, 100.0 W, 40" ;;
esac
EOF
cat > "$T/repo/.device/bin/mlpjit-bench" <<'EOF'
#!/bin/sh
echo "$*" >> "$BENCH_CALLS"
echo "validation sweep"
case "$*" in *gemma*) e=3.2e-03 ;; *) e=1.5e-03 ;; esac
echo "300 1.00 rel. error $e"
EOF
chmod +x "$T/bin/nvidia-smi" "$T/repo/.device/bin/mlpjit-bench"
printf 'abc123\n M compiler/lib/Transforms/KernelHeuristic.cpp\n' > "$T/repo/.device/staged.txt"
echo '{}' > "$T/repo/.device/fit/llama-3-8b.json"
echo '{}' > "$T/repo/.device/V/gemma-2-2b.json"

export OUT=$T/out PATH=$T/bin:$PATH DEVICE_SESSION_LINK=0 BENCH_CALLS=$T/calls NO_WARM_UP=1
# shellcheck source=/dev/null
source "$T/repo/scripts/device-session.sh" session
check "cd to the checkout" test "$PWD" = "$T/repo"
check "log folder under OUT" test "$L" = "$T/out/session" -a -d "$L"
check "no tuning file by default" test -z "$MLPJIT_TUNING_FILE"
check "the staged build in the logs" cmp -s "$L/staged.txt" .device/staged.txt

check "gpu_kind h100" test "$(gpu_kind)" = h100
check "gpu_kind h200" test "$(FAKE_GPU='NVIDIA H200' gpu_kind)" = h200
check "config_file finds V" test "$(config_file gemma-2-2b)" = .device/V/gemma-2-2b.json
check "config_file finds fit" test "$(config_file llama-3-8b)" = .device/fit/llama-3-8b.json
check "config_file names a missing one" test "$(config_file nope)" = .device/fit/nope.json
# tables_on_h200: on an H200 the tables (their status ends the caller), on
# an H100 nothing; a TABLES_BY given to it reaches tables.sh.
mkdir -p docs/results/2026-12-06-s34
printf 'echo "tables $1 by ${TABLES_BY:-}" >> "$BENCH_CALLS"; exit 3\n' \
  > docs/results/2026-12-06-s34/tables.sh
(FAKE_GPU='NVIDIA H200' TABLES_BY=420 tables_on_h200 2; echo "went on" >> "$BENCH_CALLS")
check "tables_on_h200: its status ends the caller" test $? = 3
check "tables_on_h200: tables run on an H200" grep -qx "tables 2 by 420" "$BENCH_CALLS"
check "tables_on_h200: the caller stops there" eval '! grep -q "went on" "$BENCH_CALLS"'
(tables_on_h200 1; echo "went on" >> "$BENCH_CALLS")
check "tables_on_h200: nothing on an H100" test "$(grep -c . "$BENCH_CALLS")" = 2
rm "$BENCH_CALLS"

ab_begin "$T/plans/old" 60 300
check "ab_begin: per-GPU plans" test "$V" = "$T/plans/old-h100"
check "ab_begin: deadline default" test "$AB_DEADLINE" = 300 -a "$AB_TIMEOUT" = 60
printf 'llama-3-8b 300,960\ngemma-2-2b 48\n' | ab_validate_list "$T/plans"
check "one bench run a line" test "$(wc -l < "$BENCH_CALLS")" = 2
check "bench given config, tokens, tuning file" \
  grep -q -- "--validate $L/cfg-llama-3-8b --tokens 300,960 --tuning-file $T/plans/llama-3-8b.json" "$BENCH_CALLS"
check "A/B log with its exit status" grep -q "^rc=0$" "$L/ab-gemma-2-2b.log"

# Past the deadline: no run starts, and the report says which.
T0=$(($(date +%s) - 1000))
ab_validate .device/fit/llama-3-8b.json 5 "$T/plans/llama-3-8b.json"
check "no run past the deadline" test "$(wc -l < "$BENCH_CALLS")" = 2
check "skipped run listed" grep -qx "skipped llama-3-8b" "$L/skipped.txt"
check "past_deadline false before it" eval '! past_deadline 5000 x'

# tune_list: one tuner run a line before the deadline, none after it.
printf 'llama-3-8b 400,436\ngemma-2-2b 800\n' | tune_list tune50 100 16 5000
check "tune_list: one bench run a line" test "$(grep -c -- --tune-log "$BENCH_CALLS")" = 2
check "tune_list: config, tokens, candidates, log" grep -q -- \
  ".device/fit/llama-3-8b.json --tokens 400,436 --tune --tune-candidates 16 --tuning-file $L/tuned-llama-3-8b.json --tune-log $L/tune50-llama-3-8b.jsonl" "$BENCH_CALLS"
check "tune_list: the V config found" grep -q -- "^.device/V/gemma-2-2b.json --tokens 800" "$BENCH_CALLS"
echo 'gemma-2-2b 300' | tune_list tune50 100 16 10
check "tune_list: none past the deadline" test "$(grep -c -- --tune-log "$BENCH_CALLS")" = 2
check "tune_list: skipped listed" grep -qx "skipped gemma-2-2b" "$L/skipped.txt"

device_session_end
gone() { # <pid>: true once it has exited, within 2 s
  local i
  for i in $(seq 20); do
    kill -0 "$1" 2> /dev/null || return 0
    sleep 0.1
  done
  return 1
}
check "sampler stopped" gone "$SMI"
check "clock under load" grep -q "SM clock p10 1755, p50 1755" "$L/clocks.txt"
report=$(ab_report ab)
check "report prints each table" test "$(grep -c '^validation sweep' <<< "$report")" = 2
check "report prints the largest error" grep -q "^rel. error 3.2e-03$" <<< "$report"
check "report archive" tar tzf "$OUT/ab.tgz" ./ab-llama-3-8b.log > /dev/null

((fails == 0)) && echo "device-session: all checks passed"
exit $((fails > 0))
