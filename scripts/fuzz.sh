#!/usr/bin/env bash
# Builds the front end's libFuzzer targets with clang-22 + ASan/UBSan in
# build-fuzz/ (or $MLPJIT_FUZZ_BUILD_DIR) and runs each for N seconds
# (default 60) on a copy of its seed corpus. A crash leaves its reproducer in
# the build dir and fails the script.
#   scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build="${MLPJIT_FUZZ_BUILD_DIR:-build-fuzz}"
[ -f "$build/build.ninja" ] ||
  CC=clang-22 CXX=clang++-22 cmake -S . -B "$build" -G Ninja \
    -DMLPJIT_FUZZ=ON -DMLPJIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" --target mlpjit-spec-fuzz mlpjit-config-fuzz
for kind in spec config; do
  corpus="$build/fuzz-corpus/$kind"
  mkdir -p "$corpus" "$build/fuzz-artifacts/$kind"
  cp -n tests/fuzz/corpus/$kind/* "$corpus/"
  echo "== mlpjit-$kind-fuzz for ${seconds}s"
  "$build/bin/mlpjit-$kind-fuzz" "$corpus" \
    -dict=tests/fuzz/$kind.dict -max_total_time="$seconds" \
    -max_len=8192 -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$kind/"
done
