//===- CublasLtBaseline.cpp -----------------------------------------------===//
#include "CublasLtBaseline.h"

#include <string>

using namespace mlpjit;
using namespace mlpjit::harness;

static llvm::Error ltError(cublasStatus_t s, const char *what) {
  if (s == CUBLAS_STATUS_SUCCESS)
    return llvm::Error::success();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 std::string(what) + " failed: cuBLASLt status " +
                                     std::to_string(int(s)));
}

static constexpr size_t kWorkspaceBytes = 32u << 20;

llvm::Expected<std::unique_ptr<CublasLtGemm>>
CublasLtGemm::create(const Driver &driver, DType dtype) {
  std::unique_ptr<CublasLtGemm> g(new CublasLtGemm(driver, dtype));
  if (auto err = ltError(cublasLtCreate(&g->handle), "cublasLtCreate"))
    return err;
  if (auto err = driver.check(driver.cuMemAlloc(&g->workspace, kWorkspaceBytes),
                              "cuBLASLt workspace allocation"))
    return err;
  return g;
}

CublasLtGemm::~CublasLtGemm() {
  for (auto &[key, p] : plans) {
    cublasLtMatrixLayoutDestroy(p.a);
    cublasLtMatrixLayoutDestroy(p.b);
    cublasLtMatrixLayoutDestroy(p.d);
    cublasLtMatmulDescDestroy(p.desc);
  }
  if (workspace)
    driver.cuMemFree(workspace);
  if (handle)
    cublasLtDestroy(handle);
}

// Row-major D[m,n] = A[m,k]·B[n,k]ᵀ is column-major Dᵀ[n,m] = Bᵀ... i.e.
// cuBLAS computes C(n×m) = op(W)(n×k) · X(k×m) with W read transposed.
llvm::Expected<CublasLtGemm::Plan *>
CublasLtGemm::plan(int64_t m, int64_t n, int64_t k, bool bias) {
  auto key = std::make_tuple(m, n, k, bias);
  auto it = plans.find(key);
  if (it != plans.end())
    return &it->second;
  Plan p;
  cudaDataType_t t = dtype == DType::bf16 ? CUDA_R_16BF : CUDA_R_16F;
  if (auto err = ltError(cublasLtMatmulDescCreate(&p.desc, CUBLAS_COMPUTE_32F,
                                                  CUDA_R_32F),
                         "cublasLtMatmulDescCreate"))
    return err;
  cublasOperation_t opT = CUBLAS_OP_T, opN = CUBLAS_OP_N;
  cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSA, &opT,
                                 sizeof(opT));
  cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSB, &opN,
                                 sizeof(opN));
  if (bias) {
    cublasLtEpilogue_t epi = CUBLASLT_EPILOGUE_BIAS;
    cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi,
                                   sizeof(epi));
    cublasLtMatmulDescSetAttribute(p.desc,
                                   CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &t,
                                   sizeof(t));
  }
  cublasLtMatrixLayoutCreate(&p.a, t, k, n, k); // W as k×n column-major
  cublasLtMatrixLayoutCreate(&p.b, t, k, m, k); // X as k×m column-major
  cublasLtMatrixLayoutCreate(&p.d, t, n, m, n); // D as n×m column-major
  cublasLtMatmulPreference_t pref;
  cublasLtMatmulPreferenceCreate(&pref);
  size_t ws = kWorkspaceBytes;
  cublasLtMatmulPreferenceSetAttribute(
      pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws));
  cublasLtMatmulHeuristicResult_t result;
  int found = 0;
  cublasStatus_t s = cublasLtMatmulAlgoGetHeuristic(
      handle, p.desc, p.a, p.b, p.d, p.d, pref, 1, &result, &found);
  cublasLtMatmulPreferenceDestroy(pref);
  if (s != CUBLAS_STATUS_SUCCESS || found == 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "cuBLASLt has no algorithm for m=%lld n=%lld k=%lld", (long long)m,
        (long long)n, (long long)k);
  p.algo = result.algo;
  return &(plans[key] = p);
}

llvm::Error CublasLtGemm::gemm(CUdeviceptr a, CUdeviceptr b, CUdeviceptr d,
                               int64_t m, int64_t n, int64_t k,
                               CUdeviceptr bias, CUstream stream) {
  auto p = plan(m, n, k, bias != 0);
  if (!p)
    return p.takeError();
  if (bias) {
    void *biasPtr = reinterpret_cast<void *>(bias);
    cublasLtMatmulDescSetAttribute((*p)->desc,
                                   CUBLASLT_MATMUL_DESC_BIAS_POINTER, &biasPtr,
                                   sizeof(biasPtr));
  }
  float alpha = 1.0f, beta = 0.0f;
  return ltError(cublasLtMatmul(handle, (*p)->desc, &alpha,
                                reinterpret_cast<void *>(b), (*p)->a,
                                reinterpret_cast<void *>(a), (*p)->b, &beta,
                                reinterpret_cast<void *>(d), (*p)->d,
                                reinterpret_cast<void *>(d), (*p)->d,
                                &(*p)->algo, reinterpret_cast<void *>(workspace),
                                kWorkspaceBytes,
                                reinterpret_cast<cudaStream_t>(stream)),
                 "cublasLtMatmul");
}

llvm::Error CublasLtMlp::unfused(const MlpWeights &w, CUdeviceptr x,
                                 CUdeviceptr y, int64_t m, CUdeviceptr scratch,
                                 CUstream stream) {
  const int64_t h = hidden, i = intermediate;
  size_t eb = 2;
  CUdeviceptr g = scratch, u = scratch + size_t(m) * i * eb,
              act_out = scratch + 2 * size_t(m) * i * eb;
  if (auto err = gemm.gemm(x, w.gate ? w.gate : w.up, g, m, i, h,
                           w.gate ? w.gateBias : w.upBias, stream))
    return err;
  if (isGated(act))
    if (auto err = gemm.gemm(x, w.up, u, m, i, h, w.upBias, stream))
      return err;
  if (auto err = kernels.activation(dtype, act, g, u, act_out, m, i, i, stream))
    return err;
  return gemm.gemm(act_out, w.down, y, m, h, i, w.downBias, stream);
}

llvm::Error CublasLtMlp::merged(const MlpWeights &w, CUdeviceptr x,
                                CUdeviceptr y, int64_t m, CUdeviceptr scratch,
                                CUstream stream) {
  if (!isGated(act)) // nothing to merge in a plain MLP
    return unfused(w, x, y, m, scratch, stream);
  const int64_t h = hidden, i = intermediate;
  size_t eb = 2;
  CUdeviceptr gu = scratch, act_out = scratch + size_t(m) * 2 * i * eb;
  if (auto err = gemm.gemm(x, w.gateUp, gu, m, 2 * i, h, w.gateUpBias, stream))
    return err;
  if (auto err = kernels.activation(dtype, act, gu, gu + size_t(i) * eb, act_out, m, i,
                                    2 * i, stream))
    return err;
  return gemm.gemm(act_out, w.down, y, m, h, i, w.downBias, stream);
}
