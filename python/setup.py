"""MLPJIT_BUNDLE_LIBRARY=/abs/path/to/libmlpjit.so pip install ./python copies
the library into the package, where mlpjit finds it without MLPJIT_LIBRARY.
The path must be absolute: pip runs this from the package's directory."""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPy(build_py):
    def run(self):
        super().run()
        lib = os.environ.get("MLPJIT_BUNDLE_LIBRARY")
        if lib:
            if not os.path.isabs(lib) or not os.path.isfile(lib):
                raise SystemExit(f"MLPJIT_BUNDLE_LIBRARY={lib}: not an absolute path "
                                 "to a file")
            dest = os.path.join(self.build_lib, "mlpjit", "libmlpjit.so")
            shutil.copyfile(lib, dest)


setup(cmdclass={"build_py": BuildPy})
