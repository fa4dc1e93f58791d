"""Drop-in replacements for Hugging Face MLP modules.

    mlp = mlpjit.nn.GatedMLP.from_module(model.model.layers[0].mlp)
    mlpjit.nn.replace_mlps(model)            # every supported MLP of a model

LlamaMLP, MistralMLP, Qwen2MLP (and Qwen3MLP), GemmaMLP, Gemma2MLP: gate_proj,
up_proj, down_proj and act_fn. Phi3MLP: the packed gate_up_proj (gate rows
first) and activation_fn. Layers of one shape share one compiled program.
"""
import threading

import torch
import torch.nn.functional as F

from ._runtime import compile as _compile, device_ordinal
from ._spec import block_text
from .ops import Layer

SUPPORTED = ("LlamaMLP", "MistralMLP", "Qwen2MLP", "Qwen3MLP", "GemmaMLP",
             "Gemma2MLP", "Phi3MLP")

_DTYPES = {torch.bfloat16: "bf16", torch.float16: "fp16"}
# The spec's gated activations as torch functions of the gate.
GATED_ACTIVATIONS = {"swiglu": F.silu, "geglu_tanh": lambda t: F.gelu(t, approximate="tanh"),
                     "geglu_erf": F.gelu, "reglu": F.relu}
_programs = {}  # (spec text, device) -> Program, shared by same-shaped layers
_programs_lock = threading.Lock()


def activation_of(act):
    """The spec's gated activation for an activation module or function,
    found by evaluating it: class names differ across transformers versions
    (PytorchGELUTanh, GELUTanh, ...), values do not."""
    t = torch.linspace(-5, 5, 101, dtype=torch.float32)
    with torch.no_grad():
        got = act(t)
    candidates = {name: f(t) for name, f in GATED_ACTIVATIONS.items()}
    # gelu tanh and erf differ by up to ~5e-4 here; float32 noise is ~1e-7.
    for name, want in candidates.items():
        if torch.allclose(got, want, rtol=0, atol=2e-5):
            return name
    raise ValueError(f"mlpjit: activation {type(act).__name__} is none of silu, "
                     "gelu (tanh or erf), relu")


def _linear(module, name):
    lin = getattr(module, name, None)
    if not isinstance(lin, torch.nn.Linear):
        raise TypeError(f"mlpjit: {type(module).__name__}.{name} is "
                        f"{type(lin).__name__}, expected torch.nn.Linear")
    return lin


def _program(text, device, tokens):
    key = (text, device, tokens)
    with _programs_lock:
        prog = _programs.get(key)
        if prog is None:
            prog = _programs[key] = _compile(text, device=device, tokens=tokens)
        return prog


class GatedMLP(torch.nn.Module):
    """A gated MLP running as mlpjit's two kernels through torch.ops.mlpjit.mlp.

    forward(x): x [..., hidden] -> [..., hidden], as the module it replaces.
    Inference only (the op has no backward). The weights are packed once: the
    module cannot be moved to another device or dtype afterwards."""

    def __init__(self, layer):
        super().__init__()
        if not isinstance(layer, Layer):
            raise TypeError(f"mlpjit: expected an mlpjit.ops.Layer, got {type(layer).__name__}")
        self.layer = layer
        self.hidden_size = layer.block.hidden
        self.intermediate_size = layer.block.intermediate

    @classmethod
    def from_module(cls, module, *, tokens=None):
        """Build from a Hugging Face MLP module (see SUPPORTED) on a CUDA
        device in bf16 or fp16. tokens: (min, max) or max token count to
        compile for (default: the spec default, 1..65536)."""
        packed = hasattr(module, "gate_up_proj")
        down = _linear(module, "down_proj")
        if packed:
            gate_up = _linear(module, "gate_up_proj")
            projections = [gate_up, down]
            act = getattr(module, "activation_fn", None)
        else:
            gate, up = _linear(module, "gate_proj"), _linear(module, "up_proj")
            projections = [gate, up, down]
            act = getattr(module, "act_fn", None)
        if act is None:
            raise TypeError(f"mlpjit: {type(module).__name__} has no act_fn/activation_fn")
        hidden, inter = down.out_features, down.in_features
        w = down.weight
        if w.device.type != "cuda":
            raise ValueError(f"mlpjit: {type(module).__name__} is on {w.device}; "
                             "move the model to a CUDA device first")
        if w.dtype not in _DTYPES:
            raise TypeError(f"mlpjit: {type(module).__name__} is {w.dtype}; mlpjit "
                            "computes in bfloat16 or float16 (model.to(torch.bfloat16))")
        for p in projections:
            if p.weight.dtype != w.dtype or p.weight.device != w.device:
                raise ValueError(f"mlpjit: {type(module).__name__}'s projections "
                                 "differ in dtype or device")
        biases = [p.bias is not None for p in projections]
        if any(biases) and not all(biases):
            raise ValueError(f"mlpjit: {type(module).__name__} has biases on some "
                             "projections only; mlpjit's blocks have all or none")
        device = device_ordinal(w.device)
        tokens = (1, tokens) if isinstance(tokens, int) else tokens
        tokens = tuple(tokens) if tokens is not None else None
        text = block_text(f"{type(module).__name__.lower()}_{hidden}x{inter}",
                          hidden, inter, activation_of(act), _DTYPES[w.dtype],
                          bias=all(biases), packed_gate_up=packed)
        prog = _program(text, device, tokens)
        wd = lambda t: t.detach().contiguous()  # noqa: E731
        weights = {"down": wd(down.weight)}
        if packed:
            weights["gate_up"] = wd(gate_up.weight)
            if all(biases):
                weights["gate_up_bias"] = wd(gate_up.bias)
        else:
            weights["gate"], weights["up"] = wd(gate.weight), wd(up.weight)
            if all(biases):
                weights["gate_bias"], weights["up_bias"] = wd(gate.bias), wd(up.bias)
        if all(biases):
            weights["down_bias"] = wd(down.bias)
        with torch.no_grad():
            layer = Layer(prog, 0, **weights)
        m = cls(layer)
        if hasattr(module, "config"):
            m.config = module.config
        return m

    def forward(self, x):
        return self.layer(x)

    def extra_repr(self):
        b = self.layer.block
        return (f"hidden={b.hidden}, intermediate={b.intermediate}, "
                f"activation={b.activation}, dtype={b.dtype}, tokens={b.tokens_min}..{b.tokens_max}")


def replace_mlps(model, *, tokens=None, classes=SUPPORTED):
    """Replace every submodule of `model` whose class name is in `classes` with
    GatedMLP.from_module(...). Returns the replaced modules' names."""
    # Names first, modules one at a time: each old module (and its gate/up,
    # now copied) is freed before the next is packed.
    names = [name for name, mod in model.named_modules()
             if name and type(mod).__name__ in classes]
    for name in names:
        parent_name, _, attr = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, attr, GatedMLP.from_module(getattr(parent, attr), tokens=tokens))
    return names
