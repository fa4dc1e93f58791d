#!/usr/bin/env bash
# Device call 5 (session 30, ran inline on an H100): the tuner at 640 on the
# tp8 shard (its 3-stage 160-wide plans).
source scripts/device-session.sh s31-e; timeout 150 .device/bin/mlpjit-bench .device/tp8/*.json --tokens 640 --tune --tune-candidates 8 --tuning-file $L/tuned.json --tune-log $L/tune640.jsonl > $L/tune640.log 2>&1; echo rc=$? >> $L/tune640.log; device_session_end; grep -h -e '->' -e 'rc=' $L/tune640.log; cat $L/clocks.txt
