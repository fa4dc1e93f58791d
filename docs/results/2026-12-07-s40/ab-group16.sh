#!/usr/bin/env bash
# Session 40: cooperative 64-row tiles rasterized in groups of 16 token tiles
# (1024 tokens, as ping-pong's and the 128-row tiles') instead of 8. ncu
# (session 40, call 2) had the cooperative 64x224 down tile of gemma-7b at
# 560 tokens (9 token tiles, one wave) read 1.6x its ping-pong twin's DRAM
# bytes and run 1.5x its time with the same SASS k-loop; only the group size
# differed. The heuristic plans are the same in both builds; only the
# kernels of 64-row cooperative tiles above 512 tokens change. Old and new
# mlpjit-bench alternate (two rounds, each against cuBLASLt in its process);
# gemma-7b at 560 also with both 64x224 plans pinned.
# Predicted: the pinned cooperative 64x224 at 560: 206 -> ~140 us (its
# forward ~1.15x faster); the heuristic points (planned cooperative 64-row
# tiles above 512 tokens: gpt2, qwen2.5-0.5b, one down range each of six
# other configs) new / old 0.93-1.00; nothing slower.
set -u
R=docs/results/2026-12-07-s40
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-group16
[ -n "${NO_WARM_UP:-}" ] || warm_up
DEADLINE=${DEADLINE:-420}
LIST=${LIST:-"gpt2 700,1300,1470,1850
qwen2.5-0.5b 700,1220,1340,1850
gemma-7b 1730
gemma-2-2b 2240
qwen2.5-7b 1470"}
run_bench() { # <bin-dir> <tag> <config> <tokens> [args...]
  local b=$1 tag=$2 cfg=$3 tokens=$4; shift 4
  timeout 90 $b/mlpjit-bench "$(config_file "$cfg")" --tokens "$tokens" --csv "$L/$tag.csv" "$@" \
    > "$L/$tag.log" 2>&1
  echo "rc=$?" >> "$L/$tag.log"
}
for round in 1 2; do
  order="old new"; ((round == 2)) && order="new old"
  for v in $order; do
    b=.device/bin; [[ $v == old ]] && b=.device/old
    for k in co pp; do
      run_bench $b "$v-$round-pin$k" gemma-7b 560 --tuning-file $R/../2026-12-06-s39/gemma7b-down-${k}64x224.json
    done
    while read -r c tokens; do
      past_deadline $DEADLINE "$v-$round-$c" && continue
      run_bench $b "$v-$round-$c" "$c" "$tokens"
    done <<< "$LIST"
    mark "$v-$round"
  done
done
device_session_end
python3 $R/ab-group16-report.py "$L"
grep -h "rel. error\|error" "$L"/*.log | head -5
cat "$L/clocks.txt" "$L/skipped.txt" 2>/dev/null
tar czf "$OUT/ab-group16.tgz" -C "$L" .
