//===- config-fuzz.cpp - libFuzzer target for the config.json importer ----===//
//
// Any input must either import into a spec that satisfies every rule, or give
// one diagnostic naming the file. Violations abort.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Frontend/MlpSpec.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  std::string notes;
  llvm::raw_string_ostream os(notes);
  auto spec = mlpjit::importHFConfig(text, "fuzz.json", &os);
  if (!spec) {
    std::string message = llvm::toString(spec.takeError());
    if (!llvm::StringRef(message).starts_with("fuzz.json") ||
        message.find(" error: ") == std::string::npos) {
      fprintf(stderr, "malformed diagnostic: %s\n", message.c_str());
      abort();
    }
    return 0;
  }
  if (llvm::Error err = mlpjit::validateSpec(*spec)) {
    fprintf(stderr, "imported spec breaks a rule: %s\n",
            llvm::toString(std::move(err)).c_str());
    abort();
  }
  return 0;
}
