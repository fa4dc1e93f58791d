#!/usr/bin/env bash
# Builds the two GPU harnesses call6.sh carries (no GPU needed; run from the
# repository root at the session-22 commit):
#   .device/harness-s22: this commit's templates and tests/gpu, the narrow
#     gated swapAB cases (c2-c15 of them, c32-c34, c84-c89, c119-c128);
#   .device/harness-s21: the templates and configs of <base>, the commit
#     before the exchange change (e1e5122), with this commit's main.cu
#     (several name filters), cases c32, c33, c88, c89 and c127 only.
# Usage: docs/results/2026-12-05-s22/build-harnesses.sh e1e5122
# Each case compiles alone (-DPARTS=1000 -DPART=<id>), two at a time.
set -euo pipefail
base=${1:?usage: build-harnesses.sh <commit before the exchange change>}
build() { # root out ids...
  local root=$1 out=$2 dir; shift 2
  dir=$(mktemp -d)
  local flags="-std=c++17 -O3 -gencode=arch=compute_90a,code=sm_90a -DMLPJIT_GPU_SM90 -I $root/templates -I $root/tests/gpu -Xptxas -warn-spills"
  printf '%s\n' "$@" | xargs -P 2 -I{} /usr/local/cuda/bin/nvcc $flags -DPARTS=1000 -DPART={} \
    -c "$root/tests/gpu/part.cu" -o "$dir/p{}.o"
  /usr/local/cuda/bin/nvcc $flags -c tests/gpu/main.cu -o "$dir/main.o"
  LIBRARY_PATH=/usr/local/cuda/lib64/stubs /usr/local/cuda/bin/nvcc $flags "$dir"/*.o \
    -o "$out" -lcublas -lcuda
  rm -rf "$dir"
}
mkdir -p .device
build . .device/harness-s22 2 3 6 7 10 11 14 15 32 33 34 84 85 88 89 119 120 121 122 123 124 125 126 127 128
old=$(mktemp -d)
git archive "$base" templates tests/gpu | tar -x -C "$old"
# The racecheck case c127 (5 stages; the old exchange leaves no room for 7)
# under the old templates too.
grep -E "^#define MS_RACE|^CONFIG_BLOCK\(127," tests/gpu/sm90/configs.inc >> "$old/tests/gpu/sm90/configs.inc"
build "$old" .device/harness-s21 32 33 88 89 127
rm -rf "$old"
