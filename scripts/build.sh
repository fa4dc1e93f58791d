#!/usr/bin/env bash
# Configures (once) and builds mlpjit into build/ (or $MLPJIT_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${MLPJIT_BUILD_DIR:-build}"
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja "$@"
cmake --build "$build"
