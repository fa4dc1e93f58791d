//===- TemplateHeaders.cpp ------------------------------------------------===//
#include "mlpjit/Codegen/TemplateHeaders.h"

#include "EmbeddedTemplates.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <vector>

using namespace mlpjit;

llvm::ArrayRef<codegen::EmbeddedHeader> codegen::embeddedTemplateHeaders() {
  static const std::vector<EmbeddedHeader> headers = [] {
    std::vector<EmbeddedHeader> all;
    for (size_t i = 0; i < templates::kEmbeddedFileCount; ++i) {
      const templates::EmbeddedFile &file = templates::kEmbeddedFiles[i];
      all.push_back({file.path, llvm::StringRef(file.contents, file.size)});
    }
    return all;
  }();
  return headers;
}

const std::string &codegen::templateHeadersHash() {
  static const std::string hash = [] {
    llvm::SHA256 hasher;
    for (const EmbeddedHeader &header : embeddedTemplateHeaders()) {
      // Length-prefixed so that moving bytes between files changes the hash.
      hasher.update(std::to_string(header.path.size()) + ":");
      hasher.update(header.path);
      hasher.update(std::to_string(header.contents.size()) + ":");
      hasher.update(header.contents);
    }
    return llvm::toHex(hasher.final(), /*LowerCase=*/true);
  }();
  return hash;
}

std::optional<llvm::StringRef>
codegen::findTemplateHeader(llvm::StringRef path) {
  for (const EmbeddedHeader &header : embeddedTemplateHeaders())
    if (header.path == path)
      return header.contents;
  return std::nullopt;
}
