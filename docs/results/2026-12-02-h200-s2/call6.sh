#!/usr/bin/env bash
# Device call 6: cold start with kernels loaded on 16 threads; SASS of llama-3-8b's kernels.
set -u
cd "$(dirname "$0")/.."
mkdir -p /work && ln -sfn "$PWD" /work/main
export MLPJIT_CACHE_DIR=/tmp/mc MLPJIT_CUDA_BIN=/usr/local/cuda/bin
timeout 90 .device/bin/mlpjit-stack-bench examples/specs/llama3-8b.mlp 32 16 > $OUT/stack-bench.log 2>&1; echo "rc=$?" >> $OUT/stack-bench.log
timeout 60 .device/bin/mlpjit-dump .device/models/llama-3-8b.json --stage=sass > $OUT/sass.txt 2> $OUT/sass.err
echo "sass rc=$?"
awk '/Function :/{f=$3} /HGMMA/{h[f]++} /UTMALDG/{t[f]++} /STG/{s[f]++} /UTMASTG|UBLKCP/{ts[f]++} /[^A-Z](STL|LDL)[. ]/{l[f]++} END{for(k in h) printf "%-40s HGMMA %4d UTMALDG %3d STG %4d TMA-store %d local %d\n", k, h[k], t[k], s[k], ts[k], l[k]}' $OUT/sass.txt | sort > $OUT/sass-summary.txt
gzip -9 $OUT/sass.txt
cat $OUT/stack-bench.log $OUT/sass-summary.txt
