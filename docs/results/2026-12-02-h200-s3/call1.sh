#!/usr/bin/env bash
# Device call 1: the TMA-store epilogue. Harness check of every template
# configuration, harness A/B (TMA store vs registers, same process), the
# runtime path on every model config, the default sweep at M >= 256 with the
# new build and with the previous commit's build (back to back), ncu of a
# gate-up kernel with and without a 2x1 cluster.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc
L=/tmp/logs; mkdir -p $L
q() { nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv,noheader; }
echo "start $(q)" > $L/clocks.txt
timeout 150 .device/harness > $L/harness-check.log 2>&1; echo "check rc=$?" >> $L/harness-check.log
HARNESS_TIME_M=1024,4096,8192 timeout 120 sh -c 'for c in c29_ c62_ c30_ c63_ c36_ c64_ c37_ c65_ c50_ c66_; do .device/harness --time $c; done' > $L/harness-time.log 2>&1
echo "after-harness $(q)" >> $L/clocks.txt
timeout 120 sh -c 'for f in .device/models/*.json; do .device/bin/mlpjit-run $f --tokens 1,64,129,1000,4096 || echo "FAIL $f"; done' > $L/run.log 2>&1; echo "run rc=$?" >> $L/run.log
for v in new old; do
  b=.device/bin/mlpjit-bench; [ $v = old ] && b=.device/bin/mlpjit-bench-old
  MLPJIT_CACHE_DIR=/tmp/mc-$v MLPJIT_TUNING_FILE= MLPJIT_PDL=0 timeout 150 $b --tokens 256,1024,4096,8192 --json $L/bench-$v.json > $L/bench-$v.log 2> $L/bench-$v.err
  echo "bench rc=$?" >> $L/bench-$v.log
  echo "after-bench-$v $(q)" >> $L/clocks.txt
done
for c in c29_ c50_; do
  HARNESS_TIME_M=4096 timeout 90 /usr/local/cuda/bin/ncu --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats \
    -k regex:gemmKernel --launch-skip 20 --launch-count 1 .device/harness --time $c > $L/ncu-$c.log 2>&1
done
echo "end $(q)" >> $L/clocks.txt
tar czf $OUT/call1-logs.tgz -C $L .
tail -3 $L/harness-check.log; grep -E "^FAIL" $L/harness-check.log | head
grep "^time" $L/harness-time.log | sed 's/ | 1 CTA.*again/ again/; s/ | <<<.*//' | cut -c1-200
grep -E "FAIL|error" $L/run.log | head; tail -2 $L/run.log
cat $L/bench-new.log; cat $L/bench-old.log
grep -E "Duration|Throughput|L2 Cache Throughput|Compute \(SM\)|Memory Throughput" $L/ncu-*.log | head -30
cat $L/clocks.txt
