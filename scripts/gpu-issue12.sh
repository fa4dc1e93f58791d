#!/usr/bin/env bash
# The GPU checks of issue 12, from the repository root after scripts/build.sh:
# shared kernels + caller workspaces (incl. two streams at once), cubins,
# the llama-3-8b 32-layer stack (memory, load, host time per forward, cold
# start, two streams), and the plain C example on an mlpjit-compile artifact
# from an installed tree. Record the numbers in docs/api.md.
set -euo pipefail
B=${BUILD_DIR:-build}
W=$(mktemp -d /tmp/mlpjit-issue12.XXXXXX)

"$B"/bin/mlpjit-runtime-tests \
  --gtest_filter='GpuSharedKernelsTest.*:GpuMlpTest.*:GpuTensorParallel*'
"$B"/bin/mlpjit-api-tests
"$B"/bin/mlpjit-capi-tests
"$B"/bin/mlpjit-stack-bench examples/specs/llama3-8b.mlp 32 16

cmake --install "$B" --prefix "$W/prefix" --component Unspecified >/dev/null
time "$W"/prefix/bin/mlpjit-compile examples/specs/llama3-8b.mlp \
  --arch sm_90a,sm_80 --tokens 1..64 -o "$W/llama.mlpx"
cc -std=c11 -Wall -Wextra -pedantic -I"$W/prefix/include" \
  examples/embed/main.c -L"$W/prefix/lib" -lmlpjit \
  -Wl,-rpath,"$W/prefix/lib" -ldl -lm -o "$W/embed"
nm -D --defined-only "$W/prefix/lib/libmlpjit.so" | grep -v ' mlpjit_' || true
"$W/embed" "$W/llama.mlpx" 16
ctest --test-dir "$B" -R 'examples.embed_installed' --output-on-failure
echo "all issue-12 GPU checks passed ($W)"
