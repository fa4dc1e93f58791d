#!/usr/bin/env bash
# Session 37, call 3. (1) ncu of qwen2.5-0.5b's down GEMM at 1300 tokens,
# 64x160 against 64x192, at the steady state: a launch inside the timed
# replays (--launch-skip 12), caches and clocks left alone. Call 2 profiled
# each kernel's first launch with caches flushed at the base clock and found
# them alike (28.1 vs 29.0 us) where the tuner and the forward time 64x160
# 1.27x / 1.06x slower. gpt2's down at 300 (64x96 unsplit vs 64x64 split 2)
# the same way. (2) The forward (--validate, 3 rounds, heur = the
# heuristic, tuned = the variant pinned) over the token ranges around
# call 1's two wins, to scope a planner rule: gpt2's down GEMM in 64x64
# split 2 at 160-400 tokens (since wholeKLatencyBound, session 37, the
# heuristic's own plan at 193..320: an A/A there), qwen2.5-0.5b's in 64x192
# at 1100-1500. (3) The
# tp8 shard at 256 (the default sweep's tie with torch.compile, session 34):
# its down GEMM in 128x128 tiles (the tuner's fastest, 28.4 against the
# planned ping-pong 64x256's 30.4 us, tune29-256) and in ping-pong's
# cooperative twin, pinned.
# Run from the repository root on the GPU machine with .device/ carried.
# Predicted: (1) 64x160 slower at the steady state (lower L2 hit rate or
# DRAM throughput than 64x192), else the gap is the clock; (2) split 2 ahead
# at 200-350 (2-12%), behind from 400; 64x192 ahead at 1200-1400; (3) 128x128
# 1-2% faster in the forward (2 of 83 us), the twin within 1%.
set -u
R=docs/results/2026-12-06-s37
source "$(dirname "$0")/../../../scripts/device-session.sh" steady
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
prof() { # <name> <config> <tokens> <kernel regex> [tuning file]
  timeout 90 $NCU --clock-control none --cache-control none --section SpeedOfLight \
    --section MemoryWorkloadAnalysis --section MemoryWorkloadAnalysis_Tables \
    --metrics lts__t_sector_hit_rate.pct,dram__bytes_read.sum,lts__t_bytes.sum,sm__cycles_elapsed.avg.per_second \
    -k "regex:$4" --launch-skip 12 --launch-count 1 \
    .device/bin/mlpjit-bench ${5:+--tuning-file $5} "$2" --tokens "$3" --reps 20 --warmup 5 --settle-ms 0 \
    > "$L/ncu-$1.log" 2>&1
  echo "rc=$?" >> "$L/ncu-$1.log"
  mark "$1"
}
warm_up
prof qwen05-64x160 .device/V/qwen2.5-0.5b.json 1300 qwen2_5_0_5b_down
prof qwen05-64x192 .device/V/qwen2.5-0.5b.json 1300 qwen2_5_0_5b_down $R/qwen05-down-64x192.json
prof gpt2-64x96s1 .device/fit/gpt2.json 300 gpt2_down
prof gpt2-64x64s2 .device/fit/gpt2.json 300 gpt2_down $R/gpt2-down-64x64s2.json
export AB_TIMEOUT=90 AB_DEADLINE=400
ab_validate .device/fit/gpt2.json 160,200,250,300,350,400 $R/gpt2-down-64x64s2-wide.json
ab_validate .device/V/qwen2.5-0.5b.json 1100,1200,1300,1400,1500 $R/qwen05-down-64x192-wide.json
mkdir -p $L/twin && cp .device/tp8/*.json $L/twin/
ab_validate .device/tp8/llama-3-70b-tp8-shard.json 256 $R/tp8-down-128x128.json
mv $L/ab-llama-3-70b-tp8-shard.log $L/ab-tp8-128x128.log
ab_validate .device/tp8/llama-3-70b-tp8-shard.json 256 $R/tp8-down-64x256co.json
mv $L/ab-llama-3-70b-tp8-shard.log $L/ab-tp8-64x256co.log
device_session_end
for f in $L/ncu-*.log; do echo "== $f"; grep -E "^  [a-z0-9_]+_down|Duration|DRAM Throughput|L2 Cache Throughput|L2 Hit Rate|Compute \(SM\) Throughput|hit_rate|dram__bytes|lts__t_bytes|per_second|Grid Size|rc=" $f | head -20; done
for f in $L/ab-*.log; do echo "== $f"; sed -n '/^validation sweep/,$p' $f; done
grep -h "rel. error" $L/*.log | grep -o "rel. error [0-9.e-]*" | sort -k3 -g | tail -1
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/steady.tgz -C $L .
