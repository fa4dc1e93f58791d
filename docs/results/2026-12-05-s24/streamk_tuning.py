#!/usr/bin/env python3
"""Writes a tuning file that runs the heuristic's plans at M <= 16 as
stream-K (splitK 0): the M <= 16 kernels of each config, as
`mlpjit-dump --stage=kernels --json` prints them, with splitK 0, at m = 1, 8
and 16 (the planner ranges 1, 2-8 and 9-16). Stream-K was never timed at
M <= 16, where the GEMMs stream weights and the heuristic's tiles leave a
partial last wave (phi-3-medium's gate-up: 280 tiles on 132 SMs).

  streamk_tuning.py OUT.json ROLES CONFIG.json...   (ROLES: gate_up,down)
Needs build/bin/mlpjit-dump (run from the repository root, no GPU)."""
import json
import os
import subprocess
import sys


def main():
    out, roles, configs = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
    env = dict(os.environ, MLPJIT_TUNING_FILE="")
    plans = []
    for config in configs:
        dump = subprocess.run(
            ["build/bin/mlpjit-dump", "--stage=kernels", "--json", config],
            check=True, capture_output=True, text=True, env=env).stdout
        for k in json.loads(dump):
            if k["mMin"] != 1 or k["role"] not in roles:
                continue
            for m in (1, 8, 16):
                if m > k["mMax"]:
                    continue
                plan = {f: k[f] for f in ("clusterM", "clusterN", "stages",
                                          "swapAB", "template", "tileK",
                                          "tileM", "tileN")}
                plan.update(splitK=0, mMin=1, mMax=k["mMax"])
                plans.append({f: k[f] for f in ("arch", "dtype", "epilogue",
                                                "interleaveRows", "k", "n")}
                             | {"m": m, "plan": plan})
    with open(out, "w") as f:
        json.dump({"format": "mlpjit-tuning-1", "plans": plans}, f, indent=1)
    print(f"{out}: {len(plans)} plans")


if __name__ == "__main__":
    main()
