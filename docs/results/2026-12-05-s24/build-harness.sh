#!/usr/bin/env bash
# Builds .device/harness-s24 (no GPU needed; from the repository root): the
# harness cases 119-134 (tests/gpu/sm90/configs.inc: gated and plain narrow
# swapAB, the fp16 GeGLU 104x128 gate-up that racecheck failed on, the
# 100-token down GEMMs, the one-tile narrow swapAB tiles of 200-256 tokens,
# stream-K on the 16-token gated swapAB tile)
# with HARNESS_HOST_REFERENCE (racecheck without cuBLAS) and HARNESS_PAD_A.
# Each case compiles alone.
set -euo pipefail
flags="-std=c++17 -O3 -gencode=arch=compute_90a,code=sm_90a -DMLPJIT_GPU_SM90 -I templates -I tests/gpu -Xptxas -warn-spills"
dir=$(mktemp -d)
seq 119 134 | xargs -P 2 -I{} /usr/local/cuda/bin/nvcc $flags -DPARTS=1000 -DPART={} \
  -c tests/gpu/part.cu -o "$dir/p{}.o"
/usr/local/cuda/bin/nvcc $flags -c tests/gpu/main.cu -o "$dir/main.o"
mkdir -p .device
LIBRARY_PATH=/usr/local/cuda/lib64/stubs /usr/local/cuda/bin/nvcc $flags "$dir"/*.o \
  -o .device/harness-s24 -lcublas -lcuda
rm -rf "$dir"
