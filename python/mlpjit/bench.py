"""python -m mlpjit.bench: mlpjit through torch.ops.mlpjit.mlp against torch
eager and torch.compile, on the same tensors, in one process.

Shapes: the built-in ones (--shapes), or the gated, bias-free block of each
Hugging Face config.json or .mlp spec given (e.g. the validation configs),
read from the program mlpjit compiles for it. --autotune adds
torch.compile(mode="max-autotune-no-cudagraphs") at M >= 1024, as
peers_bench.py does (compiling it takes minutes per shape and M).

Timing is mlpjit-bench's (tools/harness/Timing.cpp, timeInterleaved): per
point and implementation, a CUDA graph of 8 calls over 4 rotating inputs; 5
untimed replays of each; all replayed in turn for `--settle-ms` more (the
steady, power-capped clock: an H200 runs its first fraction of a second of
dense work up to ~25% faster); then `--reps` reps of one timed replay of each
implementation, in an order shuffled per rep; an implementation's time is its
median replay / 8. Interleaved, the implementations of a point share one
clock: the H200's 700 W cap moves it between about 1.3 and 1.98 GHz with the
work's power, and timed one after another mlpjit read 4-10% slower here than
in mlpjit-bench (docs/performance.md, session 27). Each implementation is
checked against the float64 reference first; with --rounds N the timing runs
N times and each keeps the median of its rounds (per-round times in --json).

    python -m mlpjit.bench [CONFIG.json|SPEC.mlp ...] [--shapes llama-3-8b,...]
                           [--tokens 1,16,...] [--autotune]
                           [--json out.json] [--compare mlpjit-bench.json]
                           [--tuning-file tuning.json] [--rounds N]
                           [--peers eager,merged,compile|none]

--compare reads mlpjit-bench --json output and adds each point's ratio of
this tool's mlpjit time to mlpjit-bench's. --tuning-file also times mlpjit
under that file's plans (mlpjit-bench --tune) as "tuned", beside the
heuristic's plans, which this tool always times (and scores against the peers)
with MLPJIT_TUNING_FILE empty.
"""
import argparse
import json
import os
import random
import sys
from statistics import median

import torch
import torch._dynamo
import torch.nn.functional as F

from ._runtime import compile as _compile
from ._spec import block_text
from .nn import GATED_ACTIVATIONS
from .ops import TORCH_DTYPES, Layer

# The shapes and token counts of mlpjit-bench and tools/mlpjit-bench/peers_bench.py.
SHAPES = {
    "llama-3-8b": (4096, 14336, "swiglu"),
    "llama-3-70b/tp8": (8192, 28672 // 8, "swiglu"),
    "qwen2.5-7b": (3584, 18944, "swiglu"),
    "gemma-7b": (3072, 24576, "geglu_tanh"),
}
TOKENS = [1, 16, 64, 256, 1024, 4096, 8192]
ROTATIONS = 4
PEERS = ("eager", "merged", "compile")  # --autotune adds max-autotune at M >= 1024


AUTOTUNE_FROM = 1024  # tokens: where peers_bench.py --autotune adds max-autotune


def act(x, kind):
    return GATED_ACTIVATIONS[kind](x)


def eager(x, wg, wu, wd, kind):  # three cuBLAS GEMMs, activation, multiply
    return F.linear(act(F.linear(x, wg), kind) * F.linear(x, wu), wd)


def merged(x, wgu, wd, kind):  # one gate/up GEMM, split (vLLM-style)
    g, u = F.linear(x, wgu).chunk(2, dim=-1)
    return F.linear(act(g, kind) * u, wd)


def reference(x, wg, wu, wd, kind):
    d = torch.float64
    return eager(x.to(d), wg.to(d), wu.to(d), wd.to(d), kind)


def rel_err(y, ref):
    e = torch.linalg.vector_norm(y.double() - ref) / torch.linalg.vector_norm(ref)
    return float(e) if torch.isfinite(e) else float("inf")


class GraphTimer:
    """fn over the rotating inputs xs, captured once as a CUDA graph of
    2 * len(xs) calls (time_interleaved times it)."""

    def __init__(self, fn, xs):
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):  # first calls (allocations) outside capture
            for x in xs:
                fn(x)
        torch.cuda.current_stream().wait_stream(side)
        self.per_graph = 2 * len(xs)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.outs = [fn(xs[i % len(xs)]) for i in range(self.per_graph)]


def time_interleaved(timers, warmup, reps, settle_ms=0.0, seed=2026):
    """Median microseconds per call of each GraphTimer of the dict `timers`,
    as tools/harness/Timing.cpp's timeInterleaved: `warmup` replays of each,
    then all replayed in turn until `settle_ms` of GPU time has passed, then
    `reps` reps of one timed replay of each, in an order shuffled per rep
    (fixed seed) so that none always follows the same one."""
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)

    def replay_ms(timer, count):
        start.record()
        for _ in range(count):
            timer.graph.replay()
        stop.record()
        stop.synchronize()
        return start.elapsed_time(stop)

    for timer in timers.values():
        for _ in range(warmup):
            timer.graph.replay()
    # Batches of about 50 ms / len(timers) each: few host round trips, and no
    # implementation's share long enough for the clock to move under it
    # alone. Bounded in replays too, so a graph that reads 0 ms cannot loop.
    batch = dict.fromkeys(timers, 1)
    settled, replays = 0.0, 0
    while settled < settle_ms and replays < 100000:
        for name, timer in timers.items():
            ms = replay_ms(timer, batch[name])
            settled += ms
            replays += batch[name]
            batch[name] = int(min(1000.0, max(1.0, batch[name] * 50.0 / len(timers)
                                              / max(ms, 1e-3))))
    us = {name: [] for name in timers}
    order = list(timers)
    shuffler = random.Random(seed)
    for _ in range(reps):
        shuffler.shuffle(order)
        for name in order:
            us[name].append(1e3 * replay_ms(timers[name], 1) / timers[name].per_graph)
    return {name: median(v) for name, v in us.items()}


def builtin_spec(name, tokens):
    h, i, kind = SHAPES[name]
    return block_text(name.replace("-", "_").replace(".", "_").replace("/", "_"),
                      h, i, kind, "bf16", tokens=(1, max(tokens)))


def peer_block(prog, source):
    """The one block of `prog` the peers can run: gated, without bias."""
    try:
        b = prog.block()
    except ValueError as e:  # not one block
        raise SystemExit(f"mlpjit.bench: {source}: {e}")
    if not b.gated or b.has_bias or b.activation not in GATED_ACTIVATIONS:
        raise SystemExit(f"mlpjit.bench: {source}: block '{b.name}' is {b.activation}"
                         f"{' with bias' if b.has_bias else ''}; the peers run gated "
                         f"MLPs without bias ({', '.join(GATED_ACTIVATIONS)})")
    return b


def compile_with(spec, dev, tokens, tuning_file):
    """_compile under MLPJIT_TUNING_FILE=tuning_file ("": the heuristic's plans),
    which the compiler reads at each compile."""
    saved = os.environ.get("MLPJIT_TUNING_FILE")
    os.environ["MLPJIT_TUNING_FILE"] = tuning_file
    try:
        return _compile(spec, device=dev.index, tokens=(1, max(tokens)))
    finally:
        if saved is None:
            del os.environ["MLPJIT_TUNING_FILE"]
        else:
            os.environ["MLPJIT_TUNING_FILE"] = saved


def bench_shape(name, spec, tokens, args, rows, compare):
    dev = torch.device("cuda", torch.cuda.current_device())
    print(f"[{name}] compiling...", file=sys.stderr, flush=True)
    prog = compile_with(spec, dev, tokens, "")
    b = peer_block(prog, name)
    h, i, kind = b.hidden, b.intermediate, b.activation
    dt = TORCH_DTYPES[b.dtype]
    gen = torch.Generator(device=dev).manual_seed(0)
    rand = lambda *s: torch.rand(*s, device=dev, generator=gen) * 2 - 1  # noqa: E731
    wg = (rand(i, h) / h ** 0.5).to(dt)
    wu = (rand(i, h) / h ** 0.5).to(dt)
    wd = (rand(h, i) / i ** 0.5).to(dt)
    wgu = torch.cat([wg, wu]).contiguous()
    layer = Layer(prog, 0, gate=wg, up=wu, down=wd)
    compiled = torch.compile(merged)
    impls = {"mlpjit": lambda x: layer(x)}
    if args.tuning_file:
        tuned_layer = Layer(compile_with(spec, dev, tokens, args.tuning_file), 0,
                            gate=wg, up=wu, down=wd)
        impls["tuned"] = lambda x: tuned_layer(x)
    peers = {
        "eager": lambda x: eager(x, wg, wu, wd, kind),
        "merged": lambda x: merged(x, wgu, wd, kind),
        "compile": lambda x: compiled(x, wgu, wd, kind),
    }
    impls.update({k: fn for k, fn in peers.items() if k in args.peers})
    for m in tokens:
        xs = [rand(m, h).to(dt) for _ in range(ROTATIONS)]
        ref = reference(xs[0], wg, wu, wd, kind)
        row = {"shape": name, "hidden": h, "intermediate": i, "activation": kind, "M": m}
        point = dict(impls)
        if args.autotune and m >= AUTOTUNE_FROM:
            tuned = torch.compile(merged, mode="max-autotune-no-cudagraphs", dynamic=False)
            point["autotune"] = lambda x: tuned(x, wgu, wd, kind)
        timers = {}
        for impl, fn in point.items():
            err = rel_err(fn(xs[0]), ref)
            if not err <= 1e-2:
                raise SystemExit(f"mlpjit.bench: {name} M={m}: {impl} differs from the "
                                 f"float64 reference: relative error {err:.3e}")
            row[f"{impl}_rel_err"] = err
            timers[impl] = GraphTimer(fn, xs)
        # Interleaved, --rounds times: each implementation keeps the median
        # of its rounds.
        rounds = {impl: [] for impl in point}
        for r in range(args.rounds):
            times = time_interleaved(timers, args.warmup, args.reps, args.settle_ms,
                                     seed=2026 + r)
            for impl, us in times.items():
                rounds[impl].append(us)
        for impl, us in rounds.items():
            row[f"{impl}_us"] = median(us)
            if args.rounds > 1:
                row[f"{impl}_rounds_us"] = us
        del timers
        ref_us = compare.get((name, m))
        if ref_us:
            row["mlpjit_bench_us"] = ref_us
            row["vs_mlpjit_bench"] = row["mlpjit_us"] / ref_us
        timed_peers = [k for k in point if k not in ("mlpjit", "tuned")]
        if timed_peers:
            row["best_peer_us"] = min(row[f"{k}_us"] for k in timed_peers)
            row["speedup"] = row["best_peer_us"] / row["mlpjit_us"]
        rows.append(row)
        extra = (f"  speedup {row['speedup']:.2f}" if timed_peers else "")
        if "vs_mlpjit_bench" in row:
            extra += f"  vs mlpjit-bench {row['vs_mlpjit_bench']:.3f}"
        if "tuned_us" in row:
            extra += f"  tuned {row['tuned_us']:8.1f} us"
            if timed_peers:
                row["speedup_tuned"] = row["best_peer_us"] / row["tuned_us"]
                extra += f"  speedup {row['speedup_tuned']:.2f}"
        print(f"{name:16s} M={m:5d}  mlpjit {row['mlpjit_us']:8.1f} us  " +
              "  ".join(f"{k} {row[k + '_us']:8.1f}" for k in timed_peers) + extra,
              flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m mlpjit.bench", description=__doc__.split("\n")[0])
    ap.add_argument("configs", nargs="*", metavar="CONFIG",
                    help="Hugging Face config.json or .mlp spec of one gated MLP block")
    ap.add_argument("--shapes", default=None,
                    help="comma-separated, of: " + ", ".join(SHAPES) +
                         " (default: all, unless configs are given)")
    ap.add_argument("--peers", default=",".join(PEERS),
                    help="comma-separated, of: " + ", ".join(PEERS) + ", or none "
                         "(speedups need one)")
    ap.add_argument("--autotune", action="store_true",
                    help=f"add torch.compile max-autotune at M >= {AUTOTUNE_FROM}")
    ap.add_argument("--tokens", default=",".join(map(str, TOKENS)))
    ap.add_argument("--reps", type=int, default=50,
                    help="timed graph replays of each implementation per point")
    ap.add_argument("--settle-ms", type=float, default=400.0,
                    help="replay the implementations in turn this long before timing "
                         "them, so all are timed at the steady clock (0: off)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed replays per point")
    ap.add_argument("--rounds", type=int, default=1,
                    help="time the implementations (interleaved) this many times per "
                         "point and keep each one's median (as mlpjit-bench "
                         "--validate-rounds)")
    ap.add_argument("--json", help="write the rows as JSON")
    ap.add_argument("--compare", help="mlpjit-bench --json output to compare mlpjit times with")
    ap.add_argument("--tuning-file", help="also time mlpjit under this file's plans "
                                          "(mlpjit-bench --tune), as 'tuned'")
    args = ap.parse_args(argv)
    shapes = (args.shapes.split(",") if args.shapes is not None
              else [] if args.configs else list(SHAPES))
    for s in shapes:
        if s not in SHAPES:
            ap.error(f"unknown shape {s!r}; one of {', '.join(SHAPES)}")
    for c in args.configs:
        if not os.path.isfile(c):
            ap.error(f"no such config or spec file: {c}")
    if args.tuning_file is not None:
        # The compiler falls back to the heuristic's plans, with a warning, on
        # a tuning file it cannot read from the environment: refuse one here so
        # that "tuned" never silently times the heuristic.
        try:
            with open(args.tuning_file) as f:
                plans = json.load(f).get("plans")
        except (OSError, ValueError, AttributeError) as e:
            ap.error(f"--tuning-file: cannot read {args.tuning_file}: {e}")
        if not plans:
            ap.error(f"--tuning-file: {args.tuning_file} has no plans "
                     "(expected mlpjit-bench --tune output)")
        args.tuning_file = os.path.abspath(args.tuning_file)
    try:
        tokens = [int(t) for t in args.tokens.split(",")]
    except ValueError:
        ap.error(f"--tokens: expected comma-separated integers, got {args.tokens!r}")
    if not tokens or min(tokens) < 1:
        ap.error("--tokens: token counts are >= 1")
    if args.rounds < 1:
        ap.error("--rounds: at least 1")
    args.peers = [] if args.peers == "none" else args.peers.split(",")
    for p in args.peers:
        if p not in PEERS:
            ap.error(f"--peers: unknown peer {p!r}; of {', '.join(PEERS)}, or none")
    if not torch.cuda.is_available():
        raise SystemExit("mlpjit.bench: needs a CUDA GPU (torch.cuda.is_available() is False)")
    compare = {}
    if args.compare:
        with open(args.compare) as f:
            compare = {(r["shape"], r["M"]): r["mlpjit_us"] for r in json.load(f)["rows"]}
    torch.backends.cuda.matmul.allow_tf32 = False
    # One torch.compile of `merged` per shape, as peers_bench.py; every shape and
    # M may recompile it, past dynamo's default limit of 8 (it would fall back
    # to eager and time that as "compile").
    for knob in ("recompile_limit", "cache_size_limit"):
        if hasattr(torch._dynamo.config, knob):
            setattr(torch._dynamo.config, knob, 256)
    rows = []
    for s in shapes:
        bench_shape(s, builtin_spec(s, tokens), tokens, args, rows, compare)
    for c in args.configs:
        name = os.path.splitext(os.path.basename(c))[0]
        bench_shape(name, os.path.abspath(c), tokens, args, rows, compare)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": torch.cuda.get_device_name(), "torch": torch.__version__,
                       "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
