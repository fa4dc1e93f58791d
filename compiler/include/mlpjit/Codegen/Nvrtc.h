//===- Nvrtc.h - CUDA C++ to PTX with NVRTC; ptxas and cuobjdump reports
//---===//
//
// NVRTC is linked directly (libnvrtc.so, not through libcuda), so compiling
// to PTX works on machines without a GPU or driver. Kernels see the embedded
// template headers plus the CUDA include directory (baked at build time,
// overridable with MLPJIT_CUDA_INCLUDE). Thread-safe.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_CODEGEN_NVRTC_H
#define MLPJIT_CODEGEN_NVRTC_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlpjit {
namespace codegen {

struct PtxResult {
  std::string ptx;
  std::string cubin;              // SASS for the real arch, when asked for
  std::string log;                // NVRTC's log (warnings), may be empty
  std::vector<std::string> flags; // the options NVRTC ran with
};

/// The NVRTC options for `arch` ("sm_90a" -> --gpu-architecture=compute_90a;
/// with `cubin`, --gpu-architecture=sm_90a).
std::vector<std::string> nvrtcFlags(llvm::StringRef arch, bool cubin = false);

/// Compiles `source` (named `name` in diagnostics) to PTX for `arch`, and
/// with `withCubin` in the same NVRTC run to a cubin for the real target
/// ("sm_90a": NVRTC assembles it, no ptxas needed; the PTX is the same), so
/// that loading needs no driver JIT. A compile error returns an llvm::Error
/// that contains NVRTC's log.
llvm::Expected<PtxResult> compileToPtx(llvm::StringRef source,
                                       llvm::StringRef name,
                                       llvm::StringRef arch,
                                       bool withCubin = false);

/// "13.0": the version of the linked NVRTC.
std::string nvrtcVersionString();
inline std::string nvrtcVersion() { return nvrtcVersionString(); }

/// The CUDA include directory NVRTC is given (MLPJIT_CUDA_INCLUDE or the
/// build's toolkit).
std::string cudaIncludeDir();

/// What `ptxas -v` says about one kernel.
struct PtxasReport {
  int registers = 0;
  int sharedBytes = 0; // static shared memory
  int spillStores = 0; // bytes
  int spillLoads = 0;  // bytes
  int stackFrame = 0;  // bytes
  std::string log;     // ptxas's verbose output
  std::string cubin;   // the assembled cubin (for disassemble)
};

/// Assembles `ptx` with the toolkit's ptxas for `arch` (e.g. "sm_90a").
/// Needs ptxas (MLPJIT_CUDA_BIN, the build's toolkit, or PATH).
llvm::Expected<PtxasReport> runPtxas(llvm::StringRef ptx, llvm::StringRef arch);

/// SASS of `cubin` from `cuobjdump -sass` (an error when it is not installed).
llvm::Expected<std::string> disassemble(llvm::StringRef cubin);

} // namespace codegen
} // namespace mlpjit

#endif // MLPJIT_CODEGEN_NVRTC_H
