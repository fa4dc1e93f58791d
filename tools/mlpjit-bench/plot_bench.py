#!/usr/bin/env python3
"""Plots mlpjit-bench JSON: time / floor against M, one line per method, one panel per shape.

Usage: plot_bench.py bench.json out.png [peers.json]
peers.json (from tools/mlpjit-bench/peers_bench.py --json) adds the PyTorch peers' best.
"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

bench = json.load(open(sys.argv[1]))
peers = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None
shapes = list(dict.fromkeys(r["shape"] for r in bench["rows"]))
fig, axes = plt.subplots(1, len(shapes), figsize=(4.5 * len(shapes), 4), squeeze=False)
for ax, shape in zip(axes[0], shapes):
    rows = [r for r in bench["rows"] if r["shape"] == shape]
    ms = [r["M"] for r in rows]
    for key, label in [("mlpjit_us", "mlpjit"), ("cublaslt_unfused_us", "cuBLASLt unfused"),
                       ("cublaslt_merged_us", "cuBLASLt merged gate-up")]:
        ax.plot(ms, [r[key] / r["floor_us"] for r in rows], marker="o", label=label)
    if peers:
        pr = [r for r in peers["rows"] if r["shape"] == shape]
        if pr:
            ax.plot([r["M"] for r in pr], [r["best_peer_us"] / r["floor_us"] for r in pr],
                    marker="s", linestyle="--", label="best PyTorch peer")
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_xscale("log", base=2)
    ax.set_title(shape)
    ax.set_xlabel("tokens M")
    ax.set_ylabel("time / floor")
    ax.grid(True, alpha=0.3)
axes[0][0].legend(fontsize=8)
fig.suptitle(f"{bench['device']}: {bench['peak_tflops']:.0f} TFLOP/s, {bench['peak_tbps']:.2f} TB/s")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
