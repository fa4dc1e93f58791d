#!/usr/bin/env bash
# Device call 5 (session 18): which kernels cuBLASLt runs where it leads
# mlpjit (call 4): the llama-3-70b tp8 shard at M = 160 and 200, gemma-2-2b at
# 200. ncu records name, grid and time per launch; the first ~140 launches
# are mlpjit-bench's ceilings (cuBLASLt 8192^3 and a copy), skipped (call 4's
# ncu run caught only those).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs5s18
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
prof() { # name config M
  timeout 100 $NCU --launch-skip 140 --launch-count 90 --csv \
    --metrics gpu__time_duration.sum .device/bin/mlpjit-bench "$2" --tokens $3 \
    --reps 2 --warmup 0 --settle-ms 0 > $L/ncu-$1.csv 2> $L/ncu-$1.err
  echo "rc=$?" >> $L/ncu-$1.err
}
prof tp8-200 .device/tp8/llama-3-70b-tp8-shard.json 200
prof tp8-160 .device/tp8/llama-3-70b-tp8-shard.json 160
prof g2b-200 .device/V/gemma-2-2b.json 200
device_session_end
for f in $L/ncu-*.csv; do echo "== $f"; grep '"gpu__time_duration.sum"' $f | awk -F'","' '{print $5" "$9" "$NF}' | sed 's/"$//' | sort | uniq -c | sort -k1,1nr | cut -c1-200 | head -14; done
cat $L/clocks.txt
tar czf $OUT/logs5s18.tgz -C $L . && rm -rf $L
