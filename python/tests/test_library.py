"""Finding and loading libmlpjit.so: the missing-library error, a library that
is not mlpjit's, a C API version mismatch (stand-ins built with cc), and, when
the real library is present, its identity and the no-GPU error."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PYTHON_DIR
import mlpjit
from mlpjit import _capi


@pytest.fixture
def fresh_loader(monkeypatch):
    _capi._reset_for_tests()
    yield monkeypatch
    _capi._reset_for_tests()


def test_import_needs_neither_torch_nor_the_library():
    # torch blocked (None in sys.modules makes its import fail) and no library.
    code = ("import sys; sys.modules['torch'] = None\n"
            "import mlpjit\n"
            "assert mlpjit.compile and mlpjit.load and mlpjit.compile_ptx\n"
            "try:\n    mlpjit.ops\nexcept ImportError:\n    print('ops-needs-torch')\n")
    env = dict(os.environ, MLPJIT_LIBRARY="/nonexistent/libmlpjit.so", PYTHONPATH=PYTHON_DIR)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ops-needs-torch"


def test_missing_library_names_the_path(fresh_loader):
    fresh_loader.setenv("MLPJIT_LIBRARY", "/nonexistent/libmlpjit.so")
    with pytest.raises(mlpjit.LibraryNotFoundError) as e:
        mlpjit.version()
    assert "/nonexistent/libmlpjit.so: no such file" in str(e.value)
    assert "MLPJIT_LIBRARY" in str(e.value)
    with pytest.raises(mlpjit.LibraryNotFoundError):
        mlpjit.compile("mlp a { hidden = 64; intermediate = 128 }")


def test_search_order(fresh_loader):
    fresh_loader.delenv("MLPJIT_LIBRARY", raising=False)
    paths = _capi.candidate_paths()
    assert paths == [os.path.join(PYTHON_DIR, "mlpjit", "libmlpjit.so"), "libmlpjit.so"]
    fresh_loader.setenv("MLPJIT_LIBRARY", "/x/libmlpjit.so")
    assert _capi.candidate_paths() == ["/x/libmlpjit.so"]  # explicit: no fallback


def build_stub(tmp_path, body):
    if shutil.which("cc") is None:
        pytest.skip("no C compiler (cc)")
    src = tmp_path / "stub.c"
    src.write_text(body + "\n")
    so = tmp_path / "libstub.so"
    subprocess.run(["cc", "-shared", "-fPIC", str(src), "-o", str(so)], check=True)
    return str(so)


def test_a_library_without_the_api_is_refused(tmp_path, fresh_loader):
    fresh_loader.setenv("MLPJIT_LIBRARY", build_stub(tmp_path, "int unrelated(void) { return 0; }"))
    with pytest.raises(mlpjit.LibraryNotFoundError, match="not the mlpjit C API"):
        mlpjit.version()


def stub_api(version):
    """Every function of the header by name (dlsym ignores signatures), doing
    nothing; mlpjit_c_api_version returns `version`."""
    return "\n".join(
        f"long long {n}(void) {{ return {version if n == 'mlpjit_c_api_version' else 0}; }}"
        for n in _capi.PROTOTYPES)


def test_c_api_version_mismatch_is_refused(tmp_path, fresh_loader):
    if shutil.which("cc") is None:
        pytest.skip("no C compiler (cc)")
    # Compiled without the header: the stubs' prototypes differ from it.
    (tmp_path / "stub.c").write_text(stub_api(2))
    lib = tmp_path / "libmlpjit.so"
    subprocess.run(["cc", "-shared", "-fPIC", str(tmp_path / "stub.c"), "-o", str(lib)],
                   check=True)
    fresh_loader.setenv("MLPJIT_LIBRARY", str(lib))
    with pytest.raises(mlpjit.LibraryNotFoundError, match="C API version 2.*version 1"):
        mlpjit.version()


def test_real_library_identity(library):
    assert library.mlpjit_c_api_version() == _capi.C_API_VERSION
    v = mlpjit.version()
    assert len(v.split(".")) == 3 and all(p.isdigit() for p in v.split(".")), v
    for code, name in _capi.STATUS_NAMES.items():
        assert library.mlpjit_status_name(code).decode() == name


def gpu_present():
    return os.path.exists("/dev/nvidiactl") or shutil.which("nvidia-smi") is not None


@pytest.mark.skipif(gpu_present(), reason="a GPU is present: this checks the no-GPU error")
def test_without_a_gpu_compile_raises_a_clear_cuda_error(library):
    with pytest.raises(mlpjit.MlpjitError) as e:
        mlpjit.compile("mlp a { hidden = 64; intermediate = 128 }", device=0)
    assert e.value.status_name == "MLPJIT_ERROR_CUDA"
    assert str(e.value).strip()  # mlpjit_last_error's message, not empty


def test_check_spec_through_the_c_api_without_a_gpu(library, tmp_path):
    assert mlpjit.check_spec("mlp a { hidden = 64; intermediate = 128 }") is None
    assert mlpjit.check_spec({"model_type": "llama", "hidden_size": 64,
                              "intermediate_size": 128, "hidden_act": "silu"}) is None
    bad = tmp_path / "bad.mlp"
    bad.write_text("mlp a {\n  hidden = 4100\n  intermediate = 64\n}\n")
    with pytest.raises(mlpjit.SpecError) as e:
        mlpjit.check_spec(str(bad))
    assert f"{bad}:2:12: error: hidden must be a multiple of 8, got 4100" in str(e.value)
    with pytest.raises(mlpjit.SpecError, match=r"mine\.mlp:2:3: error: unknown key 'hiden'"):
        mlpjit.check_spec("mlp a {\n  hiden = 64\n}\n", name="mine.mlp")
    with pytest.raises(mlpjit.SpecError, match="key 'hidden_size'"):
        mlpjit.check_spec({"model_type": "llama", "hidden_size": "big",
                           "intermediate_size": 128, "hidden_act": "silu"})
    # Options are validated too: 136 splits 4 ways into 34, not a multiple of 8.
    assert mlpjit.check_spec("mlp a { hidden = 64; intermediate = 136 }") is None
    with pytest.raises(mlpjit.SpecError):
        mlpjit.check_spec("mlp a { hidden = 64; intermediate = 136 }", tp=4)


def test_pip_install_bundles_the_library(tmp_path):
    """pip install ./python offline, with MLPJIT_BUNDLE_LIBRARY: the installed
    package loads the copy inside it, with no MLPJIT_LIBRARY."""
    if subprocess.run([sys.executable, "-m", "pip", "--version"],
                      capture_output=True).returncode != 0:
        pytest.skip("no pip for this python")
    if shutil.which("cc") is None:
        pytest.skip("no C compiler (cc)")
    (tmp_path / "stub.c").write_text(stub_api(_capi.C_API_VERSION))
    stub = tmp_path / "libstub.so"
    subprocess.run(["cc", "-shared", "-fPIC", str(tmp_path / "stub.c"), "-o", str(stub)],
                   check=True)
    # A copy: setuptools builds in the source tree.
    src = tmp_path / "src"
    shutil.copytree(PYTHON_DIR, src, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__", "tests", "libmlpjit.so"))
    target = tmp_path / "site"
    env = dict(os.environ, MLPJIT_BUNDLE_LIBRARY=str(stub))
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps",
                        "--no-build-isolation", "--no-index", "--target", str(target),
                        str(src)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (target / "mlpjit" / "libmlpjit.so").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("MLPJIT_LIBRARY", "PYTHONPATH")}
    env["PYTHONPATH"] = str(target)
    r = subprocess.run([sys.executable, "-c", "import mlpjit; from mlpjit import _capi; "
                        "print(mlpjit.__file__); print(_capi.lib()._mlpjit_path)"],
                       env=env, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(target / "mlpjit" / "__init__.py"),
                                str(target / "mlpjit" / "libmlpjit.so")]
