//===- EmbeddedTemplates.h - the template headers as the build embeds them ===//
//
// templates/CMakeLists.txt writes their bytes into one generated source file
// (library mlpjit_templates); codegen serves them to NVRTC
// (compiler/include/mlpjit/Codegen/TemplateHeaders.h). Plain C++: the
// embedding step depends on nothing but this folder.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TEMPLATES_EMBEDDEDTEMPLATES_H
#define MLPJIT_TEMPLATES_EMBEDDEDTEMPLATES_H

#include <cstddef>

namespace mlpjit {
namespace templates {

struct EmbeddedFile {
  const char *path; // as included, e.g. "mlpjit/sm90/gemm_tma_ws.cuh"
  const char *contents;
  size_t size;
};

/// Every header under templates/mlpjit, sorted by path.
extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

} // namespace templates
} // namespace mlpjit

#endif // MLPJIT_TEMPLATES_EMBEDDEDTEMPLATES_H
