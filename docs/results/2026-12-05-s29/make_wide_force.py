#!/usr/bin/env python3
"""Writes a tuning file that forces wide swapAB tiles (256 weight rows by
176 tokens, 3 stages) on both GEMMs of every config in the planner's 641-704
token range (a tuning entry serves its m's whole planner range; 4 x 176 =
704), a token tile the planner does not propose (it stops at 160), for
mlpjit-bench --validate to time against the heuristic's plans. The GEMM
shapes come from mlpjit-dump --json.  Usage: make_wide_force.py DUMP OUT CONFIG..."""
import json, subprocess, sys

dump, out, configs = sys.argv[1], sys.argv[2], sys.argv[3:]
plans, seen = [], set()
for cfg in configs:
    args = [dump, "--stage=kernels", "--json", cfg]
    if cfg.endswith("llama-3-70b.json#tp8"):
        args = [dump, "--stage=kernels", "--json", "--tp=8", cfg.split("#")[0]]
    for k in json.loads(subprocess.check_output(args)):
        key = (k["n"], k["k"], k["epilogue"], k["interleaveRows"], k["hasBias"])
        if key in seen:
            continue
        seen.add(key)
        for lo, hi, tokens in ((641, 704, 176),):
            plans.append({"arch": "sm_90a", "dtype": k["dtype"], "epilogue": k["epilogue"],
                          "interleaveRows": k["interleaveRows"], "k": k["k"], "m": hi, "n": k["n"],
                          "note": "session 29: wide swapAB forced (make_wide_force.py)",
                          "plan": {"clusterM": 1, "clusterN": 1, "mMax": hi, "mMin": lo,
                                   "splitK": 1, "stages": 3, "swapAB": True,
                                   "template": "sm90_tma_ws", "tileK": 64,
                                   "tileM": tokens, "tileN": 256}, "us": 0.0})
json.dump({"format": "mlpjit-tuning-1", "plans": plans}, open(out, "w"), indent=1)
print(f"{len(plans)} plans, {len(seen)} GEMMs")
