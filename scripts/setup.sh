#!/usr/bin/env bash
# Installs what mlpjit needs on Debian 12 (bookworm). Safe to run twice: it only
# installs packages that are missing. Needs the CUDA 13 toolkit already present.
set -euo pipefail

cuda_home="${CUDA_HOME:-/usr/local/cuda}"
if ! command -v nvcc >/dev/null 2>&1 && [ ! -x "$cuda_home/bin/nvcc" ]; then
  echo "mlpjit setup: no CUDA toolkit found (nvcc not on PATH, not in $cuda_home)." >&2
  echo "Install the CUDA 13 toolkit (it provides NVRTC, ptxas and cuda.h) and retry." >&2
  exit 1
fi
if [ ! -f "$cuda_home/include/nvrtc.h" ]; then
  echo "mlpjit setup: $cuda_home has no include/nvrtc.h; set CUDA_HOME to the toolkit." >&2
  exit 1
fi

packages=(
  cmake ninja-build g++ python3
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libzstd-dev zlib1g-dev libgtest-dev
)
# The Python package's CI tests (python/tests) run under Debian's /usr/bin/python3;
# pip and setuptools install ./python offline (--no-build-isolation).
packages+=(python3-pytest python3-numpy python3-pip python3-setuptools)
# clang-22 builds the libFuzzer targets that the test suite runs.
packages+=(clang-22 libclang-rt-22-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "mlpjit setup: all packages present"
  exit 0
fi
echo "mlpjit setup: installing ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq || echo "mlpjit setup: apt-get update failed; trying the cached lists" >&2
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
