//===- CompileNone.cpp - libmlpjit_runtime.so: no JIT ---------------------===//
#include "CompileHook.h"

mlpjit_status mlpjit::capi::compileSpec(const CompileRequest &,
                                        std::vector<MlpProgram> &,
                                        std::string &error) {
  error = "mlpjit: this is the runtime-only library (libmlpjit_runtime.so): "
          "it loads artifacts from mlpjit-compile (mlpjit_program_load) but "
          "does not compile specs; link libmlpjit.so for the JIT";
  return MLPJIT_ERROR_NOT_SUPPORTED;
}
