#!/usr/bin/env bash
# Session 44: the 193-208 ping-pong swapAB rule as built against the plans
# before it (make_rule_old.sh), mlpjit-bench --validate, 3 interleaved
# rounds. Predicted (new / old): llama-3-70b 0.93-0.96, the tp8 shard
# 0.97-0.99 (the pinned run: 0.94 and 0.98 at 200).
set -u
R=docs/results/2026-12-07-s44
source "$(dirname "$0")/../../../scripts/device-session.sh" ab-rule
V=$R/rule-old-$(gpu_kind)
export AB_TIMEOUT=${AB_TIMEOUT:-60} AB_DEADLINE=${AB_DEADLINE:-90}
ab_validate_as llama-3-70b llama-3-70b 200,208 $V/llama-3-70b.json
ab_validate_as tp8 llama-3-70b-tp8-shard 200,208 $V/llama-3-70b-tp8-shard.json
device_session_end
ab_report ab-rule
