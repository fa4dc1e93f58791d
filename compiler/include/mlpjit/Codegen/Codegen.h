//===- Codegen.h - one CUDA translation unit per planned kernel -----------===//
//
// A KernelDesc (the planner's output) becomes a small translation unit that
// includes its template's header and instantiates it with the plan's
// constants; compileKernel takes it through the cache and NVRTC to PTX.
// MLIR-free.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_CODEGEN_CODEGEN_H
#define MLPJIT_CODEGEN_CODEGEN_H

#include "mlpjit/GemmLaunch.h" // toGemmConfig
#include "mlpjit/KernelDesc.h"
#include "mlpjit/gemm_config.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlpjit {
class KernelCache;

namespace codegen {

/// A kernel template family as codegen instantiates it.
struct TemplateInfo {
  llvm::StringRef name;      // KernelDesc::templateName, e.g. "sm80_mma"
  llvm::StringRef header;    // e.g. "mlpjit/sm80/gemm_mma.cuh"
  llvm::StringRef className; // e.g. "mlpjit::sm80::GemmMma"
  int minSm;                 // lowest compute capability (80 = sm_80)
  bool needsArchSpecific;    // needs the 'a' target (sm_90a: wgmma, setmaxnreg)
};

/// The template called `name`, or null when there is none of that name.
const TemplateInfo *findTemplate(llvm::StringRef name);
/// Names of all template families codegen knows.
std::vector<llvm::StringRef> templateNames();
/// True when this build embeds the template's header (the Hopper template may
/// be absent from early builds).
bool isTemplateAvailable(llvm::StringRef name);

/// Parses "sm_90a" / "sm_80" into 90 / 80 and whether it has the 'a' suffix.
llvm::Expected<std::pair<int, bool>> parseArch(llvm::StringRef arch);

/// Checks that `desc` is a kernel its template can build for its arch: a
/// clear message naming the kernel and the violated rule otherwise.
llvm::Error validateKernel(const KernelDesc &desc);

/// The CUDA C++ translation unit of `desc` (call validateKernel first).
std::string generateKernelSource(const KernelDesc &desc);

/// One kernel taken from KernelDesc to PTX.
struct CompiledKernelArtifact {
  std::string source; // generateKernelSource(desc)
  std::string ptx;
  std::string log;      // NVRTC's log (empty on a cache hit)
  std::string cacheKey; // CacheKey::compute(...) of this kernel
  bool cacheHit = false;
};

/// validate -> generate -> cache lookup -> NVRTC -> cache store. `cache` may
/// be null (no caching).
llvm::Expected<CompiledKernelArtifact> compileKernel(const KernelDesc &desc,
                                                     KernelCache *cache);

} // namespace codegen
} // namespace mlpjit

#endif // MLPJIT_CODEGEN_CODEGEN_H
