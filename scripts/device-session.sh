# Sourced by the device-call scripts under docs/results/*/callN.sh (bash):
#   source scripts/device-session.sh <log-folder-name>
# On the GPU machine, from the repository root: exports the settings every
# timed run uses (no PDL, no tuning file unless a command passes one), makes
# the log folder $L under $OUT (so a call cut short still returns its logs),
# records the clock and power at the start, and starts an nvidia-smi sampler
# (200 ms) that device_session_end stops, compresses and closes with the
# clock at the end. q prints one clock/power reading; warm_up (below) runs
# an untimed bench pass.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || return 1
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_PDL=0 MLPJIT_TUNING_FILE= MLPJIT_CACHE_DIR=/tmp/mc
L=${OUT:?OUT must name the output folder}/${1:?log folder name}
mkdir -p "$L"
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
device_session_end() {
  mark end
  kill "$SMI" 2>/dev/null
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
