//===- GemmLaunch.h - launching one generated GEMM kernel -----------------===//
#ifndef MLPJIT_GEMMLAUNCH_H
#define MLPJIT_GEMMLAUNCH_H

#include "mlpjit/Driver.h"
#include "mlpjit/KernelDesc.h"

#include <cstddef>

namespace mlpjit {

/// Device pointers of one GEMM: D[m, nOut] = epi(A[m, k] · B[n, k]ᵀ + bias).
struct GemmOperands {
  const void *a = nullptr;
  const void *b = nullptr;
  const void *bias = nullptr;
  void *d = nullptr;
  void *workspace = nullptr; // gemmWorkspaceBytes(desc, m) bytes, or null
  int64_t m = 0;
};

/// Bytes of scratch a launch with `m` tokens needs (0 for most kernels). The
/// caller allocates it once for the largest m; forward never allocates.
size_t gemmWorkspaceBytes(const KernelDesc &desc, int64_t m);

/// Encodes the tensor maps, computes the launch shape and launches `fn`
/// asynchronously on `stream`. Never synchronizes (graph-capturable).
/// `numSMs` is the device's multiprocessor count.
llvm::Error launchGemm(const Driver &driver, CUfunction fn,
                       const KernelDesc &desc, const GemmOperands &ops,
                       CUstream stream, int numSMs);

} // namespace mlpjit

#endif // MLPJIT_GEMMLAUNCH_H
