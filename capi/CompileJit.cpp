//===- CompileJit.cpp - libmlpjit.so: the JIT (spec -> NVRTC -> programs) -===//
#include "CompileHook.h"

#include "mlpjit/Pipeline/Compile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlpjit;

mlpjit_status capi::compileSpec(const CompileRequest &request,
                                std::vector<MlpProgram> &programs,
                                std::string &error) {
  // Notes about lossy config choices are not errors: dropped here, as the
  // caller has no stream to print them on.
  std::string notes;
  llvm::raw_string_ostream notesStream(notes);
  llvm::Expected<std::vector<MlpSpec>> specs = std::vector<MlpSpec>{};
  if (request.path) {
    if (!llvm::sys::fs::exists(request.path)) {
      error =
          std::string("mlpjit: cannot read ") + request.path + ": no such file";
      return MLPJIT_ERROR_IO;
    }
    specs = loadSpecFile(request.path, &notesStream);
  } else {
    llvm::StringRef name = request.name ? request.name : "<string>";
    llvm::StringRef text = request.text;
    // A config.json is JSON: its text starts with '{'.
    if (text.ltrim().starts_with("{")) {
      auto spec = importHFConfig(text, name, &notesStream);
      if (spec)
        specs = std::vector<MlpSpec>{std::move(*spec)};
      else
        specs = spec.takeError();
    } else {
      specs = parseSpecBuffer(text, name);
    }
  }
  if (!specs) {
    error = llvm::toString(specs.takeError());
    return MLPJIT_ERROR_SPEC;
  }
  const mlpjit_compile_options &o = request.options;
  CompileOptions options;
  options.arch = request.arch;
  // The programs are loaded (or written as an artifact): cubins spare the
  // driver's JIT at load.
  options.cubin = true;
  options.threads = o.threads;
  for (MlpSpec &spec : *specs) {
    if (o.tokens_min > 0)
      spec.tokensMin = o.tokens_min;
    if (o.tokens_max > 0)
      spec.tokensMax = o.tokens_max;
    if (o.tensor_parallel > 0)
      if (llvm::Error e = setTensorParallel(spec, o.tensor_parallel)) {
        error = llvm::toString(std::move(e));
        return MLPJIT_ERROR_SPEC;
      }
    if (llvm::Error e = validateSpec(spec)) {
      error = llvm::toString(std::move(e));
      return MLPJIT_ERROR_SPEC;
    }
  }
  if (request.parseOnly)
    return MLPJIT_OK;
  for (const MlpSpec &spec : *specs) {
    auto compiled = compileMlp(spec, options);
    if (!compiled) {
      error = llvm::toString(compiled.takeError());
      return MLPJIT_ERROR_COMPILE;
    }
    programs.push_back(toProgram(*compiled));
  }
  return MLPJIT_OK;
}
