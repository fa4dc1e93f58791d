#!/usr/bin/env bash
# Session 35, call 6: call 4's one loss, phi-3-medium-4k's gate-up at 65-128
# tokens on the H100 (ping-pong 64x192 -> 64x224 with the last-wave term),
# at three more points of that range against the old plans pinned.
set -u
R=docs/results/2026-12-06-s35
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-tail2
warm_up
AB_TIMEOUT=150 ab_validate .device/V/phi-3-medium-4k.json 70,90,120 $R/old-phi3m-plans-65-128.json
device_session_end
sed -n '/^validation sweep/,$p' $L/ab-*.log
cat $L/clocks.txt
tar czf $OUT/ab-tail2.tgz -C $L .
