"""GPU tier: torch.ops.mlpjit.mlp and nn.GatedMLP on a real GPU against a
float64 reference and the original Hugging Face modules, under
torch.compile(fullgraph=True) and inside a torch.cuda.CUDAGraph.

Needs torch with CUDA and libmlpjit.so (MLPJIT_LIBRARY); transformers for the
module tests; mlpjit-compile / mlpjit-bench for the artifact and benchmark
tests. Random inputs are fresh per call, so a stale output cannot pass; where
the test owns the output it is filled with NaN first. bf16/fp16 pass at
||out - ref|| / ||ref|| <= 1e-2, and NaN never passes."""
import gc
import json
import os
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")
if not torch.cuda.is_available():
    pytest.skip("no CUDA GPU visible to torch", allow_module_level=True)

from conftest import PYTHON_DIR  # noqa: E402
import mlpjit  # noqa: E402
import torch.nn.functional as F  # noqa: E402

TOKENS = (1, 7, 100, 1000)
H, I = 512, 1024  # small, but several tiles in each dimension
DEV = torch.device("cuda", 0)

ACT = {
    "swiglu": F.silu, "geglu_tanh": lambda t: F.gelu(t, approximate="tanh"),
    "geglu_erf": F.gelu, "reglu": F.relu,
}


@pytest.fixture(scope="module", autouse=True)
def lib():
    from mlpjit import _capi
    try:
        _capi.lib()
    except mlpjit.LibraryNotFoundError as e:
        pytest.skip(f"libmlpjit.so not available (set MLPJIT_LIBRARY): {e}")
    torch.cuda.set_device(DEV)


def rel_err(y, ref):
    assert y.shape == ref.shape
    e = torch.linalg.vector_norm(y.double() - ref) / torch.linalg.vector_norm(ref)
    return float(e) if torch.isfinite(e) else float("inf")  # NaN never passes


def reference(x, gate, up, down, act, gate_bias=None, up_bias=None, down_bias=None):
    d = lambda t: None if t is None else t.double()  # noqa: E731
    x = x.double()
    g = F.linear(x, d(gate), d(gate_bias))
    u = F.linear(x, d(up), d(up_bias))
    return F.linear(ACT[act](g) * u, d(down), d(down_bias))


def weights(h, i, dtype, bias=False, seed=0):
    g = torch.Generator(device=DEV).manual_seed(seed)
    r = lambda *s, fan: ((torch.rand(*s, device=DEV, generator=g) * 2 - 1) / fan ** 0.5).to(dtype)  # noqa: E731,E501
    w = {"gate": r(i, h, fan=h), "up": r(i, h, fan=h), "down": r(h, i, fan=i)}
    if bias:
        w.update(gate_bias=r(i, fan=h), up_bias=r(i, fan=h), down_bias=r(h, fan=i))
    return w


def rand_x(shape, dtype):
    return (torch.rand(*shape, device=DEV) * 2 - 1).to(dtype)


SPECS = {
    # name: (spec text, activation, dtype, bias)
    "swiglu_bf16": (f"mlp a {{ hidden = {H}; intermediate = {I}; tokens = 1..1024 }}",
                    "swiglu", torch.bfloat16, False),
    "geglu_fp16_bias": (f"mlp b {{\n hidden = {H}\n intermediate = {I}\n activation = geglu_tanh\n"
                        f" dtype = fp16\n bias = true\n tokens = 1..1024\n}}\n",
                        "geglu_tanh", torch.float16, True),
}


@pytest.fixture(scope="module")
def programs():
    return {k: mlpjit.compile(v[0], device=0) for k, v in SPECS.items()}


@pytest.mark.parametrize("m", TOKENS)
@pytest.mark.parametrize("kind", list(SPECS))
def test_op_matches_float64(programs, kind, m):
    _, act, dtype, bias = SPECS[kind]
    w = weights(H, I, dtype, bias)
    layer = programs[kind].layer(**w)
    x = rand_x((m, H), dtype)
    y = torch.ops.mlpjit.mlp(x, layer.id)
    assert y.shape == x.shape and y.dtype == dtype
    assert rel_err(y, reference(x, act=act, **w)) <= 1e-2


def test_program_info(programs):
    p = programs["geglu_fp16_bias"]
    b = p.block()
    assert (b.name, b.hidden, b.intermediate, b.tokens_min, b.tokens_max) == ("b", H, I, 1, 1024)
    assert (b.gated, b.has_bias, b.dtype, b.activation) == (True, True, "fp16", "geglu_tanh")
    assert p.block("b") is b and p.block(0) is b
    assert p.arch.startswith("sm_") and p.device == 0
    assert p.workspace_bytes(0, 1000) >= 1000 * I * 2  # holds the intermediate
    with pytest.raises(KeyError, match="no block 'zz'"):
        p.block("zz")


def test_leading_dims_and_poisoned_out(programs):
    w = weights(H, I, torch.bfloat16)
    layer = programs["swiglu_bf16"].layer(**w)
    x = rand_x((3, 33, H), torch.bfloat16)  # HF passes [batch, seq, hidden]
    out = torch.full_like(x, float("nan"))
    y = layer.forward(x, out=out)
    assert y is out
    assert rel_err(y, reference(x, act="swiglu", **w)) <= 1e-2
    assert rel_err(layer(x), reference(x, act="swiglu", **w)) <= 1e-2


def test_packed_gate_up_and_a_side_stream(programs):
    w = weights(H, I, torch.bfloat16, seed=3)
    gate_up = torch.cat([w["gate"], w["up"]]).contiguous()
    layer = programs["swiglu_bf16"].layer(gate_up=gate_up, down=w["down"])
    del gate_up  # copied at creation: may go (the header's weight lifetimes)
    x = rand_x((100, H), torch.bfloat16)
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):  # the op runs on the current stream, here s
        y = layer(x)
    s.synchronize()
    assert rel_err(y, reference(x, act="swiglu", **w)) <= 1e-2


def test_shared_layer_runs_on_the_owners_weights(programs):
    """mlpjit_layer_create_shared: a layer of another program of the same
    block runs on the owner's packed weights; another block is refused."""
    w = weights(H, I, torch.bfloat16, seed=5)
    owner = programs["swiglu_bf16"].layer(**w)
    other = mlpjit.compile(SPECS["swiglu_bf16"][0].replace("1..1024", "1..256"), device=0)
    shared = other.create_shared_layer(owner._raw)
    m = 100
    x = rand_x((m, H), torch.bfloat16)
    y = torch.full((m, H), float("nan"), dtype=torch.bfloat16, device=DEV)
    nbytes = other.workspace_bytes(0, m)
    workspace = torch.empty(nbytes, dtype=torch.uint8, device=DEV)
    shared.forward(x.data_ptr(), y.data_ptr(), m, workspace.data_ptr(), nbytes,
                   torch.cuda.current_stream().cuda_stream)
    torch.cuda.synchronize()
    assert rel_err(y, reference(x, act="swiglu", **w)) <= 1e-2
    with pytest.raises(mlpjit.MlpjitError, match="another block"):
        programs["geglu_fp16_bias"].create_shared_layer(shared.owner)
    with pytest.raises(TypeError):
        other.create_shared_layer(None)


def test_argument_errors(programs):
    p = programs["swiglu_bf16"]
    w = weights(H, I, torch.bfloat16)
    layer = p.layer(**w)
    x = rand_x((8, H), torch.bfloat16)
    with pytest.raises(TypeError, match="x is torch.float16"):
        layer(x.half())
    with pytest.raises(ValueError, match="x is on cpu"):
        layer(x.cpu())
    with pytest.raises(ValueError, match=r"expected \[\.\.\., 512\]"):
        layer(x[:, :256].contiguous())
    with pytest.raises(ValueError, match="not contiguous"):
        layer(rand_x((8, 2 * H), torch.bfloat16)[:, ::2])
    flat = rand_x((8 * H + 1,), torch.bfloat16)
    with pytest.raises(ValueError, match="not 16-byte aligned"):
        layer(flat[1:].view(8, H))
    with pytest.raises(ValueError, match="1025 tokens; block 'a' was compiled for 1..1024"):
        layer(rand_x((1025, H), torch.bfloat16))
    assert layer(x[:0]).shape == (0, H)  # no tokens, no launch
    with pytest.raises(ValueError, match=r"down has shape \[512, 512\], expected \[512, 1024\]"):
        p.layer(gate=w["gate"], up=w["up"], down=w["gate"][:H].contiguous())
    with pytest.raises(ValueError, match="needs up"):
        p.layer(gate=w["gate"], down=w["down"])
    with pytest.raises(ValueError, match="takes no down_bias .the block has no biases"):
        p.layer(down_bias=w["down"][:, 0].contiguous(), **w)
    with pytest.raises(ValueError, match="gate_up .packed. or gate and up, not both"):
        p.layer(gate_up=torch.cat([w["gate"], w["up"]]), **w)
    with pytest.raises(TypeError, match="gate is torch.float16"):
        p.layer(gate=w["gate"].half(), up=w["up"], down=w["down"])
    lid = layer.id
    del layer
    gc.collect()
    with pytest.raises(ValueError, match=f"no live layer with id {lid}"):
        torch.ops.mlpjit.mlp(x, lid)


def test_torch_compile_fullgraph(programs):
    w = weights(H, I, torch.bfloat16, seed=5)
    layer = programs["swiglu_bf16"].layer(**w)

    def block(x):  # the op between ordinary ops, as in a decoder layer
        return layer(x * 0.5) + x

    compiled = torch.compile(block, fullgraph=True)
    for m in TOKENS:  # recompiles or goes dynamic on M: either must hold
        x = rand_x((m, H), torch.bfloat16)
        ref = reference(x * 0.5, act="swiglu", **w) + x.double()
        assert rel_err(compiled(x), ref) <= 1e-2, m


def test_cuda_graph_capture(programs):
    w = weights(H, I, torch.bfloat16, seed=7)
    layer = programs["swiglu_bf16"].layer(**w)
    static_x = rand_x((100, H), torch.bfloat16)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        layer(static_x)  # warm the caching allocator outside capture
    torch.cuda.current_stream().wait_stream(side)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        static_y = layer(static_x)
    for _ in range(2):
        x = rand_x((100, H), torch.bfloat16)
        static_x.copy_(x)
        static_y.fill_(float("nan"))
        g.replay()
        torch.cuda.synchronize()
        assert rel_err(static_y, reference(x, act="swiglu", **w)) <= 1e-2


def test_tensor_parallel_shards_sum_to_the_whole():
    tp = 2
    prog = mlpjit.compile(f"mlp t {{ hidden = {H}; intermediate = {2 * I}; tokens = 1..128 }}",
                          device=0, tp=tp)
    b = prog.block()
    assert (b.tensor_parallel, b.intermediate) == (tp, I)
    full = weights(H, tp * I, torch.bfloat16, seed=9)
    x = rand_x((64, H), torch.bfloat16)
    y = torch.zeros(64, H, dtype=torch.float64, device=DEV)
    layers = []
    for rank in range(tp):
        s = prog.tensor_parallel_slice(0, rank)
        assert (s.row_offset, s.rows, s.column_offset, s.columns) == (rank * I, I, rank * I, I)
        assert s.adds_down_bias == (rank == 0)
        rows = slice(s.row_offset, s.row_offset + s.rows)
        cols = slice(s.column_offset, s.column_offset + s.columns)
        layers.append(prog.layer(gate=full["gate"][rows].contiguous(),
                                 up=full["up"][rows].contiguous(),
                                 down=full["down"][:, cols].contiguous()))
        y += layers[-1](x).double()  # the all-reduce, by hand
    assert rel_err(y, reference(x, act="swiglu", **full)) <= 1e-2


def test_artifact_loads_and_runs(tmp_path):
    from mlpjit._tools import find_tool
    try:
        find_tool("mlpjit-compile")
    except mlpjit.ToolNotFoundError as e:
        pytest.skip(str(e))
    arch = mlpjit.context(0).arch
    path = mlpjit.compile_artifact(SPECS["swiglu_bf16"][0], tmp_path / "a.mlpx", arch=arch)
    prog = mlpjit.load(path, device=0)
    w = weights(H, I, torch.bfloat16, seed=11)
    x = rand_x((7, H), torch.bfloat16)
    assert rel_err(prog.layer(**w)(x), reference(x, act="swiglu", **w)) <= 1e-2
    bad = tmp_path / "bad.mlpx"
    bad.write_text("{}")
    with pytest.raises(mlpjit.MlpjitError) as e:
        mlpjit.load(bad, device=0)
    assert e.value.status_name == "MLPJIT_ERROR_ARTIFACT"


# --- Hugging Face modules --------------------------------------------------

def hf_modules():
    """(name, constructor) of each supported MLP class this transformers has."""
    tf = pytest.importorskip("transformers")
    small = dict(hidden_size=H, intermediate_size=I)
    out = []

    def add(name, module_path, cls, config_cls, **kw):
        try:
            mod = __import__(module_path, fromlist=[cls])
            mlp_cls, cfg_cls = getattr(mod, cls), getattr(tf, config_cls)
        except (ImportError, AttributeError):
            return
        out.append((name, lambda: mlp_cls(cfg_cls(**small, **kw))))

    add("llama", "transformers.models.llama.modeling_llama", "LlamaMLP", "LlamaConfig",
        hidden_act="silu")
    add("llama_bias", "transformers.models.llama.modeling_llama", "LlamaMLP", "LlamaConfig",
        hidden_act="silu", mlp_bias=True)
    add("qwen2", "transformers.models.qwen2.modeling_qwen2", "Qwen2MLP", "Qwen2Config",
        hidden_act="silu")
    add("mistral", "transformers.models.mistral.modeling_mistral", "MistralMLP",
        "MistralConfig", hidden_act="silu")
    add("gemma", "transformers.models.gemma.modeling_gemma", "GemmaMLP", "GemmaConfig",
        hidden_act="gelu", hidden_activation="gelu_pytorch_tanh")
    add("gemma2", "transformers.models.gemma2.modeling_gemma2", "Gemma2MLP", "Gemma2Config",
        hidden_activation="gelu_pytorch_tanh")
    add("phi3", "transformers.models.phi3.modeling_phi3", "Phi3MLP", "Phi3Config",
        hidden_act="silu")
    return out


HF_NAMES = ["llama", "llama_bias", "qwen2", "mistral", "gemma", "gemma2", "phi3"]


@pytest.mark.parametrize("name", HF_NAMES)
def test_gated_mlp_from_hf_module(name):
    found = dict(hf_modules())
    if name not in found:
        pytest.skip(f"this transformers has no {name} MLP")
    torch.manual_seed(0)
    hf = found[name]().to(DEV, torch.bfloat16).eval()
    with torch.no_grad():
        for p in hf.parameters():  # fresh random weights, scaled like trained ones
            p.uniform_(-1, 1).div_(p.shape[-1] ** 0.5)
    ours = mlpjit.nn.GatedMLP.from_module(hf, tokens=1024)
    assert ours.hidden_size == H and ours.intermediate_size == I
    b = ours.layer.block
    # Gemma's MLP applies config.hidden_act or hidden_activation depending on
    # the transformers version (erf or tanh GELU): the package reads what the
    # module computes, and the comparison below holds it to the module.
    expected = ("geglu_tanh", "geglu_erf") if name.startswith("gemma") else ("swiglu",)
    assert b.activation in expected
    assert b.has_bias == (name == "llama_bias")
    if name == "phi3":
        g, u = hf.gate_up_proj.weight.chunk(2)
        w = dict(gate=g, up=u, down=hf.down_proj.weight)
    else:
        w = dict(gate=hf.gate_proj.weight, up=hf.up_proj.weight, down=hf.down_proj.weight)
        if b.has_bias:
            w.update(gate_bias=hf.gate_proj.bias, up_bias=hf.up_proj.bias,
                     down_bias=hf.down_proj.bias)
    for m in TOKENS:
        x = rand_x((1, m, H), torch.bfloat16)
        with torch.no_grad():
            y, y_hf = ours(x), hf(x)
        ref = reference(x, act=b.activation, **{k: v.detach() for k, v in w.items()})
        assert rel_err(y, ref) <= 1e-2, (name, m)
        assert rel_err(y, y_hf.double()) <= 1e-2, (name, m)


def test_replace_mlps_in_a_model():
    tf = pytest.importorskip("transformers")
    cfg = tf.LlamaConfig(hidden_size=H, intermediate_size=I, num_hidden_layers=2,
                         num_attention_heads=8, num_key_value_heads=8, vocab_size=128)
    torch.manual_seed(0)
    model = tf.LlamaForCausalLM(cfg).to(DEV, torch.bfloat16).eval()
    ids = torch.randint(0, 128, (2, 50), device=DEV)
    with torch.no_grad():
        before = model(ids).logits
        names = mlpjit.nn.replace_mlps(model, tokens=1024)
        after = model(ids).logits
    assert names == ["model.layers.0.mlp", "model.layers.1.mlp"]
    assert all(isinstance(model.model.layers[i].mlp, mlpjit.nn.GatedMLP) for i in range(2))
    # Two layers share one program (same shape).
    assert model.model.layers[0].mlp.layer.program is model.model.layers[1].mlp.layer.program
    assert rel_err(after, before.double()) <= 2e-2  # two bf16 layers and a head


# --- the Python benchmark against mlpjit-bench ------------------------------

def test_python_bench_matches_mlpjit_bench(tmp_path):
    """The benchmark's mlpjit times within 3% of mlpjit-bench's at the same
    points (both: CUDA-graph replays of 8 calls over 4 rotations, median)."""
    from mlpjit._tools import find_tool
    try:
        tool = find_tool("mlpjit-bench")
    except mlpjit.ToolNotFoundError as e:
        pytest.skip(str(e))
    points = ["--shapes=llama-3-8b", "--tokens=1,64,1024", "--reps=100"]
    native = tmp_path / "native.json"
    subprocess.run([tool, *points, "--json", str(native)], check=True)
    py = tmp_path / "py.json"
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "-m", "mlpjit.bench", *points, "--json", str(py),
                    "--compare", str(native)], check=True, env=env)
    rows = json.loads(py.read_text())["rows"]
    assert [r["M"] for r in rows] == [1, 64, 1024]
    for r in rows:
        assert abs(r["vs_mlpjit_bench"] - 1) <= 0.03, r


def test_interleaved_timing_times_a_program_twice_alike():
    """time_interleaved (as mlpjit-bench's timeInterleaved) gives two copies
    of one program the same clock: they read within 3% of each other, and a
    program doing twice the work reads about twice the time."""
    from mlpjit.bench import GraphTimer, time_interleaved
    a = torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16)
    xs = [torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16) for _ in range(2)]
    once = lambda x: a @ x  # noqa: E731
    twice = lambda x: (a @ x) @ a  # noqa: E731
    timers = {"first": GraphTimer(once, xs), "second": GraphTimer(once, xs),
              "double": GraphTimer(twice, xs)}
    us = time_interleaved(timers, warmup=3, reps=30, settle_ms=200.0)
    assert set(us) == {"first", "second", "double"}
    assert abs(us["first"] / us["second"] - 1) <= 0.03, us
    assert 1.7 <= us["double"] / us["first"] <= 2.3, us


def test_python_bench_takes_configs(tmp_path):
    """Configs (here a .mlp of a small GeGLU block and a Hugging Face config)
    run against the peers with the block's own shape and activation; a
    config the peers cannot run (gpt2: a plain GELU MLP with bias) is refused
    by name, not timed."""
    from conftest import MODELS
    spec = tmp_path / "small.mlp"
    spec.write_text("mlp small {\n  hidden = 512\n  intermediate = 1024\n"
                    "  activation = geglu_erf\n  dtype = fp16\n}\n")
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = tmp_path / "rows.json"
    subprocess.run([sys.executable, "-m", "mlpjit.bench", str(spec),
                    os.path.join(MODELS, "phi-3-mini-4k.json"), "--tokens=7,100",
                    "--reps=5", "--settle-ms=0", "--json", str(out)], check=True, env=env)
    rows = json.loads(out.read_text())["rows"]
    assert [(r["shape"], r["M"]) for r in rows] == [
        ("small", 7), ("small", 100), ("phi-3-mini-4k", 7), ("phi-3-mini-4k", 100)]
    assert (rows[0]["hidden"], rows[0]["intermediate"], rows[0]["activation"]) == (
        512, 1024, "geglu_erf")
    assert (rows[2]["hidden"], rows[2]["intermediate"], rows[2]["activation"]) == (
        3072, 8192, "swiglu")
    for r in rows:
        assert r["mlpjit_rel_err"] <= 1e-2 and r["compile_rel_err"] <= 1e-2, r
        assert r["speedup"] == pytest.approx(r["best_peer_us"] / r["mlpjit_us"])
    bad = subprocess.run([sys.executable, "-m", "mlpjit.bench",
                          os.path.join(MODELS, "gpt2.json"), "--tokens=7"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode != 0
    assert "gpt2: block" in bad.stderr and "without bias" in bad.stderr, bad.stderr


def test_python_bench_times_a_tuning_file(tmp_path):
    """--tuning-file times mlpjit under mlpjit-bench --tune's plans as
    'tuned', checked against float64 like the rest, beside the heuristic's
    plans (in --rounds); a file without plans is refused, not timed as the
    heuristic."""
    from mlpjit._tools import find_tool
    try:
        tool = find_tool("mlpjit-bench")
    except mlpjit.ToolNotFoundError as e:
        pytest.skip(str(e))
    spec = tmp_path / "small.mlp"
    spec.write_text("mlp small {\n  hidden = 512\n  intermediate = 1024\n"
                    "  activation = swiglu\n  dtype = bf16\n}\n")
    plans = tmp_path / "tuning.json"
    subprocess.run([tool, str(spec), "--tokens", "7", "--tune", "--tune-candidates", "2",
                    "--tuning-file", str(plans)], check=True)
    assert json.loads(plans.read_text())["plans"]
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = tmp_path / "rows.json"
    subprocess.run([sys.executable, "-m", "mlpjit.bench", str(spec), "--tokens=7",
                    "--reps=5", "--settle-ms=0", "--tuning-file", str(plans),
                    "--rounds=3", "--json", str(out)], check=True, env=env)
    (r,) = json.loads(out.read_text())["rows"]
    assert r["tuned_rel_err"] <= 1e-2 and r["mlpjit_rel_err"] <= 1e-2, r
    # --rounds: the implementations timed (interleaved) three times, each keeping
    # the median of its rounds.
    for impl in ("mlpjit", "tuned", "eager", "merged", "compile"):
        assert len(r[f"{impl}_rounds_us"]) == 3, r
        assert r[f"{impl}_us"] == sorted(r[f"{impl}_rounds_us"])[1], r
    assert r["speedup_tuned"] == pytest.approx(r["best_peer_us"] / r["tuned_us"])
    assert r["speedup"] == pytest.approx(r["best_peer_us"] / r["mlpjit_us"])
    # --peers none: mlpjit alone, no speedup; an unknown peer is refused.
    alone = tmp_path / "alone.json"
    subprocess.run([sys.executable, "-m", "mlpjit.bench", str(spec), "--tokens=7",
                    "--reps=3", "--settle-ms=0", "--peers", "none", "--json", str(alone)],
                   check=True, env=env)
    (r,) = json.loads(alone.read_text())["rows"]
    assert r["mlpjit_us"] > 0 and "speedup" not in r and "eager_us" not in r, r
    bad = subprocess.run([sys.executable, "-m", "mlpjit.bench", str(spec), "--tokens=7",
                          "--peers", "eager,cublas"], capture_output=True, text=True, env=env)
    assert bad.returncode != 0 and "unknown peer 'cublas'" in bad.stderr, bad.stderr
    empty = tmp_path / "empty.json"
    empty.write_text('{"format": "mlpjit-tuning-1", "plans": []}')
    bad = subprocess.run([sys.executable, "-m", "mlpjit.bench", str(spec), "--tokens=7",
                          "--tuning-file", str(empty)], capture_output=True, text=True, env=env)
    assert bad.returncode != 0 and "has no plans" in bad.stderr, bad.stderr
