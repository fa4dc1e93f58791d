//===- TemplateHeaders.h - the kernel templates embedded in the binary ----===//
//
// NVRTC compiles generated kernels against the headers under templates/mlpjit,
// which the build embeds (templates/CMakeLists.txt), so a deployed binary
// needs no source tree. Their hash is part of every cache key.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_CODEGEN_TEMPLATEHEADERS_H
#define MLPJIT_CODEGEN_TEMPLATEHEADERS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlpjit {
namespace codegen {

struct EmbeddedHeader {
  llvm::StringRef path; // as included, e.g. "mlpjit/sm90/gemm_tma_ws.cuh"
  llvm::StringRef contents;
};

/// Every header under templates/mlpjit, sorted by path.
llvm::ArrayRef<EmbeddedHeader> embeddedTemplateHeaders();

/// SHA-256 hex of all embedded paths and contents.
const std::string &templateHeadersHash();

/// The embedded header at `path`, if any.
std::optional<llvm::StringRef> findTemplateHeader(llvm::StringRef path);

} // namespace codegen
} // namespace mlpjit

#endif // MLPJIT_CODEGEN_TEMPLATEHEADERS_H
