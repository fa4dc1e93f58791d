//===- Frontend.h - the front end's MLIR-free entry points for tools
//-------===//
//
// Tools that only need specs (mlpjit-bench, mlpjit-run) include this header;
// EmitModule.h is the MLIR half.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_FRONTEND_FRONTEND_H
#define MLPJIT_FRONTEND_FRONTEND_H

#include "mlpjit/Frontend/MlpSpec.h"

namespace mlpjit {

/// loadSpecFile with its notes (lossy config choices) written to `notes`.
inline llvm::Expected<std::vector<MlpSpec>>
loadMlpFile(llvm::StringRef path, llvm::raw_ostream &notes) {
  return loadSpecFile(path, &notes);
}

} // namespace mlpjit

#endif // MLPJIT_FRONTEND_FRONTEND_H
