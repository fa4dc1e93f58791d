//===- CublasLtBaseline.h - the cuBLASLt MLPs mlpjit is measured against --===//
//
// Two baselines, as PyTorch/vLLM run an MLP on cuBLAS:
//   unfused: gate GEMM, up GEMM, activation*product kernel, down GEMM
//   merged:  one GEMM over [gate; up] (stacked), activation*product, down GEMM
// Also the reference output of mlpjit-run.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TOOLS_CUBLASLTBASELINE_H
#define MLPJIT_TOOLS_CUBLASLTBASELINE_H

#include "HarnessKernels.h"

#include <cublasLt.h>

#include <map>
#include <tuple>

namespace mlpjit::harness {

class CublasLtGemm {
public:
  static llvm::Expected<std::unique_ptr<CublasLtGemm>>
  create(const Driver &driver, DType dtype);
  ~CublasLtGemm();

  /// D[m, n] = A[m, k] · B[n, k]ᵀ (+ bias[n]), row-major, fp32 accumulate.
  llvm::Error gemm(CUdeviceptr a, CUdeviceptr b, CUdeviceptr d, int64_t m,
                   int64_t n, int64_t k, CUdeviceptr bias, CUstream stream);

private:
  struct Plan {
    cublasLtMatmulDesc_t desc = nullptr;
    cublasLtMatrixLayout_t a = nullptr, b = nullptr, d = nullptr;
    cublasLtMatmulAlgo_t algo;
  };
  llvm::Expected<Plan *> plan(int64_t m, int64_t n, int64_t k, bool bias);

  CublasLtGemm(const Driver &d, DType t) : driver(d), dtype(t) {}
  const Driver &driver;
  DType dtype;
  cublasLtHandle_t handle = nullptr;
  CUdeviceptr workspace = 0;
  std::map<std::tuple<int64_t, int64_t, int64_t, bool>, Plan> plans;
};

/// Device buffers of one MLP's weights in PyTorch layout plus the stacked
/// [gate; up] copy the merged baseline reads.
struct MlpWeights {
  CUdeviceptr gate = 0, up = 0, down = 0, gateUp = 0;
  CUdeviceptr gateBias = 0, upBias = 0, downBias = 0, gateUpBias = 0;
};

class CublasLtMlp {
public:
  CublasLtMlp(CublasLtGemm &gemm, const HarnessKernels &kernels, DType dtype,
              Epilogue act, int64_t hidden, int64_t intermediate)
      : gemm(gemm), kernels(kernels), dtype(dtype), act(act), hidden(hidden),
        intermediate(intermediate) {}

  /// Scratch bytes for up to maxM tokens (two [maxM, 2I] buffers).
  size_t scratchBytes(int64_t maxM, size_t elementBytes) const {
    return 2 * size_t(maxM) * 2 * intermediate * elementBytes;
  }
  llvm::Error unfused(const MlpWeights &w, CUdeviceptr x, CUdeviceptr y,
                      int64_t m, CUdeviceptr scratch, CUstream stream);
  llvm::Error merged(const MlpWeights &w, CUdeviceptr x, CUdeviceptr y,
                     int64_t m, CUdeviceptr scratch, CUstream stream);

private:
  CublasLtGemm &gemm;
  const HarnessKernels &kernels;
  DType dtype;
  Epilogue act;
  int64_t hidden, intermediate;
};

} // namespace mlpjit::harness

#endif
