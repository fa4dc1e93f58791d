#!/usr/bin/env bash
# Device call 7 (session 26, H200; run inline, no logs kept but the output
# quoted in README.md). python -m mlpjit.bench on phi-3-mini compiled for
# 1..128 tokens (100,112,128) and for 1..8192 (112 first, then 8192).
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python MLPJIT_PDL=0 \
  MLPJIT_TUNING_FILE= MLPJIT_CACHE_DIR=/tmp/mc
timeout 120 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 100,112,128 2>&1 | grep -v compiling
timeout 60 python3 -m mlpjit.bench .device/fit/phi-3-mini-4k.json --tokens 112,8192 --reps 30 2>&1 | grep -v compiling
