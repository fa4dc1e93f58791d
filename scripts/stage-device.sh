#!/usr/bin/env bash
# Stages .device/ (git-ignored), the folder device calls carry (run's
# `carry: [".device"]`, at most 64 MiB) from this machine's build: stripped
# tools and libmlpjit.so (built here with MLIR; the GPU host has none), the
# model configs (fit/: ../shared/models, V/: its validation/, tp8/: the
# llama-3-70b tp8 shard), and the PyTorch peers' bench. Run after
# scripts/build.sh and before every device call whose binaries must match
# the commit it runs at; the scripts under docs/results/*/ read these paths.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
mkdir -p .device/bin .device/lib .device/fit .device/V .device/tp8
for tool in mlpjit-bench mlpjit-run mlpjit-dump mlpjit-compile mlpjit-stack-bench \
  mlpjit-runtime-tests mlpjit-api-tests; do
  strip -o ".device/bin/$tool" "build/bin/$tool"
done
strip --strip-unneeded -o .device/lib/libmlpjit.so build/lib/libmlpjit.so
cp "$shared"/models/*.json .device/fit/
cp "$shared"/models/validation/*.json .device/V/
cp "$shared"/bench/peers_bench.py .device/
# One tensor-parallel rank of llama-3-70b (intermediate 28672 / 8).
cat > .device/tp8/llama-3-70b-tp8-shard.json <<'JSON'
{
  "architectures": ["LlamaForCausalLM"],
  "model_type": "llama",
  "hidden_act": "silu",
  "hidden_size": 8192,
  "intermediate_size": 3584,
  "num_hidden_layers": 1,
  "torch_dtype": "bfloat16"
}
JSON
# The build staged: its commit and any uncommitted change to tracked files (a
# patch under test), copied into every call's logs by device-session.sh.
{ git rev-parse HEAD; git status --short --untracked-files=no; } > .device/staged.txt
du -sh .device
