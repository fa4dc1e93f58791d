//===- ToolVersion.h - what every tool's --version prints -----*- C++ -*-===//
#ifndef MLPJIT_TOOLS_TOOLVERSION_H
#define MLPJIT_TOOLS_TOOLVERSION_H

#include "mlpjit/Version.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace mlpjit {

/// `--version` prints mlpjit's version (and the LLVM it was built with)
/// instead of LLVM's banner. Call before parsing the command line.
inline void setToolVersionPrinter(const char *tool) {
  static const char *name = tool;
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << name << " (mlpjit) " << MLPJIT_VERSION_STRING << "\n  built with LLVM "
       << LLVM_VERSION_STRING << "\n";
  });
}

} // namespace mlpjit

#endif // MLPJIT_TOOLS_TOOLVERSION_H
