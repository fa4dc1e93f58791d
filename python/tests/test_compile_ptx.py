"""mlpjit.compile_ptx: specs and configs to PTX without a GPU (mlpjit-dump),
and spec errors as SpecError with file:line:col."""
import os

import pytest

from conftest import MODELS
import mlpjit

# Small, and a narrow token range: few buckets, so NVRTC stays quick.
SMALL = "mlp small {\n  hidden = 256\n  intermediate = 512\n  tokens = 1..16\n}\n"


def test_spec_text_to_ptx(dump_tool):
    ptx = mlpjit.compile_ptx(SMALL, arch="sm_90a")
    assert ptx and all(k.startswith("small_") for k in ptx), list(ptx)
    assert any("gate" in k for k in ptx) and any("down" in k for k in ptx), list(ptx)
    for text in ptx.values():
        assert ".target sm_90a" in text and ".entry" in text


def test_sm80_fallback_to_ptx(dump_tool):
    ptx = mlpjit.compile_ptx(SMALL, arch="sm_80")
    assert all(".target sm_80" in t for t in ptx.values())


def test_bad_spec_file_names_file_line_col(dump_tool, tmp_path):
    bad = tmp_path / "bad.mlp"
    bad.write_text("mlp a {\n  hidden = 4100\n  intermediate = 64\n}\n")
    with pytest.raises(mlpjit.SpecError) as e:
        mlpjit.compile_ptx(str(bad))
    assert f"{bad}:2:12: error: hidden must be a multiple of 8, got 4100" in str(e.value)
    assert isinstance(e.value, ValueError) and e.value.status_name == "MLPJIT_ERROR_SPEC"


def test_bad_spec_text_is_named_by_its_name(dump_tool):
    with pytest.raises(mlpjit.SpecError) as e:
        mlpjit.compile_ptx("mlp a {\n  hiden = 64\n}\n", name="mine.mlp")
    msg = str(e.value)
    assert "mine.mlp:2:3: error: unknown key 'hiden'; did you mean 'hidden'?" in msg
    assert "/tmp" not in msg  # the temporary file's path is not leaked


def test_config_dict_to_ptx_and_its_errors(dump_tool):
    cfg = {"model_type": "llama", "hidden_size": 256, "intermediate_size": 512,
           "hidden_act": "silu", "torch_dtype": "float16"}
    # A config sets no token range: the full default range compiles (more buckets).
    ptx = mlpjit.compile_ptx(cfg, arch="sm_80")
    assert ptx and all(k.startswith("llama_") for k in ptx), list(ptx)
    with pytest.raises(mlpjit.SpecError, match="key 'hidden_size'"):
        mlpjit.compile_ptx(dict(cfg, hidden_size="big"))


def test_config_file_to_ptx_with_tp(dump_tool):
    ptx = mlpjit.compile_ptx(os.path.join(MODELS, "llama-3-70b.json"), arch="sm_90a", tp=8)
    assert ptx and all(".entry" in t for t in ptx.values())


def test_missing_tool(monkeypatch):
    monkeypatch.setenv("MLPJIT_DUMP", "/nonexistent/mlpjit-dump")
    with pytest.raises(mlpjit.ToolNotFoundError, match="MLPJIT_DUMP=/nonexistent"):
        mlpjit.compile_ptx(SMALL)


@pytest.fixture
def compile_tool():
    from mlpjit._tools import find_tool
    try:
        return find_tool("mlpjit-compile")
    except mlpjit.ToolNotFoundError as e:
        pytest.skip(str(e))


def test_artifact_without_a_gpu(compile_tool, tmp_path):
    out = mlpjit.compile_artifact(SMALL, tmp_path / "small.mlpx", arch=["sm_90a", "sm_80"],
                                  tokens=(1, 8))
    import json
    with open(out) as f:
        art = json.load(f)
    assert art["format"] == "mlpjit-artifact-4" and art["archs"] == ["sm_90a", "sm_80"]
    with pytest.raises(mlpjit.SpecError, match=r"bad\.mlp:1:5: error: mlp 'a' has no 'hidden'"):
        mlpjit.compile_artifact("mlp a {\n}\n", tmp_path / "x.mlpx", name="bad.mlp")
    with pytest.raises(mlpjit.MlpjitError, match="unknown arch 'sm_91'"):
        mlpjit.compile_artifact(SMALL, tmp_path / "y.mlpx", arch="sm_91")
