#!/usr/bin/env bash
# Session 49, call 3: session 34's tables.sh 1 (the default sweep, both
# cuBLASLt baselines and the floor, then the PyTorch peers on llama-3-8b and
# qwen2.5-7b) on whichever GPU came: on an H200 the table, on an H100
# the default sweep with every plan change since session 42 (its last one).
# Run from the repository root with .device/ carried.
TABLES_BY=${TABLES_BY:-540} bash docs/results/2026-12-06-s34/tables.sh 1
