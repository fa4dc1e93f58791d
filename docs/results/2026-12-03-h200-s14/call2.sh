#!/usr/bin/env bash
# Device call 2 (session 14): the cost model's L2 rate refit alone on the
# fit set (12657 -> 13169 GB/s; scripts/fit_cost_model.py --only=l2 on
# fit13.jsonl: regret 1.0155 -> 1.0113, held-out 1.0181 -> 1.0157), in the
# whole forward at the points whose plans it changes: the old planner's
# bench (mlpjit-bench-old) then the new one, each against cuBLASLt in its
# own process (the speedup is the within-process ratio). Then the
# validation points call 1 did not reach (new planner; their plans are the
# same under both).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s14
V=.device/val10
run() { # <seconds> <bin> <tag> <tokens> [args...]
  local limit=$1 bin=$2 tag=$3 tokens=$4; shift 4
  timeout $limit .device/bin/$bin --tokens $tokens --json $L/$tag.json "$@" \
    > $L/$tag.log 2>&1
  echo "rc=$?" >> $L/$tag.log
}
for bin in mlpjit-bench-old mlpjit-bench; do
  run 110 $bin $bin-700 700 --shapes llama-3-8b,qwen2.5-7b,gemma-7b,llama-3-70b/tp8 \
    $V/gemma-2-27b.json $V/gemma-2-9b.json $V/mistral-nemo-12b.json $V/llama-3.2-1b.json
  run 45 $bin $bin-300 300 --shapes qwen2.5-7b,llama-3-70b/tp8 $V/qwen2.5-0.5b.json
  run 45 $bin $bin-500 500 $V/gemma-2-2b.json $V/llama-2-7b.json $V/llama-3.2-1b.json
  run 20 $bin $bin-64 64 --shapes gemma-7b
  mark after-$bin
done
run 60 mlpjit-bench rest 300,700 $V/phi-3-medium-4k.json $V/qwen2.5-32b.json
run 40 mlpjit-bench v405 300 $V/llama-3.1-405b.json
device_session_end
for f in $L/*.log; do echo "== $(basename $f)"; grep -E ": mlpjit|rc=" $f | sed 's/cuBLASLt unfused/unf/;s/, rel. error/ err/'; done
cat $L/clocks.txt
tar czf $OUT/logs2s14.tgz -C $L . && rm -rf $L
