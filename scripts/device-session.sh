# Sourced by the device-call scripts under docs/results/*/callN.sh (bash):
#   source scripts/device-session.sh <log-folder-name>
# On the GPU machine, from the repository root: exports the settings every
# timed run uses (no PDL, no tuning file unless a command passes one), makes
# the log folder $L under $OUT (so a call cut short still returns its logs),
# records the clock and power at the start, and starts an nvidia-smi sampler
# (200 ms) that device_session_end stops, compresses and closes with the
# clock at the end. q prints one clock/power reading.
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
