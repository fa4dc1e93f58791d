//===- Codegen.h - one CUDA translation unit per planned kernel -----------===//
//
// A KernelDesc (the planner's output) becomes a small translation unit that
// includes its template family's header (TemplateFamily.h) and instantiates
// it with the plan's constants; compileKernel takes it through the kernel
// cache (KernelCache.h) and NVRTC to PTX (and a cubin). MLIR-free.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_CODEGEN_CODEGEN_H
#define MLPJIT_CODEGEN_CODEGEN_H

#include "mlpjit/KernelDesc.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlpjit {
class KernelCache;

namespace codegen {

/// Checks that `desc` is a kernel its template can build for its arch: a
/// clear message naming the kernel and the violated rule otherwise.
llvm::Error validateKernel(const KernelDesc &desc);

/// The CUDA C++ translation unit of `desc` (call validateKernel first).
std::string generateKernelSource(const KernelDesc &desc);

/// One kernel taken from KernelDesc to PTX.
struct CompiledKernelArtifact {
  std::string source; // generateKernelSource(desc)
  std::string ptx;
  std::string cubin;    // SASS for desc.arch, when compiled withCubin
  std::string log;      // NVRTC's log (empty on a cache hit)
  std::string cacheKey; // CacheKey::compute(...) of this kernel
  bool cacheHit = false;
};

/// validate -> generate -> cache lookup -> NVRTC -> cache store. `cache` may
/// be null (no caching). `withCubin`: the cubin too, from the same NVRTC run
/// (compileToPtx), so that the runtime loads it without the driver's JIT.
llvm::Expected<CompiledKernelArtifact> compileKernel(const KernelDesc &desc,
                                                     KernelCache *cache,
                                                     bool withCubin = false);

} // namespace codegen
} // namespace mlpjit

#endif // MLPJIT_CODEGEN_CODEGEN_H
