#!/usr/bin/env bash
# The test suite, as CI runs it (after scripts/setup.sh and scripts/build.sh):
#   1. every unit and lit test of the build (GPU tests skip without a GPU);
#   2. the CPU suite again under ASan + UBSan (scripts/sanitize.sh);
#   3. each libFuzzer target for $MLPJIT_FUZZ_SECONDS (default 60) s.
# MLPJIT_QUICK=1 runs step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --test-dir "${MLPJIT_BUILD_DIR:-build}" --output-on-failure -j2
[ "${MLPJIT_QUICK:-0}" = 1 ] && exit 0
scripts/sanitize.sh
scripts/fuzz.sh "${MLPJIT_FUZZ_SECONDS:-60}"
