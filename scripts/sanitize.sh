#!/usr/bin/env bash
# Builds the CPU test suite with AddressSanitizer + UndefinedBehaviorSanitizer
# in build-asan/ (or $MLPJIT_ASAN_BUILD_DIR) and runs ctest there. Extra
# arguments go to ctest (e.g. -R frontend).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${MLPJIT_ASAN_BUILD_DIR:-build-asan}"
[ -f "$build/build.ninja" ] ||
  cmake -S . -B "$build" -G Ninja -DMLPJIT_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build"
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons memory from its
# inline code in our instrumented files but not from the prebuilt, plain
# LLVM/MLIR archives, which then trip false use-after-poison reports on
# MLIRContext creation. detect_leaks=0: the dlopen'ed CUDA driver's leaks are
# not ours.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=0:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure -j2 "$@"
