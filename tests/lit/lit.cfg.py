# lit configuration for mlpjit: every *.mlir, *.mlp and *.test file below here.
import os
import lit.formats

config.name = "mlpjit"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".mlp", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mlpjit_obj_root, "tests", "lit")

config.environment["PATH"] = os.pathsep.join(
    [config.mlpjit_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
# Tests never touch the user's cache.
config.environment["MLPJIT_CACHE"] = "0"
# Nor tuned plans: every plan is the heuristic's unless a test names a file.
config.environment["MLPJIT_TUNING_FILE"] = ""
config.substitutions.append(("%models", config.models_dir))
# Stand-in drivers of tests/fake-driver: %fakecuda-current, %fakecuda-unversioned.
config.substitutions.append(("%fakecuda", os.path.join(config.mlpjit_obj_root, "lib", "fake-cuda")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
