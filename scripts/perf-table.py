#!/usr/bin/env python3
"""Joins mlpjit-bench's JSON with peers_bench.py's JSON (same device session)
into the markdown table of docs/performance.md: time / floor per method and
the speedup over the best of all baselines (cuBLASLt and PyTorch peers).
Each row's floor is mlpjit-bench's, from the ceilings it measured.

  scripts/perf-table.py bench.json peers.json
"""
import json, sys

bench = json.load(open(sys.argv[1]))
peers = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {"rows": []}
peer = {(r["shape"], r["M"]): r for r in peers["rows"]}
print(f"Device: {bench['device']}; mlpjit-bench ceilings {bench['peak_tflops']:.0f} TFLOP/s, "
      f"{bench['peak_tbps']:.2f} TB/s; peers_bench ceilings "
      f"{peers.get('peak_tflops', 0):.0f} TFLOP/s, {peers.get('peak_tbps', 0):.2f} TB/s\n")
print("| shape | M | floor µs | mlpjit µs | mlpjit/floor | cuBLASLt merged/floor | best PyTorch peer/floor | speedup vs best |")
print("|---|---|---|---|---|---|---|---|")
for r in bench["rows"]:
    p = peer.get((r["shape"], r["M"]))
    fl = r["floor_us"]
    base = min(r["cublaslt_unfused_us"], r["cublaslt_merged_us"])
    peer_best = p["best_peer_us"] if p else float("nan")
    best = min(base, peer_best) if p else base
    print(f"| {r['shape']} | {r['M']} | {fl:.1f} | {r['mlpjit_us']:.1f} | {r['mlpjit_us']/fl:.2f} | "
          f"{r['cublaslt_merged_us']/fl:.2f} | {peer_best/fl:.2f} | {best/r['mlpjit_us']:.2f} |")
