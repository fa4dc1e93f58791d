#!/usr/bin/env bash
# Device call 2 (prepared in session 24, not run). Stream-K at M <= 16, never
# timed there (it lost at M >= 64, where its pieces re-read shared weight
# tiles from HBM; at M <= 16 there is one token tile, nothing is shared).
# The heuristic's M <= 16 tiles leave a partial last wave: phi-3-medium's
# gate-up 280 tiles on 132 SMs (16 SMs run a third tile), llama-3-8b's and
# gemma-2-9b's 224 (1.7 waves); their down GEMMs split K into 108-128 units.
# Stream-K gives every CTA the same k-tiles. Prediction: 0-5% off the
# gate-up where the tail is short (phi-3-medium, qwen2.5-7b), nothing where
# the last wave is most of one (224 tiles).
# `mlpjit-bench --validate` times the heuristic and the tuning file
# interleaved in one process (the median of 3 rounds), after checking both
# against cuBLASLt and float64: sk-gate-up.json (gate-up stream-K) and
# sk-both.json (both GEMMs), from scripts/plans_as_tuning.py --set splitK=0
# on .device/SK (four fit shapes, the tp8 shard, phi-3-medium and gemma-2-9b).
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" logs2s24
warm_up
for tf in sk-gate-up sk-both; do
  timeout 240 .device/bin/mlpjit-bench --validate .device/SK --tuning-file .device/$tf.json \
    --tokens 1,5,16 --validate-rounds 3 > $L/$tf.log 2> $L/$tf.err
  echo "rc=$?" >> $L/$tf.log
  mark after-$tf
done
device_session_end
for tf in sk-gate-up sk-both; do echo "== $tf"; sed -n '/validation sweep/,$p' $L/$tf.log; tail -2 $L/$tf.err; done
cat $L/clocks.txt
tar czf $OUT/logs2s24.tgz -C $L . && rm -rf $L
