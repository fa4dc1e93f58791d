#!/usr/bin/env bash
# Session 34: the issue's tables on whatever GPU the call got (an H200 is
# what they ask for; every table since session 27 was an H100's). Run from
# the repository root on the GPU machine with .device/ carried
# (scripts/stage-device.sh).
#   bash tables.sh 1   mlpjit-bench's default sweep (4 shapes x 7 token
#                      counts: mlpjit, both cuBLASLt baselines, the floor),
#                      then the PyTorch peers (eager, merged, torch.compile,
#                      max-autotune at M >= 1024; interleaved, 3 rounds) on
#                      llama-3-8b and qwen2.5-7b at the same points
#   bash tables.sh 2   the peers on gemma-7b and the tp8 shard, then the
#                      validation sweep (heuristic vs tuned vs cuBLASLt) on
#                      the validation configs that fit what time is left
#                      (session 43: `bash tables.sh 2 peers` stops after
#                      the peers)
# Every step's timeout fits the whole run in ${TABLES_BY:-585} s (the run
# tool's 600 s per call), and the logs the tables come from are copied to
# $OUT's top, where the run tool returns them (session 46: each call script
# did both around this one).
set -u
part=${1:?1 or 2}
source "$(dirname "$0")/../../../scripts/device-session.sh" tables-$part
export MLPJIT_LIBRARY=$PWD/.device/lib/libmlpjit.so PYTHONPATH=$PWD/python
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit --format=csv > $L/gpu.txt
warm_up
tokens=1,16,64,256,1024,4096,8192
# left: seconds of the ${TABLES_BY:-585} not yet gone, less a 15 s margin for the summary.
left() { echo $((${TABLES_BY:-585} - 15 - ($(date +%s) - T0))); }
peers() { # shapes timeout
  local t=$(left)
  ((t > $2)) && t=$2
  # (timeout 0 would run it uncut)
  ((t < 30)) && { echo "skipped peers $1" >> $L/skipped.txt; return; }
  timeout $t python3 -m mlpjit.bench --shapes $1 --tokens $tokens --autotune --rounds 3 \
    --json $L/peers.json > $L/peers.log 2> $L/peers.err
  echo rc=$? >> $L/peers.log
  mark after-peers
}
case $part in
1) timeout 200 .device/bin/mlpjit-bench --tokens $tokens --json $L/bench.json \
     > $L/bench.log 2>&1; echo rc=$? >> $L/bench.log; mark after-bench
   peers llama-3-8b,qwen2.5-7b 330 ;;
2) peers gemma-7b,llama-3-70b/tp8 300
   # Smallest configs first; each run cut at 150 s, none started with less left.
   validation="qwen2.5-0.5b llama-3.2-1b gemma-2-2b llama-2-7b mistral-nemo-12b"
   [ "${2:-}" = peers ] && validation=
   for c in $validation; do
     (($(left) < 150)) && { echo "skipped $c" >> $L/skipped.txt; continue; }
     # Call 4 ran this without --tune: the "tuned" column timed the
     # heuristic's own plans again (an A/A run; mlpjit-bench now refuses a
     # tuning file without plans).
     validate_tuned $c 5,48,100,300,700,2500
   done ;;
esac
device_session_end
cat $L/gpu.txt
tail -32 $L/bench.log 2>/dev/null; cat $L/peers.log; tail -3 $L/peers.err
for f in $L/validate-*.log; do [ -e "$f" ] && { echo "== $f"; sed -n '/^validation sweep/,$p' $f; }; done
cat $L/clocks.txt $L/skipped.txt 2>/dev/null
tar czf $OUT/tables-$part.tgz -C $L .
cp $L/bench.log $L/peers.log $L/validate-*.log $OUT/ 2>/dev/null
