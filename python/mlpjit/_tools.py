"""Device-free compilation through the command-line tools.

The C API compiles for a context's device, so without a GPU there is no
program. The tools run the same pipeline (front end, passes, codegen, NVRTC)
for a named arch and need no driver: compile_ptx wraps `mlpjit-dump
--stage=ptx` and compile_artifact `mlpjit-compile` (an artifact mlpjit.load
reads on the GPU host), so specs are checked and compiled on build machines."""
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


def _run(tool, src, args, what):
    """Run `tool` on the spec `src` (text is written to a temporary file of
    its name, so diagnostics keep it) -> None, or raise SpecError/MlpjitError."""
    with tempfile.TemporaryDirectory(prefix="mlpjit-spec-") as tmp:
        path = src.path
        if path is None:
            base = os.path.basename(src.name or "")
            if not base or base.startswith("<") or "/" in (src.name or ""):
                base = "spec.mlp"
            path = os.path.join(tmp, base)
            with open(path, "w", encoding="utf-8") as f:
                f.write(src.text)
        r = subprocess.run([tool, path] + args, capture_output=True, text=True)
    if r.returncode == 0:
        return
    message = r.stderr.strip() or f"{os.path.basename(tool)} exited {r.returncode}"
    prefix = os.path.basename(tool) + ": "
    message = message[len(prefix):] if message.startswith(prefix) else message
    if src.path is None:
        message = message.replace(path, src.name or "<string>")
    # A diagnostic with a place, or naming a config key, is the front end's;
    # anything else (NVRTC, I/O) is a compile failure.
    if _DIAG.search(message) or "error: key '" in message:
        raise SpecError(2, message)
    raise MlpjitError(3, f"{what}: {message}")


def compile_ptx(spec, *, arch="sm_90a", tp=None, name=None, tool=None):
    """Compile `spec` (anything mlpjit.compile takes) to PTX for `arch` without
    a GPU -> {kernel name: PTX text}. Spec errors raise SpecError with the
    front end's file:line:col diagnostic."""
    src = normalize(spec, name)
    tool = tool or find_tool("mlpjit-dump")
    with tempfile.TemporaryDirectory(prefix="mlpjit-ptx-") as out:
        args = ["--stage=ptx", f"--arch={arch}", "-o", out]
        if tp is not None:
            args.append(f"--tp={int(tp)}")
        _run(tool, src, args, "compiling to PTX")
        ptx = {}
        for fname in sorted(os.listdir(out)):
            if fname.endswith(".ptx"):
                with open(os.path.join(out, fname), encoding="utf-8") as f:
                    ptx[fname[:-4]] = f.read()
    if not ptx:
        raise MlpjitError(3, f"{os.path.basename(tool)} wrote no PTX")
    return ptx


def compile_artifact(spec, output, *, arch="sm_90a", tokens=None, tp=None, cubin=True,
                     jobs=0, name=None, tool=None):
    """Compile `spec` ahead of time, without a GPU, into an artifact for
    mlpjit.load (mlpjit-compile: cubins for each arch plus PTX) -> its path.
    arch: one or several ("sm_90a,sm_80" or a list)."""
    src = normalize(spec, name)
    tool = tool or find_tool("mlpjit-compile")
    archs = arch if isinstance(arch, str) else ",".join(arch)
    output = os.path.abspath(os.fspath(output))
    args = [f"--arch={archs}", "-o", output]
    if tokens is not None:
        lo, hi = (1, tokens) if isinstance(tokens, int) else tokens
        args.append(f"--tokens={int(lo)}..{int(hi)}")
    if tp is not None:
        args.append(f"--tp={int(tp)}")
    if not cubin:
        args.append("--no-cubin")
    if jobs:
        args.append(f"-j={int(jobs)}")
    _run(tool, src, args, "compiling the artifact")
    return output
