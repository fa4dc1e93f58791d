//===- CompileHook.h - the JIT behind mlpjit_program_compile ---*- C++ -*-===//
//
// The C API's one dependency on the compiler, kept behind this function so
// that the runtime-only library (libmlpjit_runtime.so) links no MLIR:
// CompileJit.cpp implements it with the pipeline, CompileNone.cpp refuses.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_CAPI_COMPILEHOOK_H
#define MLPJIT_CAPI_COMPILEHOOK_H

#include "mlpjit/MlpProgram.h"
#include "mlpjit/mlpjit_c.h"

#include <string>
#include <vector>

namespace mlpjit::capi {

struct CompileRequest {
  const char *path = nullptr; // a spec or config.json file, or
  const char *text = nullptr; // its text, named `name` in diagnostics
  const char *name = nullptr;
  std::string arch; // the context's device
  /// Only read and check the spec (no context yet): spec errors come first.
  bool parseOnly = false;
  mlpjit_compile_options options{};
};

/// Compiles every block of the spec: one program per block, in spec order.
/// On failure returns the status and sets `error`.
mlpjit_status compileSpec(const CompileRequest &request,
                          std::vector<MlpProgram> &programs,
                          std::string &error);

} // namespace mlpjit::capi

#endif // MLPJIT_CAPI_COMPILEHOOK_H
