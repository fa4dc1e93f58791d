"""What mlpjit.compile accepts as a spec, and the spec text nn.GatedMLP writes."""
import json
import os
import pathlib

import pytest

from conftest import MODELS
from mlpjit._spec import SpecSource, block_text, normalize


def test_paths():
    p = os.path.join(MODELS, "llama-3-8b.json")
    assert normalize(p) == SpecSource(path=p)
    assert normalize(pathlib.Path(p)) == SpecSource(path=p)
    with pytest.raises(FileNotFoundError, match="no such spec file: nope.mlp"):
        normalize("nope.mlp")
    with pytest.raises(FileNotFoundError):
        normalize(pathlib.Path("/nonexistent/x.json"))


def test_spec_text_and_json_text():
    s = "mlp a { hidden = 64; intermediate = 128 }"
    assert normalize(s) == SpecSource(text=s, name="<string>")
    assert normalize(s, name="mine.mlp").name == "mine.mlp"
    assert normalize(s.encode()) == SpecSource(text=s, name="<string>")
    j = '\n  {"model_type": "llama"}'
    # JSON text is named *.json: the front end reads a config by that name.
    assert normalize(j) == SpecSource(text=j, name="config.json")


def test_config_dict_and_object():
    cfg = {"model_type": "qwen2", "hidden_size": 64, "intermediate_size": 128,
           "hidden_act": "silu"}
    src = normalize(cfg)
    assert src.name == "qwen2.json" and json.loads(src.text) == cfg

    class FakeDtype:  # what PretrainedConfig.to_dict() may leave in torch_dtype
        def __str__(self):
            return "torch.bfloat16"

    class Config:
        def to_dict(self):
            return dict(cfg, torch_dtype=FakeDtype())

    src = normalize(Config())
    assert json.loads(src.text)["torch_dtype"] == "bfloat16"
    assert src.name == "qwen2.json"
    assert normalize({"hidden_size": 8}).name == "config.json"


def test_rejects_other_types():
    with pytest.raises(TypeError, match="got int"):
        normalize(42)

    class Bad:
        def to_dict(self):
            return [1]

    with pytest.raises(TypeError, match="not a dict"):
        normalize(Bad())


def test_block_text():
    t = block_text("phi3mlp_64x128", 64, 128, "swiglu", "fp16", bias=False,
                   tokens=(1, 1024), packed_gate_up=True)
    assert t == ("mlp phi3mlp_64x128 {\n  hidden = 64\n  intermediate = 128\n"
                 "  activation = swiglu\n  dtype = fp16\n  bias = false\n"
                 "  tokens = 1..1024\n  packed_gate_up = true\n}\n")
    with pytest.raises(ValueError, match="unknown activation 'gelu_new'"):
        block_text("a", 64, 128, "gelu_new")
