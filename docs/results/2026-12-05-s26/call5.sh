#!/usr/bin/env bash
# Device call 5 (session 26, H200; run inline, recorded here). The padded
# intermediate on seven validation configs and two more fit shapes at
# 5-700 tokens, interleaved with the unpadded one and cuBLASLt.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs5s26
mkdir -p /tmp/P
cp .device/V/{gemma-2-2b,gemma-2-9b,llama-2-7b,llama-3.2-1b,mistral-nemo-12b,phi-3-medium-4k,qwen2.5-0.5b}.json \
  .device/fit/{gemma-7b,mistral-7b-v0.1}.json /tmp/P/
timeout 340 .device/bin/mlpjit-bench /tmp/P/*.json --tokens 5,48,100,200,700 --ab-pad-intermediate \
  --validate-rounds 3 > $L/pad-ab.log 2> $L/pad-ab.err
echo "rc=$?" >> $L/pad-ab.log
device_session_end
sed -n '/padded to whole/,$p' $L/pad-ab.log
grep -h "rel. error" $L/*.err | sed 's/.*rel. error //' | awk '{print $1}' | sort -g | tail -1
cat $L/clocks.txt
tar czf $OUT/logs5s26.tgz -C $L . && rm -rf $L
