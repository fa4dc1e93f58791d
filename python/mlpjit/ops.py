"""torch.ops.mlpjit.mlp: mlpjit's forward as a functional PyTorch op.

    y = torch.ops.mlpjit.mlp(x, layer.id)     # x [..., hidden] -> y like x

A layer's C handle is not a tensor, so layers live in a registry keyed by an
int id and the op takes the id. The op runs on torch.cuda.current_stream(),
allocates its output and workspace from PyTorch's caching allocator (so CUDA
graphs capture it: mlpjit_forward allocates nothing and never synchronizes),
and has a fake implementation, so torch.compile(fullgraph=True) traces it.
"""
import itertools
import threading
import weakref

import torch

from ._runtime import Program

if not hasattr(torch.library, "custom_op"):
    raise ImportError(f"mlpjit.ops needs torch >= 2.4 (torch.library.custom_op); "
                      f"this is torch {torch.__version__}")

TORCH_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}

_layers = weakref.WeakValueDictionary()  # id -> Layer; a layer dies with its owner
_ids = itertools.count(1)
_ids_lock = threading.Lock()

_WEIGHTS = ("gate", "up", "gate_up", "down",
            "gate_bias", "up_bias", "gate_up_bias", "down_bias")


def _lookup(layer_id):
    layer = _layers.get(int(layer_id))
    if layer is None:
        raise ValueError(f"mlpjit: no live layer with id {layer_id} (it was "
                         "garbage-collected: keep the Layer or module that owns it)")
    return layer


def _register(layer):
    with _ids_lock:
        layer.id = next(_ids)
        _layers[layer.id] = layer


def _check_tensor(what, t, shape, dtype, device, check_pointer=True):
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"mlpjit: {what} must be a torch.Tensor, got {type(t).__name__}")
    if t.device.type != "cuda":
        raise ValueError(f"mlpjit: {what} is on {t.device}; the program runs on "
                         f"cuda:{device}")
    if t.device.index != device:
        raise ValueError(f"mlpjit: {what} is on {t.device}, the program on cuda:{device}")
    if t.dtype != dtype:
        raise TypeError(f"mlpjit: {what} is {t.dtype}; the block computes in {dtype}")
    if shape is not None and tuple(t.shape) != tuple(shape):
        raise ValueError(f"mlpjit: {what} has shape {list(t.shape)}, expected {list(shape)}")
    if not t.is_contiguous():
        raise ValueError(f"mlpjit: {what} is not contiguous (strides {t.stride()}); "
                         "pass .contiguous()")
    if check_pointer and t.numel() and t.data_ptr() % 16:
        raise ValueError(f"mlpjit: {what}'s data pointer {t.data_ptr():#x} is not "
                         "16-byte aligned (a view at an odd offset?); pass a fresh tensor")


class Layer:
    """One layer's weights bound to a block of a Program, callable on tensors.

    Weights in PyTorch layouts on the program's device, in the block's dtype:
    gate and up [I, H] (or gate_up [2I, H], gate rows first, as Phi-3 stores
    it), down [H, I], and the biases exactly when the block has them. gate and
    up are copied into the layer's packed buffer; down, the biases (and up of a
    plain, ungated block) are used in place, so the Layer keeps references."""

    def __init__(self, program, block=None, **weights):
        if not isinstance(program, Program):
            raise TypeError(f"mlpjit: expected a Program, got {type(program).__name__}")
        for k in weights:
            if k not in _WEIGHTS:
                raise TypeError(f"mlpjit: unknown weight {k!r}; one of {', '.join(_WEIGHTS)}")
        b = program.block(block)
        self.program, self.block = program, b
        self.dtype = TORCH_DTYPES[b.dtype]
        self.device = torch.device("cuda", program.device)
        h, i = b.hidden, b.intermediate
        given = {k for k, v in weights.items() if v is not None}
        if b.gated:
            if "gate_up" in given:
                if given & {"gate", "up", "gate_bias", "up_bias"}:
                    raise ValueError("mlpjit: pass gate_up (packed) or gate and up, not both")
                need = {"gate_up"} | ({"gate_up_bias", "down_bias"} if b.has_bias else set())
            else:
                need = {"gate", "up"} | ({"gate_bias", "up_bias", "down_bias"}
                                         if b.has_bias else set())
        else:
            need = {"up"} | ({"up_bias", "down_bias"} if b.has_bias else set())
        need.add("down")
        if given - need:
            extra = ", ".join(sorted(given - need))
            why = "" if b.has_bias else " (the block has no biases)"
            raise ValueError(f"mlpjit: block {b.name!r} takes no {extra}{why}")
        if need - given:
            raise ValueError(f"mlpjit: block {b.name!r} needs "
                             + ", ".join(sorted(need - given)))
        shapes = {"gate": (i, h), "up": (i, h), "gate_up": (2 * i, h), "down": (h, i),
                  "gate_bias": (i,), "up_bias": (i,), "gate_up_bias": (2 * i,),
                  "down_bias": (h,)}
        for k in sorted(given):
            _check_tensor(k, weights[k], shapes[k], self.dtype, program.device)
        stream = torch.cuda.current_stream(self.device)
        with torch.cuda.device(self.device):
            self._raw = program.create_layer(
                b.index, stream=stream.cuda_stream,
                **{k: weights[k].data_ptr() for k in given})
        # Used in place by every forward (the header's weight lifetimes).
        copied = {"gate", "up", "gate_up"} if b.gated else set()
        self._kept = {k: weights[k] for k in given - copied}
        _register(self)

    @property
    def owned_bytes(self):
        return self._raw.owned_bytes

    def check_input(self, x, fake=False):
        """The op's argument checks (also run by the fake implementation,
        where the data pointer does not exist)."""
        b = self.block
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"mlpjit: x must be a torch.Tensor, got {type(x).__name__}")
        if x.dim() < 1 or x.shape[-1] != b.hidden:
            raise ValueError(f"mlpjit: x has shape {list(x.shape)}; expected [..., "
                             f"{b.hidden}] (hidden of block {b.name!r})")
        _check_tensor("x", x, None, self.dtype, self.program.device, check_pointer=not fake)
        m = x.numel() // b.hidden
        # Under dynamic shapes m is symbolic: the range is checked at run time.
        if isinstance(m, int) and m and not (b.tokens_min <= m <= b.tokens_max):
            raise ValueError(
                f"mlpjit: x has {m} tokens; block {b.name!r} was compiled for "
                f"{b.tokens_min}..{b.tokens_max} (mlpjit.compile(..., tokens=...))")
        return m

    def forward(self, x, out=None):
        """The op's body; `out` (like x) instead of a fresh output, for callers
        that own the buffer. Eager only: torch.compile sees the op."""
        m = self.check_input(x)
        if out is None:
            y = torch.empty_like(x, memory_format=torch.contiguous_format)
        else:
            _check_tensor("out", out, x.shape, self.dtype, self.program.device)
            y = out
        if m == 0:
            return y
        nbytes = self.program.workspace_bytes(self.block.index, m)
        # From the caching allocator: reused across calls, captured by graphs.
        ws = torch.empty(nbytes, dtype=torch.uint8, device=x.device) if nbytes else None
        if ws is not None and ws.data_ptr() % 256:
            raise RuntimeError("mlpjit: the caching allocator returned a workspace "
                               "not 256-byte aligned")
        stream = torch.cuda.current_stream(x.device).cuda_stream
        self._raw.forward(x.data_ptr(), y.data_ptr(), m,
                          ws.data_ptr() if ws is not None else 0, nbytes, stream)
        return y

    def __call__(self, x):
        return torch.ops.mlpjit.mlp(x, self.id)

    def __repr__(self):
        b = self.block
        return (f"<mlpjit.ops.Layer id={self.id} {b.name} {b.hidden}x{b.intermediate} "
                f"{b.activation} {b.dtype} cuda:{self.program.device}>")


# The schema is explicit: inferred from the hints, `int` would be a SymInt,
# which torch.compile may make symbolic; a layer id is always a constant.
@torch.library.custom_op("mlpjit::mlp", mutates_args=(),
                         schema="(Tensor x, int layer) -> Tensor")
def mlp(x: torch.Tensor, layer: int) -> torch.Tensor:
    """y = down(act(gate(x)) * up(x)) of layer `layer` (a Layer's id); x
    [..., hidden], contiguous, on the program's device, in the block's dtype."""
    return _lookup(layer).forward(x)


@mlp.register_fake
def _mlp_fake(x, layer):
    _lookup(layer).check_input(x, fake=True)
    return torch.empty_like(x, memory_format=torch.contiguous_format)
