//===- HarnessKernels.h - device helpers for mlpjit-run and mlpjit-bench --===//
//
// Small elementwise kernels the measurement tools need (random fill, NaN
// poison, the activation*product of the cuBLASLt baselines), compiled once
// with NVRTC like any mlpjit kernel. Not part of the product.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TOOLS_HARNESSKERNELS_H
#define MLPJIT_TOOLS_HARNESSKERNELS_H

#include "mlpjit/Driver.h"
#include "mlpjit/KernelDesc.h"

#include <memory>

namespace mlpjit::harness {

class HarnessKernels {
public:
  ~HarnessKernels();
  static llvm::Expected<std::unique_ptr<HarnessKernels>>
  load(const Driver &driver, llvm::StringRef arch);

  /// p[i] = scale * uniform(-1, 1), a hash of (seed, i): reproducible, fresh
  /// per seed.
  llvm::Error fillRandom(DType dtype, CUdeviceptr p, size_t count, unsigned long long seed,
                         float scale, CUstream stream) const;
  /// Copies `bytes` (a multiple of 16) with 16-byte accesses.
  llvm::Error copy(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                   CUstream stream) const;
  /// Every element NaN, so unwritten outputs are caught.
  llvm::Error poison(CUdeviceptr p, size_t count, CUstream stream) const;
  /// h[r, c] = act(g[r*ld + c]) * u[r*ld + c] for gated kinds, act(g[..]) for
  /// plain ones; r < rows, c < cols.
  llvm::Error activation(DType dtype, Epilogue kind, CUdeviceptr g, CUdeviceptr u,
                         CUdeviceptr h, int64_t rows, int64_t cols, int64_t ld,
                         CUstream stream) const;

private:
  HarnessKernels(const Driver &d) : driver(d) {}
  llvm::Error launch(CUfunction fn, size_t count, void **args,
                     CUstream stream) const;
  const Driver &driver;
  CUmodule module = nullptr;
  CUfunction fillFn[2] = {}, actFn[2] = {}; // [bf16, f16]
  CUfunction poisonFn = nullptr, copyFn = nullptr;
};

} // namespace mlpjit::harness

#endif
