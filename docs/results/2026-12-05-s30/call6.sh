#!/usr/bin/env bash
# Device call 6 (session 30, ran inline on an H100): the tuner at 320 and
# 640 on the fit configs and the tp8 shard, 8 candidates a GEMM.
source scripts/device-session.sh s31-f; timeout 170 .device/bin/mlpjit-bench .device/fit/*.json .device/tp8/*.json --tokens 320,640 --tune --tune-candidates 8 --tuning-file $L/tuned.json --tune-log $L/tune-320-640.jsonl > $L/tune.log 2>&1; echo rc=$? >> $L/tune.log; device_session_end; grep -h -e '->' -e 'rc=' $L/tune.log | sed 's/ (8 candidates)//'; cat $L/clocks.txt
