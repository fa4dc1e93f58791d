//===- GpuSession.h - the GPU, stream and helpers a measuring tool uses ---===//
#ifndef MLPJIT_TOOLS_GPUSESSION_H
#define MLPJIT_TOOLS_GPUSESSION_H

#include "CublasLtBaseline.h"
#include "HarnessKernels.h"

#include "mlpjit/Module.h"

#include <memory>
#include <string>

namespace mlpjit::harness {

/// A GPU's primary context made current, one non-blocking stream, the
/// harness kernels and cuBLASLt for bf16 and f16. open() fails with the reason when
/// there is no driver or no GPU.
class GpuSession {
public:
  static llvm::Expected<std::unique_ptr<GpuSession>> open(int ordinal = 0);
  ~GpuSession();

  const Driver &driver() const { return d; }
  const DeviceContext &context() const { return *ctx; }
  CUstream stream() const { return s; }
  const HarnessKernels &kernels() const { return *harnessKernels; }
  CublasLtGemm &gemm(DType t) const { return *cublas[t == DType::f16]; }
  const std::string &name() const { return ctx->name(); }
  const std::string &arch() const { return ctx->arch(); }
  int numSMs() const { return ctx->numSMs(); }
  llvm::Error synchronize() const {
    return d.check(d.cuStreamSynchronize(s), "cuStreamSynchronize");
  }

private:
  explicit GpuSession(const Driver &driver) : d(driver) {}
  const Driver &d;
  std::unique_ptr<DeviceContext> ctx;
  CUstream s = nullptr;
  std::unique_ptr<HarnessKernels> harnessKernels;
  std::unique_ptr<CublasLtGemm> cublas[2]; // [bf16, f16]
};

} // namespace mlpjit::harness

#endif
