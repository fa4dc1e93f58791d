"""The ctypes bindings against the committed header, with no library: every
function declared is bound with the declared arity, and every structure has
the C compiler's size and field offsets."""
import ctypes
import os
import re
import shutil
import subprocess

import pytest

from conftest import HEADER
from mlpjit import _capi

if not os.path.isfile(HEADER):
    pytest.skip(f"{HEADER} is not here (python/ without the repository)",
                allow_module_level=True)


def header_text():
    with open(HEADER) as f:
        # Drop comments: they contain prose like "mlpjit_forward(layer, ...)".
        return re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)


def declared_functions():
    text = re.sub(r"\s+", " ", header_text())
    out = {}
    for m in re.finditer(r"MLPJIT_API [^;(]*?\b(mlpjit_\w+)\s*\(([^)]*)\)\s*;", text):
        params = m.group(2).strip()
        out[m.group(1)] = 0 if params in ("", "void") else params.count(",") + 1
    return out


def test_every_declared_function_is_bound_with_its_arity():
    declared = declared_functions()
    assert len(declared) >= 20, declared  # the regex found the API
    assert set(declared) == set(_capi.PROTOTYPES)
    for name, arity in declared.items():
        assert len(_capi.PROTOTYPES[name][1]) == arity, name


def test_c_api_version_matches_header():
    m = re.search(r"#define MLPJIT_C_API_VERSION (\d+)", header_text())
    assert int(m.group(1)) == _capi.C_API_VERSION


def test_status_codes_match_header():
    body = re.search(r"typedef enum mlpjit_status \{(.*?)\}", header_text(), re.S).group(1)
    codes = {int(v): k for k, v in re.findall(r"(MLPJIT_\w+) = (\d+)", body)}
    assert codes == _capi.STATUS_NAMES
    body = re.search(r"typedef enum mlpjit_dtype \{(.*?)\}", header_text(), re.S).group(1)
    assert dict(re.findall(r"MLPJIT_(\w+) = (\d+)", body)) == {
        "BF16": str(_capi.BF16), "FP16": str(_capi.FP16)}


STRUCTS = {
    "mlpjit_compile_options": _capi.CompileOptions,
    "mlpjit_block_info": _capi.BlockInfo,
    "mlpjit_weights": _capi.Weights,
    "mlpjit_tp_slice": _capi.TpSlice,
}


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler (cc)")
def test_struct_layouts_match_the_c_compiler(tmp_path):
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "mlpjit_c.h"',
             "int main(void) {"]
    for cname, cls in STRUCTS.items():
        lines.append(f'  printf("{cname} sizeof %zu\\n", sizeof({cname}));')
        for field, _ in cls._fields_:
            lines.append(f'  printf("{cname} {field} %zu\\n", offsetof({cname}, {field}));')
    lines += ["  return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", "-I", os.path.dirname(HEADER),
                    str(src), "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    c = {tuple(l.split()[:2]): int(l.split()[2]) for l in out.splitlines()}
    for cname, cls in STRUCTS.items():
        assert c[(cname, "sizeof")] == ctypes.sizeof(cls), cname
        for field, _ in cls._fields_:
            assert c[(cname, field)] == getattr(cls, field).offset, (cname, field)
