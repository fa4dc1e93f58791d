//===- Nvrtc.cpp - CUDA C++ to PTX with NVRTC -----------------------------===//
#include "mlpjit/Codegen/Nvrtc.h"

#include "mlpjit/Codegen/TemplateHeaders.h"

#include "llvm/Support/FormatVariadic.h"

#include <nvrtc.h>

#include <cstdlib>
#include <memory>

using namespace mlpjit;
using namespace mlpjit::codegen;

std::string codegen::cudaIncludeDir() {
  if (const char *dir = std::getenv("MLPJIT_CUDA_INCLUDE"); dir && *dir)
    return dir;
  return MLPJIT_CUDA_INCLUDE_DIR;
}

std::string codegen::nvrtcVersionString() {
  int major = 0, minor = 0;
  if (::nvrtcVersion(&major, &minor) != NVRTC_SUCCESS)
    return "unknown";
  return llvm::formatv("{0}.{1}", major, minor).str();
}

std::vector<std::string> codegen::nvrtcFlags(llvm::StringRef arch, bool cubin) {
  // sm_XY[a] -> compute_XY[a]: PTX for the virtual architecture, which the
  // driver (or ptxas) assembles for the real one. With `cubin` the real
  // one: NVRTC then assembles it too and still gives the same PTX.
  std::string target = arch.str();
  if (!cubin && llvm::StringRef(target).starts_with("sm_"))
    target = "compute_" + target.substr(3);
  // IEEE math (no --use_fast_math): the epilogues call __expf explicitly
  // where the fast path is wanted.
  return {"--gpu-architecture=" + target, "-std=c++17", "-default-device",
          "-I" + cudaIncludeDir()};
}

namespace {
struct ProgramDeleter {
  void operator()(nvrtcProgram program) const { nvrtcDestroyProgram(&program); }
};
using ProgramHandle =
    std::unique_ptr<std::remove_pointer_t<nvrtcProgram>, ProgramDeleter>;
} // namespace

static llvm::Error nvrtcError(llvm::StringRef what, nvrtcResult result,
                              llvm::StringRef name) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "NVRTC " + what + " failed for '" + name +
                                     "': " + nvrtcGetErrorString(result));
}

llvm::Expected<PtxResult> codegen::compileToPtx(llvm::StringRef source,
                                                llvm::StringRef name,
                                                llvm::StringRef arch,
                                                bool withCubin) {
  // NVRTC programs are independent, so concurrent compiles need no lock.
  llvm::ArrayRef<EmbeddedHeader> headers = embeddedTemplateHeaders();
  std::vector<std::string> headerStorage; // NUL-terminated copies
  headerStorage.reserve(2 * headers.size());
  for (const EmbeddedHeader &header : headers) {
    headerStorage.push_back(header.contents.str());
    headerStorage.push_back(header.path.str());
  }
  std::vector<const char *> contents, includeNames;
  for (size_t i = 0; i < headerStorage.size(); i += 2) {
    contents.push_back(headerStorage[i].c_str());
    includeNames.push_back(headerStorage[i + 1].c_str());
  }
  std::string sourceText = source.str();
  std::string programName = (name + ".cu").str();

  nvrtcProgram raw = nullptr;
  if (nvrtcResult r = nvrtcCreateProgram(
          &raw, sourceText.c_str(), programName.c_str(), int(contents.size()),
          contents.data(), includeNames.data());
      r != NVRTC_SUCCESS)
    return nvrtcError("nvrtcCreateProgram", r, name);
  ProgramHandle program(raw);

  PtxResult result;
  result.flags = nvrtcFlags(arch, withCubin);
  std::vector<const char *> options;
  for (const std::string &flag : result.flags)
    options.push_back(flag.c_str());
  nvrtcResult compiled =
      nvrtcCompileProgram(program.get(), int(options.size()), options.data());

  size_t logSize = 0;
  if (nvrtcGetProgramLogSize(program.get(), &logSize) == NVRTC_SUCCESS &&
      logSize > 1) {
    result.log.resize(logSize);
    if (nvrtcGetProgramLog(program.get(), result.log.data()) != NVRTC_SUCCESS)
      result.log.clear();
    while (!result.log.empty() &&
           (result.log.back() == '\0' || result.log.back() == '\n'))
      result.log.pop_back();
  }
  if (compiled != NVRTC_SUCCESS)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "NVRTC could not compile '" + name + "' for " + arch + " (" +
            nvrtcGetErrorString(compiled) + "):\n" + result.log);

  if (withCubin) {
    size_t size = 0;
    if (nvrtcResult r = nvrtcGetCUBINSize(program.get(), &size);
        r != NVRTC_SUCCESS)
      return nvrtcError("nvrtcGetCUBINSize", r, name);
    result.cubin.resize(size);
    if (nvrtcResult r = nvrtcGetCUBIN(program.get(), result.cubin.data());
        r != NVRTC_SUCCESS)
      return nvrtcError("nvrtcGetCUBIN", r, name);
  }
  size_t ptxSize = 0;
  if (nvrtcResult r = nvrtcGetPTXSize(program.get(), &ptxSize);
      r != NVRTC_SUCCESS)
    return nvrtcError("nvrtcGetPTXSize", r, name);
  result.ptx.resize(ptxSize);
  if (nvrtcResult r = nvrtcGetPTX(program.get(), result.ptx.data());
      r != NVRTC_SUCCESS)
    return nvrtcError("nvrtcGetPTX", r, name);
  while (!result.ptx.empty() && result.ptx.back() == '\0')
    result.ptx.pop_back(); // a std::string, not a C buffer
  return result;
}
