"""Session 27 experiment (not part of the package): where python -m
mlpjit.bench's 4-10% over mlpjit-bench comes from, beyond the sequential
timing (fixed: mlpjit.bench.time_interleaved). One process, one config, the
same Layer and rotating inputs, timed interleaved (--rounds times) in four
ways:
  op        torch.ops.mlpjit.mlp, as the bench times it (output and workspace
            from the caching allocator at every call);
  out       Layer.forward with a fixed output per input (workspace per call);
  raw       the C API's forward with fixed outputs and one fixed workspace
            (what mlpjit-bench does);
  raw_driver raw, with the outputs and workspace in cuMemAlloc'd memory
            outside torch's allocator instead (ctypes through libcuda).
    python3 python_gap.py CONFIG.json --tokens 100,112,128 --rounds 3
"""
import argparse
import ctypes
from statistics import median

import torch

from mlpjit.bench import GraphTimer, ROTATIONS, compile_with, peer_block, time_interleaved
from mlpjit.ops import TORCH_DTYPES, Layer


class DriverBuffer:
    """cuMemAlloc'd bytes (freed with the process)."""
    cuda = ctypes.CDLL("libcuda.so.1")

    def __init__(self, nbytes):
        p = ctypes.c_uint64()
        assert self.cuda.cuMemAlloc_v2(ctypes.byref(p), ctypes.c_size_t(max(nbytes, 256))) == 0
        self.ptr = p.value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--tokens", default="100,112,128")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    tokens = [int(t) for t in args.tokens.split(",")]
    dev = torch.device("cuda", 0)
    prog = compile_with(args.config, dev, tokens, "")
    b = peer_block(prog, args.config)
    h, i, dt = b.hidden, b.intermediate, TORCH_DTYPES[b.dtype]
    gen = torch.Generator(device=dev).manual_seed(0)
    rand = lambda *s: torch.rand(*s, device=dev, generator=gen) * 2 - 1  # noqa: E731
    wg = (rand(i, h) / h ** 0.5).to(dt)
    wu = (rand(i, h) / h ** 0.5).to(dt)
    wd = (rand(h, i) / i ** 0.5).to(dt)
    layer = Layer(prog, 0, gate=wg, up=wu, down=wd)
    torch.backends.cuda.matmul.allow_tf32 = False
    for m in tokens:
        xs = [rand(m, h).to(dt) for _ in range(ROTATIONS)]
        ys = {x.data_ptr(): torch.empty_like(x) for x in xs}
        nbytes = prog.workspace_bytes(b.index, m)
        ws = torch.empty(max(nbytes, 256), dtype=torch.uint8, device=dev)
        dys = {x.data_ptr(): DriverBuffer(m * h * 2).ptr for x in xs}
        dws = DriverBuffer(nbytes)
        stream = lambda: torch.cuda.current_stream().cuda_stream  # noqa: E731

        def raw(x):
            y = ys[x.data_ptr()]
            layer._raw.forward(x.data_ptr(), y.data_ptr(), m, ws.data_ptr(), nbytes, stream())
            return y

        def raw_driver(x):
            layer._raw.forward(x.data_ptr(), dys[x.data_ptr()], m, dws.ptr, nbytes, stream())
            return x

        impls = {"op": lambda x: layer(x),
                 "out": lambda x: layer.forward(x, out=ys[x.data_ptr()]),
                 "raw": raw, "raw_driver": raw_driver}
        ref = layer(xs[0]).double()
        for name in ("out", "raw"):
            err = (impls[name](xs[0]).double() - ref).norm() / ref.norm()
            assert err < 1e-6, (name, float(err))
        timers = {k: GraphTimer(fn, xs) for k, fn in impls.items()}
        rounds = {k: [] for k in impls}
        for r in range(args.rounds):
            for k, us in time_interleaved(timers, 5, 50, 400.0, seed=2026 + r).items():
                rounds[k].append(us)
        print(f"M={m:5d}  " + "  ".join(
            f"{k} {median(v):6.1f} us [{', '.join(f'{u:.1f}' for u in v)}]"
            for k, v in rounds.items()), flush=True)
        del timers


if __name__ == "__main__":
    main()
