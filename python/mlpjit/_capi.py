"""ctypes bindings of runtime/include/mlpjit/mlpjit_c.h, the stable C API.

Structures copy the header's field order and types exactly (ctypes pads them as
the C compiler does; tests/test_capi.py checks sizes and offsets against gcc).
Nothing here needs PyTorch, CUDA or a particular Python: the library is found at
first use, so `import mlpjit` works on a machine without it.
"""
import ctypes
import os
import threading

# Must equal MLPJIT_C_API_VERSION of the header these bindings were written for.
C_API_VERSION = 1

# mlpjit_status
OK = 0
STATUS_NAMES = {
    0: "MLPJIT_OK",
    1: "MLPJIT_ERROR_INVALID_ARGUMENT",
    2: "MLPJIT_ERROR_SPEC",
    3: "MLPJIT_ERROR_COMPILE",
    4: "MLPJIT_ERROR_ARTIFACT",
    5: "MLPJIT_ERROR_ARCH_MISMATCH",
    6: "MLPJIT_ERROR_CUDA",
    7: "MLPJIT_ERROR_NOT_SUPPORTED",
    8: "MLPJIT_ERROR_IO",
    9: "MLPJIT_ERROR_WORKSPACE",
}

# mlpjit_dtype
BF16, FP16 = 0, 1
DTYPE_NAMES = {BF16: "bf16", FP16: "fp16"}

_status = ctypes.c_int  # a C enum is an int on every ABI mlpjit targets
_handle = ctypes.c_void_p


class CompileOptions(ctypes.Structure):
    _fields_ = [
        ("tokens_min", ctypes.c_int64),
        ("tokens_max", ctypes.c_int64),
        ("tensor_parallel", ctypes.c_int),
        ("threads", ctypes.c_int),
    ]


class BlockInfo(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("hidden", ctypes.c_int64),
        ("intermediate", ctypes.c_int64),
        ("tokens_min", ctypes.c_int64),
        ("tokens_max", ctypes.c_int64),
        ("tensor_parallel", ctypes.c_int),
        ("gated", ctypes.c_int),
        ("has_bias", ctypes.c_int),
        ("dtype", ctypes.c_int),
        ("activation", ctypes.c_char_p),
    ]


class Weights(ctypes.Structure):
    _fields_ = [(n, ctypes.c_void_p) for n in (
        "gate", "up", "gate_up", "down",
        "gate_bias", "up_bias", "gate_up_bias", "down_bias")]


class TpSlice(ctypes.Structure):
    _fields_ = [
        ("row_offset", ctypes.c_int64),
        ("rows", ctypes.c_int64),
        ("column_offset", ctypes.c_int64),
        ("columns", ctypes.c_int64),
        ("adds_down_bias", ctypes.c_int),
    ]


# name: (restype, argtypes), in the header's order.
PROTOTYPES = {
    "mlpjit_version": (ctypes.c_char_p, []),
    "mlpjit_c_api_version": (ctypes.c_int, []),
    "mlpjit_last_error": (ctypes.c_char_p, []),
    "mlpjit_status_name": (ctypes.c_char_p, [_status]),
    "mlpjit_context_create": (_status, [ctypes.c_int, ctypes.POINTER(_handle)]),
    "mlpjit_context_destroy": (None, [_handle]),
    "mlpjit_context_arch": (ctypes.c_char_p, [_handle]),
    "mlpjit_program_compile": (_status, [
        _handle, ctypes.c_char_p, ctypes.POINTER(CompileOptions),
        ctypes.POINTER(_handle)]),
    "mlpjit_program_compile_string": (_status, [
        _handle, ctypes.c_char_p, ctypes.c_char_p,
        ctypes.POINTER(CompileOptions), ctypes.POINTER(_handle)]),
    "mlpjit_program_load": (_status, [
        _handle, ctypes.c_char_p, ctypes.POINTER(_handle)]),
    "mlpjit_program_destroy": (None, [_handle]),
    "mlpjit_program_block_count": (ctypes.c_int, [_handle]),
    "mlpjit_program_find_block": (ctypes.c_int, [_handle, ctypes.c_char_p]),
    "mlpjit_program_block_info": (_status, [
        _handle, ctypes.c_int, ctypes.POINTER(BlockInfo)]),
    "mlpjit_workspace_bytes": (_status, [
        _handle, ctypes.c_int, ctypes.c_int64, ctypes.POINTER(ctypes.c_size_t)]),
    "mlpjit_layer_create": (_status, [
        _handle, ctypes.c_int, ctypes.POINTER(Weights), ctypes.c_void_p,
        ctypes.POINTER(_handle)]),
    "mlpjit_layer_create_shared": (_status, [
        _handle, ctypes.c_int, _handle, ctypes.POINTER(_handle)]),
    "mlpjit_layer_destroy": (None, [_handle]),
    "mlpjit_layer_owned_bytes": (ctypes.c_size_t, [_handle]),
    "mlpjit_forward": (_status, [
        _handle, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]),
    "mlpjit_tensor_parallel_slice": (_status, [
        _handle, ctypes.c_int, ctypes.c_int, ctypes.POINTER(TpSlice)]),
}


class LibraryNotFoundError(OSError):
    """libmlpjit.so could not be loaded from any of the places searched."""


def candidate_paths():
    """Where libmlpjit.so is looked for, in order: $MLPJIT_LIBRARY, next to
    the package, then the system loader's search (LD_LIBRARY_PATH, ldconfig)."""
    env = os.environ.get("MLPJIT_LIBRARY")
    if env:
        # An explicit choice is final: silently falling back to another copy
        # would hide a typo behind a different library version.
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    return [os.path.join(here, "libmlpjit.so"), "libmlpjit.so"]


def _load():
    tried = []
    for path in candidate_paths():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path}: no such file")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path}: {e}")
            continue
        missing = [n for n in PROTOTYPES if not hasattr(lib, n)]
        if missing:
            tried.append(f"{path}: not the mlpjit C API (missing {missing[0]})")
            continue
        for name, (restype, argtypes) in PROTOTYPES.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        version = lib.mlpjit_c_api_version()
        if version != C_API_VERSION:
            raise LibraryNotFoundError(
                f"{path} has C API version {version}; this mlpjit package "
                f"was written for version {C_API_VERSION}")
        lib._mlpjit_path = path
        return lib
    raise LibraryNotFoundError(
        "mlpjit: cannot load libmlpjit.so (set MLPJIT_LIBRARY to its path, or "
        "put it next to the mlpjit package); tried:\n  " + "\n  ".join(tried))


_lib = None
_lock = threading.Lock()


def lib():
    """The loaded library, loaded on first call (LibraryNotFoundError if none)."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                _lib = _load()
    return _lib


def _reset_for_tests():
    global _lib
    _lib = None
