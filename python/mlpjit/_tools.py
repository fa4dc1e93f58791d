"""Device-free compilation through the command-line tools.

The C API compiles for a context's device, so without a GPU there is no
program. `mlpjit-dump --stage=ptx` runs the same pipeline (front end, passes,
codegen, NVRTC) for a named arch and needs no driver: compile_ptx wraps it so
that specs can be checked and compiled on a build or CI machine."""
import os
import re
import shutil
import subprocess
import tempfile

from ._runtime import MlpjitError, SpecError
from ._spec import normalize


class ToolNotFoundError(FileNotFoundError):
    """An mlpjit command-line tool could not be found."""


def find_tool(name):
    """$MLPJIT_<NAME> (mlpjit-dump -> MLPJIT_DUMP), the bin/ beside the
    library's lib/ (a build tree or an install prefix), then PATH."""
    env = "MLPJIT_" + name[len("mlpjit-"):].upper().replace("-", "_")
    tried = []
    explicit = os.environ.get(env)
    if explicit:
        if os.access(explicit, os.X_OK):
            return explicit
        raise ToolNotFoundError(f"mlpjit: {env}={explicit} is not an executable")
    lib = os.environ.get("MLPJIT_LIBRARY")
    here = os.path.dirname(os.path.abspath(__file__))
    for base in filter(None, [lib and os.path.dirname(os.path.abspath(lib)), here]):
        for rel in (os.path.join("..", "bin", name), name):
            path = os.path.normpath(os.path.join(base, rel))
            if os.access(path, os.X_OK) and os.path.isfile(path):
                return path
            tried.append(path)
    path = shutil.which(name)
    if path:
        return path
    raise ToolNotFoundError(
        f"mlpjit: cannot find {name} (set {env}, or put it on PATH); tried "
        + ", ".join(tried) + " and PATH")


_DIAG = re.compile(r"^(?P<place>[^\n]*?:\d+:\d+): error: ", re.M)


def compile_ptx(spec, *, arch="sm_90a", tp=None, name=None, tool=None):
    """Compile `spec` (anything mlpjit.compile takes) to PTX for `arch` without
    a GPU -> {kernel name: PTX text}. Spec errors raise SpecError with the
    front end's file:line:col diagnostic."""
    src = normalize(spec, name)
    tool = tool or find_tool("mlpjit-dump")
    with tempfile.TemporaryDirectory(prefix="mlpjit-ptx-") as tmp:
        path = src.path
        if path is None:
            # The front end names its diagnostics after the file, so the
            # text keeps its name (a config must end in .json to be one).
            base = os.path.basename(src.name or "")
            if not base or base.startswith("<") or "/" in (src.name or ""):
                base = "spec.mlp"
            path = os.path.join(tmp, base)
            with open(path, "w", encoding="utf-8") as f:
                f.write(src.text)
        out = os.path.join(tmp, "ptx")
        cmd = [tool, path, "--stage=ptx", f"--arch={arch}", "-o", out]
        if tp is not None:
            cmd.append(f"--tp={int(tp)}")
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            message = r.stderr.strip() or f"{os.path.basename(tool)} exited {r.returncode}"
            if src.path is None:
                message = message.replace(path, src.name or "<string>")
            # A diagnostic with a place is the front end's; anything else
            # (NVRTC, I/O) is a compile failure.
            if _DIAG.search(message) or "error: key '" in message:
                raise SpecError(2, message)
            raise MlpjitError(3, message)
        ptx = {}
        for fname in sorted(os.listdir(out)):
            if fname.endswith(".ptx"):
                with open(os.path.join(out, fname), encoding="utf-8") as f:
                    ptx[fname[:-4]] = f.read()
        if not ptx:
            raise MlpjitError(3, f"{os.path.basename(tool)} wrote no PTX")
        return ptx
