"""Contexts, programs and layers over the C API (raw device pointers). The
torch-facing layer is mlpjit.ops; this module never imports torch."""
import ctypes
import os
import sys
import threading
import weakref
from dataclasses import dataclass

from . import _capi
from ._spec import normalize


class MlpjitError(RuntimeError):
    """A C API call failed; the message is mlpjit_last_error()'s."""

    def __init__(self, status, message):
        self.status = status
        self.status_name = _capi.STATUS_NAMES.get(status, f"status {status}")
        super().__init__(message or self.status_name)


class SpecError(MlpjitError, ValueError):
    """The spec or config.json was rejected; the message names file:line:col."""


def _check(status, what):
    if status == _capi.OK:
        return
    lib = _capi.lib()
    message = (lib.mlpjit_last_error() or b"").decode("utf-8", "replace")
    if not message:
        message = f"{what} failed ({_capi.STATUS_NAMES.get(status, status)})"
    cls = SpecError if status == 2 else MlpjitError
    raise cls(status, message)


def _finalizer(obj, fn_name, handle):
    # Not at exit: the CUDA driver may already be gone, and the process is
    # about to release everything anyway.
    f = weakref.finalize(obj, getattr(_capi.lib(), fn_name), handle)
    f.atexit = False
    return f


def device_ordinal(device):
    """None (torch's current CUDA device if torch is in use, else 0), an int,
    "cuda", "cuda:N" or a torch.device -> a CUDA ordinal."""
    if device is None:
        torch = sys.modules.get("torch")
        if torch is not None and torch.cuda.is_available():
            return torch.cuda.current_device()
        return 0
    if isinstance(device, bool):
        raise TypeError("mlpjit: device must be a CUDA ordinal or device, not bool")
    if isinstance(device, int):
        if device < 0:
            raise ValueError(f"mlpjit: device ordinal must be >= 0, got {device}")
        return device
    kind = getattr(device, "type", None)
    index = getattr(device, "index", None)
    if kind is None and isinstance(device, str):
        kind, _, rest = device.partition(":")
        index = int(rest) if rest else None
    if kind != "cuda":
        raise ValueError(f"mlpjit: runs on CUDA devices, not {device!r}")
    return device_ordinal(None) if index is None else device_ordinal(index)


class Context:
    """The primary context of one CUDA device (shared: see context())."""

    def __init__(self, ordinal):
        lib = _capi.lib()
        handle = ctypes.c_void_p()
        _check(lib.mlpjit_context_create(int(ordinal), ctypes.byref(handle)),
               f"creating a context on CUDA device {ordinal}")
        self._handle = handle.value
        self.ordinal = int(ordinal)
        self._finalize = _finalizer(self, "mlpjit_context_destroy", self._handle)

    @property
    def arch(self):
        return _capi.lib().mlpjit_context_arch(self._handle).decode()

    def __repr__(self):
        return f"<mlpjit.Context cuda:{self.ordinal} {self.arch}>"


_contexts = {}
_contexts_lock = threading.Lock()


def context(device=None):
    """The shared Context of `device` (created on first use)."""
    ordinal = device_ordinal(device)
    with _contexts_lock:
        ctx = _contexts.get(ordinal)
        if ctx is None:
            ctx = _contexts[ordinal] = Context(ordinal)
        return ctx


@dataclass(frozen=True)
class Block:
    """One `mlp` block of a program (mlpjit_block_info)."""
    index: int
    name: str
    hidden: int
    intermediate: int  # this rank's, for a tensor-parallel block
    tokens_min: int
    tokens_max: int
    tensor_parallel: int
    gated: bool
    has_bias: bool
    dtype: str  # "bf16" or "fp16"
    activation: str


@dataclass(frozen=True)
class TensorParallelSlice:
    """Which part of the full weights one rank owns (mlpjit_tp_slice)."""
    row_offset: int  # of the full gate/up [N*I, hidden]
    rows: int
    column_offset: int  # of the full down [hidden, N*I]
    columns: int
    adds_down_bias: bool


def _compile_options(tokens, tp, threads):
    opts = _capi.CompileOptions()
    if tokens is not None:
        lo, hi = (1, tokens) if isinstance(tokens, int) else tokens
        if not (1 <= int(lo) <= int(hi)):
            raise ValueError(f"mlpjit: tokens must be 1 <= min <= max, got {tokens!r}")
        opts.tokens_min, opts.tokens_max = int(lo), int(hi)
    opts.tensor_parallel = int(tp or 0)
    opts.threads = int(threads or 0)
    return opts


class Program:
    """The kernels of every block of a spec, loaded on one device."""

    def __init__(self, handle, ctx):
        self._handle = handle
        self.context = ctx  # documented to outlive nothing, but keeps it cached
        self._finalize = _finalizer(self, "mlpjit_program_destroy", handle)
        lib = _capi.lib()
        blocks = []
        for i in range(lib.mlpjit_program_block_count(handle)):
            info = _capi.BlockInfo()
            _check(lib.mlpjit_program_block_info(handle, i, ctypes.byref(info)),
                   "mlpjit_program_block_info")
            blocks.append(Block(
                index=i, name=info.name.decode(), hidden=info.hidden,
                intermediate=info.intermediate, tokens_min=info.tokens_min,
                tokens_max=info.tokens_max, tensor_parallel=info.tensor_parallel,
                gated=bool(info.gated), has_bias=bool(info.has_bias),
                dtype=_capi.DTYPE_NAMES.get(info.dtype, f"dtype {info.dtype}"),
                activation=info.activation.decode()))
        self.blocks = tuple(blocks)
        self._workspace = {}

    @property
    def device(self):
        return self.context.ordinal

    @property
    def arch(self):
        return self.context.arch

    def block(self, key=None):
        """A Block by index or name; None: the program's only block."""
        if key is None:
            if len(self.blocks) != 1:
                raise ValueError(
                    f"mlpjit: the program has {len(self.blocks)} blocks ("
                    + ", ".join(b.name for b in self.blocks) + "); name one")
            return self.blocks[0]
        if isinstance(key, Block):
            key = key.index
        if isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < len(self.blocks):
                raise IndexError(f"mlpjit: block {key} of a program with "
                                 f"{len(self.blocks)} blocks")
            return self.blocks[key]
        if isinstance(key, str):
            i = _capi.lib().mlpjit_program_find_block(self._handle, key.encode())
            if i < 0:
                raise KeyError(f"mlpjit: no block {key!r}; the program has "
                               + ", ".join(b.name for b in self.blocks))
            return self.blocks[i]
        raise TypeError(f"mlpjit: a block is an index or a name, not {type(key).__name__}")

    def workspace_bytes(self, block, m_max):
        """Bytes of workspace one forward with up to m_max tokens needs."""
        b = self.block(block)
        key = (b.index, int(m_max))
        n = self._workspace.get(key)
        if n is None:
            out = ctypes.c_size_t()
            _check(_capi.lib().mlpjit_workspace_bytes(
                self._handle, b.index, int(m_max), ctypes.byref(out)),
                "mlpjit_workspace_bytes")
            n = self._workspace[key] = out.value
        return n

    def tensor_parallel_slice(self, block=None, rank=0):
        b = self.block(block)
        s = _capi.TpSlice()
        _check(_capi.lib().mlpjit_tensor_parallel_slice(
            self._handle, b.index, int(rank), ctypes.byref(s)),
            "mlpjit_tensor_parallel_slice")
        return TensorParallelSlice(s.row_offset, s.rows, s.column_offset,
                                   s.columns, bool(s.adds_down_bias))

    def create_layer(self, block=None, *, stream=0, **pointers):
        """A RawLayer from device pointers (ints): gate, up, gate_up, down,
        gate_bias, up_bias, gate_up_bias, down_bias. The caller keeps down and
        the biases alive (the header's weight lifetimes)."""
        b = self.block(block)
        w = _capi.Weights()
        names = {f for f, _ in _capi.Weights._fields_}
        for k, v in pointers.items():
            if k not in names:
                raise TypeError(f"mlpjit: unknown weight {k!r}; one of "
                                + ", ".join(sorted(names)))
            setattr(w, k, v or None)
        handle = ctypes.c_void_p()
        _check(_capi.lib().mlpjit_layer_create(
            self._handle, b.index, ctypes.byref(w), stream or None,
            ctypes.byref(handle)), "mlpjit_layer_create")
        return RawLayer(handle.value, self, b)

    def create_shared_layer(self, owner, block=None):
        """A RawLayer of this program's block that runs on `owner`'s weights
        (a RawLayer of another program of the same block), without a copy.
        It keeps `owner` alive; the weights the owner uses in place (down,
        the biases) stay the caller's to keep, as for the owner."""
        if not isinstance(owner, RawLayer):
            raise TypeError(f"mlpjit: expected a RawLayer, got {type(owner).__name__}")
        b = self.block(block)
        handle = ctypes.c_void_p()
        _check(_capi.lib().mlpjit_layer_create_shared(
            self._handle, b.index, owner._handle, ctypes.byref(handle)),
            "mlpjit_layer_create_shared")
        layer = RawLayer(handle.value, self, b)
        layer.owner = owner  # its weights are the owner's
        return layer

    def layer(self, block=None, **weights):
        """A torch-facing layer from weight tensors; see mlpjit.ops.Layer."""
        from .ops import Layer
        return Layer(self, block, **weights)

    def __repr__(self):
        return (f"<mlpjit.Program cuda:{self.device} blocks="
                f"{[b.name for b in self.blocks]}>")


class RawLayer:
    """One layer's weights on the GPU; forward takes device pointers."""

    def __init__(self, handle, program, block):
        self._handle = handle
        self.program = program  # the C API keeps it alive too; this keeps Block valid
        self.block = block
        self._finalize = _finalizer(self, "mlpjit_layer_destroy", handle)

    @property
    def owned_bytes(self):
        return _capi.lib().mlpjit_layer_owned_bytes(self._handle)

    def forward(self, x, y, m, workspace, workspace_bytes, stream=0):
        _check(_capi.lib().mlpjit_forward(
            self._handle, x or None, y or None, int(m), workspace or None,
            int(workspace_bytes), stream or None), "mlpjit_forward")

    def close(self):
        self._finalize()


def compile(spec, *, device=None, tokens=None, tp=None, threads=0, name=None):
    """JIT-compile `spec` for a CUDA device -> Program.

    spec: a .mlp or config.json path, spec or config.json text, a config dict,
    or a Hugging Face config object. tokens: (min, max) or max, overriding the
    spec's range; tp: tensor-parallel degree overriding the spec's. Spec
    errors raise SpecError naming file:line:col."""
    src = normalize(spec, name)
    opts = _compile_options(tokens, tp, threads)
    ctx = context(device)
    handle = ctypes.c_void_p()
    lib = _capi.lib()
    if src.path is not None:
        status = lib.mlpjit_program_compile(
            ctx._handle, os.fsencode(src.path), ctypes.byref(opts), ctypes.byref(handle))
    else:
        status = lib.mlpjit_program_compile_string(
            ctx._handle, src.text.encode(), src.name.encode(), ctypes.byref(opts),
            ctypes.byref(handle))
    _check(status, "compiling the spec")
    return Program(handle.value, ctx)


def check_spec(spec, *, tokens=None, tp=None, name=None):
    """Parse and validate `spec` without a GPU (or compiling): raises SpecError
    with file:line:col for a bad one, returns None for a good one.

    Relies on libmlpjit's compile reporting the spec's errors before it
    refuses a NULL context (INVALID_ARGUMENT); that order is the library's
    behaviour, not yet a promise of mlpjit_c.h."""
    src = normalize(spec, name)
    opts = _compile_options(tokens, tp, 0)
    handle = ctypes.c_void_p()
    lib = _capi.lib()
    if src.path is not None:
        status = lib.mlpjit_program_compile(None, os.fsencode(src.path),
                                            ctypes.byref(opts), ctypes.byref(handle))
    else:
        status = lib.mlpjit_program_compile_string(
            None, src.text.encode(), src.name.encode(), ctypes.byref(opts),
            ctypes.byref(handle))
    if status == 1:  # INVALID_ARGUMENT: the null context, after a clean parse
        message = (lib.mlpjit_last_error() or b"").decode("utf-8", "replace")
        if "null context" in message:
            return None
    _check(status, "checking the spec")
    raise MlpjitError(status, "mlpjit: a NULL context compiled a program")


def load(artifact, *, device=None):
    """Load an AOT artifact written by mlpjit-compile -> Program."""
    path = os.fspath(artifact)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"mlpjit: no such artifact: {path}")
    ctx = context(device)
    handle = ctypes.c_void_p()
    _check(_capi.lib().mlpjit_program_load(ctx._handle, os.fsencode(path),
                                           ctypes.byref(handle)),
           f"loading {path}")
    return Program(handle.value, ctx)


def version():
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return _capi.lib().mlpjit_version().decode()
