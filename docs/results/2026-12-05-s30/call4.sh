#!/usr/bin/env bash
# Device call 4 (session 30, ran inline on an H100, as written here on one
# line): session 29's planner against session 28's plans on the tp8 shard
# and phi-3-mini (3 rounds), then the PTX cold start with room to finish.
source scripts/device-session.sh s31-d; mkdir -p $L/c; cp .device/fit/phi-3-mini-4k.json .device/tp8/*.json $L/c/; timeout 150 .device/bin/mlpjit-bench --validate $L/c --tokens 640,700,320 --tuning-file docs/results/2026-12-05-s29/head-plans.json --validate-rounds 3 > $L/ab.log 2> $L/ab.err; echo rc=$? >> $L/ab.log; mark ab; MLPJIT_CACHE=0 CUDA_CACHE_DISABLE=1 timeout 150 .device/bin/mlpjit-stack-bench examples/specs/llama3-8b.mlp 4 16 ptx > $L/cold-ptx.log 2>&1; echo rc=$? >> $L/cold-ptx.log; device_session_end; sed -n '/validation sweep/,$p' $L/ab.log; grep -e "cold start" -e "^rc=" $L/cold-ptx.log; cat $L/clocks.txt
