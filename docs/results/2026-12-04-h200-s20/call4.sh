#!/usr/bin/env bash
# Device call 4 (session 20): the default shapes at M = 160 and 200 with the
# final planner (mlpjit-bench: mlpjit vs cuBLASLt unfused and merged), then
# the PyTorch peers (../shared/bench/peers_bench.py: eager, merged,
# torch.compile) at the same points, in the same call. No warm-up pass (it
# matters at M <= 16 only).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs4s20
timeout 100 .device/bin/mlpjit-bench --tokens 160,200 --json $L/bench.json > $L/bench.log 2> $L/bench.err
echo "rc=$?" >> $L/bench.log
mark after-bench
timeout 130 python3 .device/peers_bench.py --tokens 160,200 --json $L/peers.json > $L/peers.log 2>&1
echo "rc=$?" >> $L/peers.log
device_session_end
sed -n '/^shape/,$p' $L/bench.log
cat $L/peers.log | grep -v Warning | tail -10
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs4s20.tgz -C $L . && rm -rf $L
