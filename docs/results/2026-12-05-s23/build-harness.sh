#!/usr/bin/env bash
# Builds .device/harness-s23 (no GPU needed; from the repository root): the
# harness cases c129 and c130 (tests/gpu/sm90/configs.inc, down GEMMs on
# 128x64 and 64x128 tiles at 100, 112 and 128 tokens) that call3.sh times
# with and without HARNESS_PAD_A. Each case compiles alone.
set -euo pipefail
flags="-std=c++17 -O3 -gencode=arch=compute_90a,code=sm_90a -DMLPJIT_GPU_SM90 -I templates -I tests/gpu -Xptxas -warn-spills"
dir=$(mktemp -d)
printf '%s\n' 129 130 | xargs -P 2 -I{} /usr/local/cuda/bin/nvcc $flags -DPARTS=1000 -DPART={} \
  -c tests/gpu/part.cu -o "$dir/p{}.o"
/usr/local/cuda/bin/nvcc $flags -c tests/gpu/main.cu -o "$dir/main.o"
mkdir -p .device
LIBRARY_PATH=/usr/local/cuda/lib64/stubs /usr/local/cuda/bin/nvcc $flags "$dir"/*.o \
  -o .device/harness-s23 -lcublas -lcuda
rm -rf "$dir"
