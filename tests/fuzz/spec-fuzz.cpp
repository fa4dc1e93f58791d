//===- spec-fuzz.cpp - libFuzzer target for the .mlp spec parser ----------===//
//
// Any input must either parse into specs that satisfy every rule, or give one
// diagnostic naming the buffer and a location. Violations abort.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Frontend/MlpSpec.h"

#include "llvm/ADT/StringSet.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  auto specs = mlpjit::parseSpecBuffer(text, "fuzz.mlp");
  if (!specs) {
    std::string message = llvm::toString(specs.takeError());
    if (!llvm::StringRef(message).starts_with("fuzz.mlp:") ||
        message.find(": error: ") == std::string::npos) {
      fprintf(stderr, "malformed diagnostic: %s\n", message.c_str());
      abort();
    }
    return 0;
  }
  if (specs->empty())
    abort(); // an empty file is an error
  llvm::StringSet<> names;
  for (const mlpjit::MlpSpec &spec : *specs) {
    if (llvm::Error err = mlpjit::validateSpec(spec)) {
      fprintf(stderr, "parsed spec breaks a rule: %s\n",
              llvm::toString(std::move(err)).c_str());
      abort();
    }
    if (!names.insert(spec.funcName()).second)
      abort(); // duplicate function names must be rejected
  }
  return 0;
}
