"""What mlpjit.compile accepts as a spec, reduced to what the C API takes: a
path (mlpjit_program_compile) or text with a diagnostic name
(mlpjit_program_compile_string)."""
import json
import os
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class SpecSource:
    path: Optional[str] = None  # a .mlp spec or config.json on disk
    text: Optional[str] = None  # spec or config.json text
    name: Optional[str] = None  # the text's name in diagnostics; ends in .json for configs


def _json_default(value):
    # PretrainedConfig.to_dict() may leave a torch.dtype in torch_dtype/dtype;
    # the front end reads those keys as "bfloat16", "float16", ...
    s = str(value)
    return s[len("torch."):] if s.startswith("torch.") else s


def _config_name(config):
    stem = config.get("model_type") or "config"
    return f"{stem}.json"


def from_config_dict(config, name=None):
    if not isinstance(config, dict):
        raise TypeError(f"expected a dict, got {type(config).__name__}")
    return SpecSource(text=json.dumps(config, default=_json_default),
                      name=name or _config_name(config))


def normalize(spec, name=None):
    """A path (str or os.PathLike), spec/config.json text, a config dict, or a
    Hugging Face config object (anything with to_dict()) -> SpecSource."""
    if isinstance(spec, bytes):
        spec = spec.decode("utf-8")
    if isinstance(spec, os.PathLike):
        path = os.fspath(spec)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"mlpjit: no such spec file: {path}")
        return SpecSource(path=path)
    if isinstance(spec, dict):
        return from_config_dict(spec, name)
    if isinstance(spec, str):
        if "\n" not in spec and "{" not in spec:
            # One line without a block: a path (a one-line spec needs '{').
            if not os.path.isfile(spec):
                raise FileNotFoundError(f"mlpjit: no such spec file: {spec}")
            return SpecSource(path=spec)
        if spec.lstrip("\ufeff \t\r\n").startswith("{"):
            return SpecSource(text=spec, name=name or "config.json")
        return SpecSource(text=spec, name=name or "<string>")
    to_dict = getattr(spec, "to_dict", None)
    if callable(to_dict):
        config = to_dict()
        if not isinstance(config, dict):
            raise TypeError(f"{type(spec).__name__}.to_dict() returned "
                            f"{type(config).__name__}, not a dict")
        return from_config_dict(config, name)
    raise TypeError(
        "mlpjit: a spec is a .mlp/config.json path, spec text, a config dict or "
        f"a Hugging Face config object; got {type(spec).__name__}")


_ACT_SPELLING = ("swiglu", "geglu_tanh", "geglu_erf", "reglu",
                 "gelu_tanh", "gelu_erf", "relu", "silu")


def block_text(name, hidden, intermediate, activation="swiglu", dtype="bf16",
               bias=False, tokens=None, packed_gate_up=False, tp=None):
    """One `mlp` block as spec text (docs/spec-language.md)."""
    if activation not in _ACT_SPELLING:
        raise ValueError(f"mlpjit: unknown activation {activation!r}; one of "
                         + ", ".join(_ACT_SPELLING))
    lines = [f"mlp {name} {{",
             f"  hidden = {int(hidden)}",
             f"  intermediate = {int(intermediate)}",
             f"  activation = {activation}",
             f"  dtype = {dtype}",
             f"  bias = {'true' if bias else 'false'}"]
    if tokens is not None:
        lo, hi = tokens
        lines.append(f"  tokens = {int(lo)}..{int(hi)}")
    if packed_gate_up:
        lines.append("  packed_gate_up = true")
    if tp is not None:
        lines.append(f"  tp = {int(tp)}")
    lines.append("}")
    return "\n".join(lines) + "\n"
