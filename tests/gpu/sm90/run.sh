#!/usr/bin/env bash
# Builds and runs the sm90 (TMA + WGMMA) template's GPU harness against cuBLAS.
#   tests/gpu/sm90/run.sh [--time] [name-filter]
# Needs an sm_90 GPU (H100/H200); links -lcuda (tensor maps) and -lcublas.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cuda="${CUDA_HOME:-/usr/local/cuda}"
build="${BUILD_DIR:-/tmp/mlpjit-sm90-harness}"
parts="${PARTS:-12}"
mkdir -p "$build"
flags=(-std=c++17 -O3 "-gencode=arch=compute_90a,code=sm_90a"
       -I "$repo/templates" -I "$here" -Xptxas -warn-spills)
if [ ! -x "$build/sm90-harness" ] || [ -n "${REBUILD:-}" ]; then
  echo "building in $build"
  pids=()
  for ((i = 0; i < parts; ++i)); do
    "$cuda/bin/nvcc" "${flags[@]}" -Xptxas -v -DPARTS=$parts -DPART=$i -c "$here/part.cu" \
      -o "$build/part$i.o" > "$build/part$i.log" 2>&1 &
    pids+=($!)
  done
  "$cuda/bin/nvcc" "${flags[@]}" -c "$here/main.cu" -o "$build/main.o"
  status=0
  for ((i = 0; i < parts; ++i)); do
    wait "${pids[$i]}" || { cat "$build/part$i.log"; status=1; }
  done
  [ $status -eq 0 ] || exit 1
  # Resource report: registers, spills, stack per kernel.
  grep -hE "spill|Used|stack frame|warning" "$build"/part*.log | sort | uniq -c | sort -rn | head -20
  "$cuda/bin/nvcc" "${flags[@]}" "$build"/part*.o "$build/main.o" \
    -o "$build/sm90-harness" -lcublas -lcuda
fi
"$build/sm90-harness" "$@"
