#!/usr/bin/env python3
"""The default-sweep table of docs/performance.md from one device call:
mlpjit-bench's JSON (mlpjit, cuBLASLt unfused/merged, floors) and
peers_bench.py's log (eager, merged, compile, max-autotune), which survives a
timeout where its JSON would not.

  table.py bench-heuristic.json peers.log
"""
import json, math, re, sys

bench = json.load(open(sys.argv[1]))
names = {"eager3": "eager", "merged": "torch merged", "compile": "compile", "autotune": "max-autotune"}
peers = {}
for line in open(sys.argv[2]):
    m = re.match(r"^(\S+)\s+M=\s*(\d+)\s+floor=\s*[\d.]+us(.*)", line)
    if m:
        peers[(m.group(1), int(m.group(2)))] = {
            k: float(v) for k, v in re.findall(r"(eager3|merged|compile|autotune)=\s*([\d.]+)", m.group(3))}
print("| shape | M | floor µs | mlpjit µs | ×floor | best peer µs (which) | speedup |")
print("|---|---|---|---|---|---|---|")
speedups, ahead, errs, missing = [], 0, [], 0
for r in bench["rows"]:
    cands = {"cuBLASLt unfused": r["cublaslt_unfused_us"], "cuBLASLt merged": r["cublaslt_merged_us"]}
    for k, v in peers.get((r["shape"], r["M"]), {}).items():
        cands[names[k]] = v
    which = min(cands, key=cands.get)
    best, us = cands[which], r["mlpjit_us"]
    mark = "" if (r["shape"], r["M"]) in peers else " †"
    missing += bool(mark)
    s = best / us
    speedups.append(s); ahead += s > 1; errs.append(r["rel_err"])
    print(f"| {r['shape']} | {r['M']} | {r['floor_us']:.1f} | {us:.1f} | {us / r['floor_us']:.2f} | "
          f"{best:.1f} ({which}){mark} | {s:.2f} |")
g = math.exp(sum(map(math.log, speedups)) / len(speedups))
note = " († no PyTorch peer row: the peers ran out of time)" if missing else ""
print(f"\nfaster than the best peer at {ahead} of {len(speedups)}; geomean speedup {g:.3f}; "
      f"max rel err {max(errs):.2e}{note}")
