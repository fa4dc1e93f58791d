#!/usr/bin/env bash
# Session 40, call 4: ab-group16.sh over the committed rule (cooperative
# 64-row tiles group 16 token tiles only where the weights outgrow the 50 MiB
# L2): the pinned cooperative/ping-pong 64x224 at gemma-7b 560, and
# gemma-2-9b 1470, the one heuristic point on the H100 whose kernels it
# changes that call 3 did not time (gemma-7b 1730 and qwen2.5-7b 1470 ran
# the same kernels there: 0.993, 0.989). Predicted: pinned cooperative
# ~0.85, gemma-2-9b 0.98-1.01.
R=docs/results/2026-12-07-s40
LIST="gemma-2-9b 1470" DEADLINE=${DEADLINE:-110} bash $R/ab-group16.sh 2>&1 | tail -25
