#!/usr/bin/env python3
"""Which cuBLAS kernels the PyTorch peers run for the MLP's GEMMs, and how
long each takes at the steady clock: the merged gate-up GEMM (N = 2 x
intermediate, the output torch.compile and cuBLASLt-merged activate in a
second kernel) and the down GEMM, per shape and token count.

Kernel names come from torch.profiler (cuBLAS's sm90 names spell the tile,
cluster and split/stream-K scheme); times are CUDA-event medians of 50 single
launches after 400 ms of the same GEMM back to back (the H200's power cap
sets the clock within a fraction of a second), over weight copies that
together exceed L2. Usage: cublas_kernels.py [--tokens 16,256] [--shapes a,b] [--json F]
(session 14: --shapes and three validation shapes added to session 11's script)
"""
import argparse
import json
import statistics
import time

import torch

SHAPES = [  # name, hidden, intermediate (per rank)
    ("llama-3-8b", 4096, 14336),
    ("llama-3-70b/tp8", 8192, 28672 // 8),
    ("qwen2.5-7b", 3584, 18944),
    ("gemma-7b", 3072, 24576),
    ("llama-3.1-405b", 16384, 53248),
    ("qwen2.5-32b", 5120, 27648),
    ("llama-2-7b", 4096, 11008),
]


def kernel_names(fn):
    with torch.profiler.profile(
            activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    names = set()
    for e in prof.events():
        if getattr(e, "device_type", None) == torch.autograd.DeviceType.CUDA:
            names.add(e.name)
        for k in getattr(e, "kernels", []) or []:
            names.add(getattr(k, "name", str(k)))
    return sorted(names)


def settled_median_us(fn, settle_ms=400, reps=50):
    end = time.time() + settle_ms / 1e3
    while time.time() < end:
        for _ in range(20):
            fn()
        torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(
            enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", default="16,256")
    ap.add_argument("--json", default="")
    ap.add_argument("--shapes", default="",
                    help="comma-separated names of SHAPES (default: all)")
    args = ap.parse_args()
    torch.manual_seed(0)
    rows = []
    l2 = 50 << 20
    wanted = set(args.shapes.split(",")) if args.shapes else None
    for name, h, i in SHAPES:
        if wanted and name not in wanted:
            continue
        for role, n, k in (("gate_up", 2 * i, h), ("down", h, i)):
            copies = max(2, -(-2 * l2 // (n * k * 2)))
            ws = [torch.randn(n, k, device="cuda", dtype=torch.bfloat16)
                  for _ in range(copies)]
            for m in (int(t) for t in args.tokens.split(",")):
                x = torch.randn(m, k, device="cuda", dtype=torch.bfloat16)
                state = {"i": 0}

                def fn():
                    state["i"] = (state["i"] + 1) % copies
                    return x @ ws[state["i"]].t()

                ref = x.double() @ ws[0].double().t()
                state["i"] = copies - 1
                out = fn()
                err = ((out.double() - ref).norm() / ref.norm()).item()
                try:
                    names = kernel_names(fn)
                except Exception as e:  # the timing still counts
                    names = [f"(profiler failed: {e})"]
                us = settled_median_us(fn)
                tflops = 2.0 * m * n * k / us / 1e6
                rows.append(dict(shape=name, role=role, m=m, n=n, k=k, us=us,
                                 tflops=tflops, rel_err=err, kernels=names))
                print(f"{name:16s} {role:7s} M={m:5d} N={n:6d} K={k:6d} "
                      f"{us:8.1f} us {tflops:6.1f} TFLOP/s err {err:.1e}  "
                      + " | ".join(names), flush=True)
            del ws
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
