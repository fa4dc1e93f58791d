#!/usr/bin/env bash
# Session 40, call 3: ab-group16.sh, then ab-pplow-g16.sh on the same machine.
R=docs/results/2026-12-07-s40
DEADLINE=${DEADLINE:-230} bash $R/ab-group16.sh > "$OUT/ab-group16.txt" 2>&1
AB_DEADLINE=${AB_DEADLINE:-170} bash $R/ab-pplow-g16.sh > "$OUT/ab-pplow-g16.txt" 2>&1
tail -45 "$OUT/ab-group16.txt"; echo; grep -A12 "^validation sweep" "$OUT/ab-pplow-g16.txt" | grep -v "^validation\|^shape\|^--"; tail -4 "$OUT/ab-pplow-g16.txt"
