//===- GpuSession.cpp -----------------------------------------------------===//
#include "GpuSession.h"

using namespace mlpjit;
using namespace mlpjit::harness;

llvm::Expected<std::unique_ptr<GpuSession>> GpuSession::open(int ordinal) {
  auto context = DeviceContext::create(ordinal);
  if (!context)
    return context.takeError();
  const Driver &d = (*context)->driver();
  std::unique_ptr<GpuSession> g(new GpuSession(d));
  g->ctx = std::move(*context);
  if (auto e = d.check(d.cuStreamCreate(&g->s, CU_STREAM_NON_BLOCKING),
                       "cuStreamCreate"))
    return e;
  auto kernels = HarnessKernels::load(d, g->arch());
  if (!kernels)
    return kernels.takeError();
  g->harnessKernels = std::move(*kernels);
  for (DType t : {DType::bf16, DType::f16}) {
    auto gemm = CublasLtGemm::create(d, t);
    if (!gemm)
      return gemm.takeError();
    g->cublas[t == DType::f16] = std::move(*gemm);
  }
  return g;
}

GpuSession::~GpuSession() {
  cublas[0].reset();
  cublas[1].reset();
  harnessKernels.reset();
  if (s)
    d.cuStreamDestroy(s);
}
