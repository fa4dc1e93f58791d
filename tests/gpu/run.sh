#!/usr/bin/env bash
# Builds and runs a template family's GPU harness against cuBLAS.
#   tests/gpu/run.sh sm90|sm80 [--time] [name-filter...]
# sm90 needs an sm_90 GPU (H100/H200) and links -lcuda (tensor maps); sm80 is
# compiled for the GPU's own sm_XY (ARCH overrides; no 'a' features needed).
# CASES="119 131" builds only those case ids (each alone), BUILD_ONLY=1 stops
# after the build (no GPU needed: ctest gpu-harness.builds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
family="${1:-}"
case "$family" in
  sm90) arch=90a; define=-DMLPJIT_GPU_SM90; parts="${PARTS:-12}" ;;
  sm80)
    arch="${ARCH:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n1 | tr -d .)}"
    arch="${arch:-90}"; define=; parts="${PARTS:-8}" ;;
  *) echo "usage: $0 sm90|sm80 [--time] [name-filter...]" >&2; exit 2 ;;
esac
shift
cuda="${CUDA_HOME:-/usr/local/cuda}"
build="${BUILD_DIR:-/tmp/mlpjit-$family-harness-sm_$arch}"
mkdir -p "$build"
flags=(-std=c++17 -O3 "-gencode=arch=compute_${arch},code=sm_${arch}" $define
       -I "$repo/templates" -I "$repo/runtime/include" -I "$here" -Xptxas -warn-spills)
if [ ! -x "$build/harness" ] || [ -n "${REBUILD:-}" ]; then
  echo "building $family for sm_$arch in $build"
  rm -f "$build"/part*.o
  # Each share of the cases, or each case of CASES alone (ids < 1000).
  if [ -n "${CASES:-}" ]; then shares=($CASES); parts=1000; else shares=($(seq 0 $((parts - 1)))); fi
  pids=()
  for i in "${shares[@]}"; do
    "$cuda/bin/nvcc" "${flags[@]}" -Xptxas -v -DPARTS=$parts -DPART=$i -c "$here/part.cu" \
      -o "$build/part$i.o" > "$build/part$i.log" 2>&1 &
    pids+=($!)
  done
  "$cuda/bin/nvcc" "${flags[@]}" -c "$here/main.cu" -o "$build/main.o"
  status=0
  for ((j = 0; j < ${#shares[@]}; ++j)); do
    wait "${pids[$j]}" || { cat "$build/part${shares[$j]}.log"; status=1; }
  done
  [ $status -eq 0 ] || exit 1
  # Resource report: registers, spills, stack per kernel.
  grep -hE "spill|Used|stack frame|warning" "$build"/part*.log | sort | uniq -c | sort -rn | head -20
  "$cuda/bin/nvcc" "${flags[@]}" "$build"/part*.o "$build/main.o" \
    -o "$build/harness" -lcublas -lcuda
fi
[ -z "${BUILD_ONLY:-}" ] || { echo "built $build/harness"; exit 0; }
"$build/harness" "$@"
