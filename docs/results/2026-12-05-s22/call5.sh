#!/usr/bin/env bash
# Device call 5 (prepared in session 22, not yet run; after session 21's
# calls 1-4): why the llama-3-70b tp8 shard's gate-up GEMM (N = 7168,
# K = 8192) runs ~40 us at M = 160 when its weights stream in ~27 us, and
# what cuBLAS's kernel for it (nvjet 128x80, 4x2 cluster) does differently.
# ncu sections (speed of light, memory and compute workload, warp stalls) of
# one launch each: the heuristic's 64x192, the tuner's best narrow swapAB
# 80x128 (7 stages), the same at 8 stages (session 22's exchange makes room)
# and in a 2x1 cluster, and torch's cuBLAS GEMM.
# Questions (docs/performance.md, session 22): is the narrow tile bound by
# L2 -> SM bandwidth (~3.4 MB per CTA), by shared-memory reads of the wgmma
# operands (n80: ~115 B/clk/SM at full rate), or by latency?
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs5s22
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
CFG=.device/tp8/llama-3-70b-tp8-shard.json
SECTIONS="--section SpeedOfLight --section MemoryWorkloadAnalysis --section ComputeWorkloadAnalysis --section WarpStateStats --section Occupancy --section LaunchStats"
plan() { # name tileM tileN stages clusterM swapAB -> $L/<name>.json
  cat > $L/$1.json <<J
{"format":"mlpjit-tuning-1","plans":[{"arch":"sm_90a","epilogue":"swiglu","dtype":"bf16","n":7168,"k":8192,"m":160,"us":0,
 "plan":{"template":"sm90_tma_ws","mMin":145,"mMax":160,"tileM":$2,"tileN":$3,"tileK":64,"stages":$4,"clusterM":$5,"clusterN":1,"splitK":1,"swapAB":$6}}]}
J
}
plan heuristic 64 192 6 1 false
plan swap80 80 128 7 1 true
plan swap80s8 80 128 8 1 true
plan swap80c2 80 128 7 2 true
for p in heuristic swap80 swap80s8 swap80c2; do
  MLPJIT_TUNING_FILE=$L/$p.json timeout 150 $NCU $SECTIONS -k regex:gate_up_m145 \
    --launch-skip 2 --launch-count 1 .device/bin/mlpjit-bench $CFG --tokens 160 \
    --reps 3 --warmup 1 --settle-ms 0 > $L/ncu-$p.log 2>&1
  echo "rc=$?" >> $L/ncu-$p.log
done
cat > $L/cublas.py <<'P'
import torch
x = torch.randn(160, 8192, device="cuda", dtype=torch.bfloat16)
w = torch.randn(7168, 8192, device="cuda", dtype=torch.bfloat16)
for _ in range(5):
    y = x @ w.t()
torch.cuda.synchronize()
P
timeout 150 $NCU $SECTIONS -k regex:nvjet --launch-skip 2 --launch-count 1 \
  python3 $L/cublas.py > $L/ncu-cublas.log 2>&1
echo "rc=$?" >> $L/ncu-cublas.log
device_session_end
for f in $L/ncu-*.log; do
  echo "== $f"
  grep -E "^  [a-z_0-9]+.*\(|Duration|SM Frequency|Memory Throughput|DRAM Throughput|L1/TEX Cache Throughput|L2 Cache Throughput|Compute \(SM\) Throughput|Registers Per|Grid Size|Cluster Size|Warp Cycles Per Issued|Shared Memory|Tensor|rc=" $f | head -30
done
tar czf $OUT/logs5s22.tgz -C $L . && rm -rf $L
