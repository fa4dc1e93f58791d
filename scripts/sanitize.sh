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
# The CUDA driver is dlopen'ed; its leaks are not ours.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure -j2 "$@"
