#!/usr/bin/env bash
# Device call 4 (session 18): (a) the committed planner (16-token ranges)
# against session 17's plans pinned, at the validation points that trailed
# cuBLASLt in session 17 (M = 100, 160, 200); (b) which kernels cuBLASLt
# runs for the llama-3-70b tp8 shard at M = 200 (ncu: name, grid, time),
# where it leads mlpjit by 7%.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s18
warm_up
timeout ${V_TIMEOUT:-330} .device/bin/mlpjit-bench --validate .device/V \
  --tuning-file .device/s17-plans-v.json --tokens 100,160,200 --validate-rounds 2 \
  > $L/v.log 2> $L/v.err
echo "rc=$?" >> $L/v.log
mark after-v
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
timeout ${NCU_TIMEOUT:-150} $NCU --launch-count 80 --csv \
  --metrics gpu__time_duration.sum,launch__grid_size,launch__block_size \
  .device/bin/mlpjit-bench .device/tp8/llama-3-70b-tp8-shard.json --tokens 200 \
  --reps 2 --warmup 0 --settle-ms 0 > $L/ncu.csv 2> $L/ncu.err
echo "rc=$?" >> $L/ncu.err
device_session_end
sed -n '/validation sweep/,$p' $L/v.log
grep -v "^==PROF==" $L/ncu.csv | awk -F'","' 'NR>1 {print $5" | "$(NF-3)" | "$(NF-1)" "$NF}' | cut -c1-220 | head -90
tail -3 $L/ncu.err
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs4s18.tgz -C $L . && rm -rf $L
