"""mlpjit from Python: the JIT's gated-MLP kernels through libmlpjit.so's C API.

    import mlpjit
    prog = mlpjit.compile("llama3-8b.mlp")            # or config.json, spec text, a HF config
    layer = prog.layer(gate=wg, up=wu, down=wd)        # torch tensors; gate/up packed once
    y = layer(x)                                        # torch.ops.mlpjit.mlp(x, layer.id)

`import mlpjit` needs neither PyTorch nor the library: libmlpjit.so is loaded
at first use (MLPJIT_LIBRARY, next to this package, then the system loader),
torch only by mlpjit.ops, mlpjit.nn and mlpjit.bench.
"""
from ._capi import C_API_VERSION, LibraryNotFoundError
from ._runtime import (Block, Context, MlpjitError, Program, RawLayer, SpecError,
                       TensorParallelSlice, check_spec, compile, context, load, version)
from ._tools import ToolNotFoundError, compile_artifact, compile_ptx

__version__ = "0.1.0"

__all__ = [
    "Block", "C_API_VERSION", "Context", "LibraryNotFoundError", "MlpjitError",
    "Program", "RawLayer", "SpecError", "TensorParallelSlice", "ToolNotFoundError",
    "check_spec", "compile", "compile_artifact", "compile_ptx", "context", "load", "version",
]


def __getattr__(name):
    # mlpjit.ops / mlpjit.nn import torch; load them only when asked for.
    if name in ("ops", "nn"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'mlpjit' has no attribute {name!r}")
