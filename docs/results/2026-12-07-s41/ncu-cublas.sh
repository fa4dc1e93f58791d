#!/usr/bin/env bash
# Prepared in session 41, run in session 42's call 1: which kernels cuBLASLt
# runs at the tp8 shard's 300 tokens and llama-3-8b/gemma-7b's 256, where
# mlpjit's kernel space had nothing as fast. Its ncu captured only the first
# 40 launches, all of them the bench's ceiling GEMM; session 42's
# ncu-cublas2.sh is the same with every launch (400), and runs it so here
# (its prediction and outcome: docs/performance.md, sessions 41-42).
LAUNCHES=40 NCU_TIMEOUT=90 NAME=ncu-cublas \
  exec bash "$(dirname "$0")/../2026-12-07-s42/ncu-cublas2.sh"
