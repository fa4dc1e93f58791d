#!/usr/bin/env python3
"""What the SASS of each planned kernel uses: the issue's check that the
kernels run HGMMA, load with TMA, store with TMA where their plan does, and
use no local memory.

    sass_summary.py DIR [DIR ...]

Each DIR holds `mlpjit-dump CONFIG --stage=cubin -o DIR` (built where there is
no cuobjdump) and, optionally, `mlpjit-dump CONFIG --stage=kernels --json >
DIR/kernels.json` for each kernel's plan. Disassembles with cuobjdump -sass
($CUOBJDUMP, else the toolkit's) and prints one row a kernel: HGMMA, UTMALDG
(TMA load), UTMASTG (TMA store) and STL/LDL (local memory) counts with its
tile. Exits 1 when a kernel has no HGMMA or touches local memory.
"""
import json
import os
from concurrent.futures import ThreadPoolExecutor
import re
import subprocess
import sys

COUNTED = {"HGMMA": r"\bHGMMA\.", "UTMALDG": r"\bUTMALDG\b", "UTMASTG": r"\bUTMASTG\b",
           "STL/LDL": r"\b(STL|LDL)(\.|\s)"}


def cuobjdump():
    tool = os.environ.get("CUOBJDUMP")
    if tool:
        return tool
    for d in (os.environ.get("CUDA_HOME", ""), "/usr/local/cuda"):
        path = os.path.join(d, "bin", "cuobjdump")
        if d and os.path.exists(path):
            return path
    return "cuobjdump"


def plans(folder):
    path = os.path.join(folder, "kernels.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {k["name"]: k for k in json.load(f)}


def tile(plan):
    if not plan:
        return "?"
    text = f"{plan['tileM']}x{plan['tileN']}"
    if plan["swapAB"]:
        text += " swap"
    if plan["clusterM"] > 1:
        text += f" {plan['clusterM']}x1"
    if plan["splitK"] != 1:
        text += f" split{plan['splitK']}" if plan["splitK"] else " streamK"
    if "pingpong" in plan["template"]:
        text += " pp"
    return text


def count(tool, path):
    sass = subprocess.run([tool, "-sass", path], check=True, capture_output=True,
                          text=True).stdout
    return {k: len(re.findall(p, sass)) for k, p in COUNTED.items()}


def main(folders):
    tool, jobs = cuobjdump(), []
    for folder in folders:
        known = plans(folder)
        for name in sorted(f for f in os.listdir(folder) if f.endswith(".cubin")):
            kernel = name[: -len(".cubin")]
            jobs.append((kernel, tile(known.get(kernel)), os.path.join(folder, name)))
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        counted = list(pool.map(lambda job: count(tool, job[2]), jobs))
    rows = [(kernel, t, c) for (kernel, t, _), c in zip(jobs, counted)]
    bad = [k for k, _, c in rows if c["HGMMA"] == 0 or c["STL/LDL"] > 0]
    print(f"{'kernel':44s} {'tile':22s} " + " ".join(f"{k:>8s}" for k in COUNTED))
    for kernel, t, counts in rows:
        print(f"{kernel:44s} {t:22s} " + " ".join(f"{counts[k]:8d}" for k in COUNTED))
    no_store = [k for k, _, c in rows if c["UTMASTG"] == 0]
    print(f"\n{len(rows)} kernels; without HGMMA or with local memory: {len(bad)}"
          f"{' (' + ', '.join(bad) + ')' if bad else ''}; "
          f"without a TMA store (register stores): {len(no_store)}")
    return 1 if bad or not rows else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
