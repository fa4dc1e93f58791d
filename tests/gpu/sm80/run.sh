#!/usr/bin/env bash
# Builds and runs the sm80 template's GPU correctness harness against cuBLAS.
#   tests/gpu/sm80/run.sh [--time] [name-filter]   (ARCH: the GPU's own)
# The template is compiled for the GPU's own sm_XY (no 'a' features needed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cuda="${CUDA_HOME:-/usr/local/cuda}"
arch="${ARCH:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n1 | tr -d .)}"
arch="${arch:-90}"
build="${BUILD_DIR:-/tmp/mlpjit-sm80-harness}"
parts=8
mkdir -p "$build"
flags=(-std=c++17 -O3 "-gencode=arch=compute_${arch},code=sm_${arch}"
       -I "$repo/templates" -I "$here" -Xptxas -warn-spills)
echo "building for sm_${arch} in $build"
pids=()
for ((i = 0; i < parts; ++i)); do
  "$cuda/bin/nvcc" "${flags[@]}" -DPARTS=$parts -DPART=$i -c "$here/part.cu" \
    -o "$build/part$i.o" > "$build/part$i.log" 2>&1 &
  pids+=($!)
done
"$cuda/bin/nvcc" "${flags[@]}" -c "$here/main.cu" -o "$build/main.o"
status=0
for ((i = 0; i < parts; ++i)); do
  wait "${pids[$i]}" || { cat "$build/part$i.log"; status=1; }
done
[ $status -eq 0 ] || exit 1
cat "$build"/part*.log
"$cuda/bin/nvcc" "${flags[@]}" "$build"/part*.o "$build/main.o" -o "$build/sm80-harness" -lcublas
"$build/sm80-harness" "$@"
