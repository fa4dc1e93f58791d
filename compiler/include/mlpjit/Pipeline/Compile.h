//===- Compile.h - spec/config to PTX, MLIR-free interface -----------------===//
//
// The whole compiler behind one MLIR-free call: front end, passes, kernel
// planning, codegen and NVRTC. Used by the runtime's public API and tools.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_PIPELINE_COMPILE_H
#define MLPJIT_PIPELINE_COMPILE_H

#include "mlpjit/Frontend/MlpSpec.h"
#include "mlpjit/KernelDesc.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlpjit {

struct CompileOptions {
  std::string arch;     // "" = the spec's arch, else the device's, else sm_90a
  bool useCache = true; // in-memory and on-disk PTX cache
};

struct CompiledKernel {
  KernelDesc desc;
  std::string cudaSource; // the generated translation unit
  std::string ptx;
  std::string nvrtcLog;
  bool cacheHit = false;
};

struct CompiledMlp {
  MlpSpec spec;
  std::vector<CompiledKernel> kernels; // gate_up and down kernels per token bucket
  double compileSeconds = 0;
};

llvm::Expected<CompiledMlp> compileMlp(const MlpSpec &spec,
                                       const CompileOptions &options = {});

} // namespace mlpjit

#endif // MLPJIT_PIPELINE_COMPILE_H
