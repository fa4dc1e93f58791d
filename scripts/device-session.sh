# Sourced by the device-call scripts under docs/results/*/callN.sh (bash):
#   source scripts/device-session.sh <log-folder-name>
# On the GPU machine, from the repository root: exports the settings every
# timed run uses (no PDL, no tuning file unless a command passes one), makes
# the log folder $L under $OUT (so a call cut short still returns its logs),
# records the clock and power at the start, and starts an nvidia-smi sampler
# (200 ms) that device_session_end stops, compresses and closes with the
# clock at the end. q prints one clock/power reading; warm_up (below) runs
# an untimed bench pass; ab_begin starts an A/B script; ab_validate,
# tune_config and validate_tuned (below) run one config's A/B, tuner or
# validation pass; gpu_kind names the GPU (h100/h200) for per-GPU plans.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || return 1
# mlpjit-bench finds its plot script under the source folder it was built in
# (/work/main): on the GPU machine that is a link to this checkout. A real
# folder there (the machine that builds) is left alone, and
# DEVICE_SESSION_LINK=0 (tests/scripts) makes no link.
if [ "${DEVICE_SESSION_LINK:-1}" != 0 ] && { [ -L /work/main ] || [ ! -e /work/main ]; }; then
  mkdir -p /work && ln -sfn "$PWD" /work/main
fi
# gpu_kind and config_file, which scripts that start no session use too.
source scripts/device-lookup.sh
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE= MLPJIT_CACHE_DIR=/tmp/mc
L=${OUT:?OUT must name the output folder}/${1:?log folder name}
mkdir -p "$L"
# The build these runs use (scripts/stage-device.sh).
cp .device/staged.txt "$L/" 2>/dev/null
T0=$(date +%s)
q() {
  nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu \
    --format=csv,noheader
}
# mark <what>: one clock line with the seconds since the start.
mark() { echo "$1 $(q) t=$(($(date +%s) - T0))" >> "$L/clocks.txt"; }
mark start
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active \
  --format=csv -lms 200 > "$L/smi.csv" 2>&1 &
SMI=$!
# device_session_end also adds the clock under load to clocks.txt: the marks
# fall between runs, where the SM clock is back at 1980 MHz, while under
# dense work the H200's 700 W cap holds it at 1.3-1.98 GHz (session 27).
device_session_end() {
  mark end
  kill "$SMI" 2>/dev/null
  awk -F', ' 'NR > 1 && $3 + 0 > 300 { print $2 + 0, (substr($5, length($5)) ~ /[4-7c-f]/) }' \
    "$L/smi.csv" | sort -n | awk '{ c[NR] = $1; cap += $2 }
    END {
      if (!NR) { print "under load (> 300 W): no samples"; exit }
      printf "under load (> 300 W): %d samples (%.1f s), SM clock p10 %d, p50 %d, p90 %d MHz, " \
        "power cap active in %d%%\n", NR, NR * 0.2, c[int(NR * 0.1) + 1],
        c[int(NR * 0.5) + 1], c[int(NR * 0.9) + 1], 100 * cap / NR
    }' >> "$L/clocks.txt"
  gzip -f "$L/smi.csv"
}
# warm_up: one untimed bench pass (llama-3-8b at M = 1 and 16, its log in
# $L/warm-up.log). The first bench process of a fresh machine read up to 6%
# slow at M <= 16 whatever its plans (session 17, calls 3-4): run this before
# the first timing a call reports.
warm_up() {
  timeout 90 .device/bin/mlpjit-bench --shapes llama-3-8b --tokens 1,16 \
    > "$L/warm-up.log" 2>&1
  mark after-warm-up
}
# past_deadline <seconds> <name>: true, with "skipped <name>" added to
# $L/skipped.txt, once more than <seconds> have gone since the start; the
# scripts' loops start no run past their deadline, so that the call's
# summary still prints within the run tool's limit.
past_deadline() {
  (($(date +%s) - T0 > $1)) || return 1
  echo "skipped $2" >> "$L/skipped.txt"
}
# ab_begin <plans-folder-prefix> <timeout> <deadline>: the start every A/B
# script shares: warm_up (unless NO_WARM_UP is set), V=<prefix>-<gpu_kind>
# (the per-GPU plans), AB_TIMEOUT / AB_DEADLINE defaulted to the arguments.
ab_begin() {
  [ -n "${NO_WARM_UP:-}" ] || warm_up
  V=$1-$(gpu_kind)
  export AB_TIMEOUT=${AB_TIMEOUT:-$2} AB_DEADLINE=${AB_DEADLINE:-$3}
}
# ab_validate <config-file> <tokens> <tuning-file>: the heuristic against the
# tuning file's plans (another planner's, scripts/plans_as_tuning.py) on one
# config, `mlpjit-bench --validate`, 3 interleaved rounds, into
# $L/ab-<name>.log; each run cut at ${AB_TIMEOUT:-120} s, none started past
# ${AB_DEADLINE:-470} s since the start (listed in $L/skipped.txt), so the
# call's summary still prints.
ab_validate() {
  local name
  name=$(basename "$1" .json)
  past_deadline "${AB_DEADLINE:-470}" "$name" && return
  mkdir -p "$L/cfg-$name" && cp "$1" "$L/cfg-$name/"
  timeout "${AB_TIMEOUT:-120}" .device/bin/mlpjit-bench --validate "$L/cfg-$name" --tokens "$2" \
    --tuning-file "$3" --validate-rounds 3 > "$L/ab-$name.log" 2>&1
  echo "rc=$?" >> "$L/ab-$name.log"
  mark "$name"
}
# ab_validate_as <log-name> <config name> <tokens> <tuning-file>: ab_validate
# of the config of that name (config_file), its log renamed
# $L/ab-v-<log-name>.log, so that one config timed against several tuning
# files keeps every log.
ab_validate_as() {
  ab_validate "$(config_file "$2")" "$3" "$4"
  mv "$L/ab-$2.log" "$L/ab-v-$1.log"
}
# ab_validate_list <plans-dir>: ab_validate for each line "<config name>
# <tokens>" of stdin, the config from config_file, the tuning file
# <plans-dir>/<config name>.json.
ab_validate_list() {
  local c tokens
  while read -r c tokens; do
    ab_validate "$(config_file "$c")" "$tokens" "$1/$c.json" < /dev/null
  done
}
# tune_config <config-file> <tokens> <timeout> <log-prefix> [candidates]:
# mlpjit-bench --tune on one config (the tuner's rows in
# $L/<log-prefix>-<name>.jsonl, its plans in $L/tuned-<name>.json, its log in
# $L/tune-<name>.log), cut at <timeout> s; candidates default 8.
tune_config() {
  local name
  name=$(basename "$1" .json)
  timeout "$3" .device/bin/mlpjit-bench "$1" --tokens "$2" --tune \
    --tune-candidates "${5:-8}" --tuning-file "$L/tuned-$name.json" \
    --tune-log "$L/$4-$name.jsonl" > "$L/tune-$name.log" 2>&1
  echo "rc=$?" >> "$L/tune-$name.log"
  mark "tune-$name"
}
# tune_list <log-prefix> <timeout> <candidates> <deadline>: tune_config for
# each line "<config name> <tokens>" of stdin, the config from config_file,
# none started past <deadline> s since the start (listed in
# $L/skipped.txt).
tune_list() {
  local c tokens
  while read -r c tokens; do
    past_deadline "$4" "$c" && continue
    tune_config "$(config_file "$c")" "$tokens" "$2" "$1" "$3" < /dev/null
  done
}
# validate_tuned <config name> <tokens> [timeout]: the validation sweep on
# one config of .device/V, heuristic vs tuned vs the best cuBLASLt baseline
# (`mlpjit-bench --validate --tune`), into $L/validate-<name>.log (the
# tuner's rows in $L/tune-<name>.jsonl, its plans in $L/tuned-<name>.json),
# cut at <timeout> s (default 150).
validate_tuned() {
  mkdir -p "$L/V-$1" && cp ".device/V/$1.json" "$L/V-$1/"
  timeout "${3:-150}" .device/bin/mlpjit-bench --validate "$L/V-$1" --tokens "$2" --tune \
    --tuning-file "$L/tuned-$1.json" --tune-log "$L/tune-$1.jsonl" > "$L/validate-$1.log" 2>&1
  echo "rc=$?" >> "$L/validate-$1.log"
  mark "$1"
}
# largest_error: the largest relative error any of this call's runs printed.
largest_error() {
  grep -h "rel. error" "$L"/*.log | grep -o "rel. error [0-9.e-]*" | sort -k3 -g | tail -1
}
# ab_report <name>: after device_session_end, each A/B's table, the largest
# relative error, the clocks and any skipped runs; the logs into
# $OUT/<name>.tgz.
ab_report() {
  for f in "$L"/ab-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' "$f"; done
  largest_error
  cat "$L/clocks.txt" "$L/skipped.txt" 2>/dev/null
  tar czf "$OUT/$1.tgz" -C "$L" .
}
