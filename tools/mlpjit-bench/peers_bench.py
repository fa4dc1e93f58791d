"""Peer baselines for a gated MLP forward, y = down(act(gate(x)) * up(x)), timed on the GPU.

Measures, in one process: the device's bf16 matrix-product rate and copy bandwidth (the ceilings),
then for each model shape and token count M:
  eager3   - three cuBLAS GEMMs + PyTorch activation and multiply (the textbook form)
  merged   - one GEMM over the concatenated [gate; up] weight, split, activation, down GEMM (vLLM-style)
  compile  - torch.compile of the merged form (Inductor fuses activation and multiply)
and the floor max(FLOPs / peak rate, minimal bytes / bandwidth).

Usage (on a machine with a GPU and PyTorch):  python3 peers_bench.py [--json out.json] [--autotune]
--autotune adds torch.compile(mode="max-autotune-no-cudagraphs") at M >= 1024 (15-20 s to compile per
point): the strongest PyTorch peer at large M (Triton GEMM templates with the activation fused).
Times are medians of CUDA-graph replays (triton.testing.do_bench_cudagraph).
"""
import argparse, json, time
import torch, torch.nn.functional as F
import triton.testing as tt

SHAPES = {  # name: (hidden, intermediate, activation); mlpjit-bench runs the same
    "llama-3-8b": (4096, 14336, "silu"),
    "llama-3-70b/tp8": (8192, 28672 // 8, "silu"),
    "qwen2.5-7b": (3584, 18944, "silu"),
    "gemma-7b": (3072, 24576, "gelu_tanh"),
}
TOKENS = [1, 16, 64, 256, 1024, 4096, 8192]

def act(x, kind):
    return F.silu(x) if kind == "silu" else F.gelu(x, approximate="tanh")

def eager3(x, wg, wu, wd, kind):
    return F.linear(act(F.linear(x, wg), kind) * F.linear(x, wu), wd)

def merged(x, wgu, wd, kind):
    g, u = F.linear(x, wgu).chunk(2, dim=-1)
    return F.linear(act(g, kind) * u, wd)

def ceilings(dev, dt):
    a = torch.randn(8192, 8192, device=dev, dtype=dt); b = torch.randn(8192, 8192, device=dev, dtype=dt)
    ms = tt.do_bench(lambda: a @ b, warmup=100, rep=500, return_mode="median")
    tflops = 2 * 8192**3 / ms / 1e9
    src = torch.empty(2 * 1024**3, dtype=torch.uint8, device=dev); dst = torch.empty_like(src)
    ms = tt.do_bench(lambda: dst.copy_(src), warmup=20, rep=200, return_mode="median")
    return tflops, 2 * src.numel() / ms / 1e9

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json"); ap.add_argument("--autotune", action="store_true")
    ap.add_argument("--shapes", default=",".join(SHAPES)); ap.add_argument("--tokens", default=",".join(map(str, TOKENS)))
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    dev, dt = "cuda", torch.bfloat16
    tflops, tbps = ceilings(dev, dt)
    out = {"device": torch.cuda.get_device_name(), "peak_tflops": tflops, "peak_tbps": tbps, "rows": []}
    print(f"{out['device']}: {tflops:.0f} TFLOP/s bf16 (8192^3), {tbps:.2f} TB/s copy", flush=True)
    compiled = torch.compile(merged)
    bench = lambda fn: (fn(), torch.cuda.synchronize(), tt.do_bench_cudagraph(fn, rep=200, return_mode="median"))[2]
    for name in args.shapes.split(","):
        h, i, kind = SHAPES[name]
        wg = torch.randn(i, h, device=dev, dtype=dt) / h**0.5
        wu = torch.randn(i, h, device=dev, dtype=dt) / h**0.5
        wd = torch.randn(h, i, device=dev, dtype=dt) / i**0.5
        wgu = torch.cat([wg, wu], 0).contiguous()
        for M in map(int, args.tokens.split(",")):
            x = torch.randn(M, h, device=dev, dtype=dt)
            flops = 6 * M * h * i
            nbytes = 2 * (3 * h * i + 2 * M * h)
            r = {"shape": name, "hidden": h, "intermediate": i, "M": M,
                 "floor_us": 1e6 * max(flops / (tflops * 1e12), nbytes / (tbps * 1e12)),
                 "eager3_us": 1e3 * bench(lambda: eager3(x, wg, wu, wd, kind)),
                 "merged_us": 1e3 * bench(lambda: merged(x, wgu, wd, kind)),
                 "compile_us": 1e3 * bench(lambda: compiled(x, wgu, wd, kind))}
            if args.autotune and M >= 1024:
                ca = torch.compile(merged, mode="max-autotune-no-cudagraphs", dynamic=False)
                t0 = time.time(); ca(x, wgu, wd, kind); r["autotune_compile_s"] = time.time() - t0
                r["autotune_us"] = 1e3 * bench(lambda: ca(x, wgu, wd, kind))
            best = min(v for k, v in r.items() if k.endswith("_us") and k != "floor_us")
            r["best_peer_us"] = best
            out["rows"].append(r)
            print(f"{name:16s} M={M:5d} floor={r['floor_us']:8.1f}us " +
                  " ".join(f"{k[:-3]}={v:8.1f}" for k, v in r.items() if k.endswith("_us") and k not in ("floor_us", "best_peer_us")) +
                  f"  best/floor={best / r['floor_us']:.2f}", flush=True)
        del wg, wu, wd, wgu
    if args.json:
        json.dump(out, open(args.json, "w"), indent=1)

if __name__ == "__main__":
    main()
