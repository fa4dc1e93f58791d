"""Tiers: the CPU tests need only Debian's python3 + pytest (+ numpy); tests
that load libmlpjit.so need MLPJIT_LIBRARY (or the library next to the
package); compile_ptx tests need mlpjit-dump (MLPJIT_DUMP, or the build's
bin/); GPU tests need torch with CUDA. Each skips, saying why, without its
prerequisite."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
REPO = os.path.dirname(PYTHON_DIR)
MODELS = os.path.join(REPO, "tests", "fixtures", "models")
HEADER = os.path.join(REPO, "runtime", "include", "mlpjit", "mlpjit_c.h")

# The package under test is this checkout's, not an installed copy.
sys.path.insert(0, PYTHON_DIR)


@pytest.fixture
def library():
    """The real library, or a skip naming what is missing."""
    import mlpjit
    from mlpjit import _capi
    _capi._reset_for_tests()
    try:
        return _capi.lib()
    except mlpjit.LibraryNotFoundError as e:
        pytest.skip(f"libmlpjit.so not available (set MLPJIT_LIBRARY): {e}")


@pytest.fixture
def dump_tool():
    import mlpjit
    from mlpjit._tools import find_tool
    try:
        return find_tool("mlpjit-dump")
    except mlpjit.ToolNotFoundError as e:
        pytest.skip(str(e))
