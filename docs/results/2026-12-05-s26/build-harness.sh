#!/usr/bin/env bash
# Builds .device/harness-s26 (no GPU needed; from the repository root): every
# correctness-only (untimed) case of tests/gpu/sm90/configs.inc, for the
# exact-last-tile check (HARNESS_EXACT_LAST=1: the ragged last token tile
# through tmaALast) and racecheck without cuBLAS (HARNESS_HOST_REFERENCE=1),
# plus timed cases for the exact-last-tile A/B at ragged token counts: the
# llama-3-8b gate-up on 128x256 (c29) and 64x256 (c31) tiles, the 100-token
# down GEMMs c129/c130. Each case compiles alone.
set -euo pipefail
flags="-std=c++17 -O3 -gencode=arch=compute_90a,code=sm_90a -DMLPJIT_GPU_SM90 -I templates -I runtime/include -I tests/gpu -Xptxas -warn-spills"
cases="$(grep -oE '^CONFIG\w*\([0-9]+, false' tests/gpu/sm90/configs.inc | grep -oE '[0-9]+') 29 31 129 130"
dir=$(mktemp -d)
echo $cases | tr ' ' '\n' | xargs -P 2 -I{} /usr/local/cuda/bin/nvcc $flags -DPARTS=1000 -DPART={} \
  -c tests/gpu/part.cu -o "$dir/p{}.o"
/usr/local/cuda/bin/nvcc $flags -c tests/gpu/main.cu -o "$dir/main.o"
mkdir -p .device
LIBRARY_PATH=/usr/local/cuda/lib64/stubs /usr/local/cuda/bin/nvcc $flags "$dir"/*.o \
  -o .device/harness-s26 -lcublas -lcuda
rm -rf "$dir"
