//===- harness.h - sm80 template GPU correctness harness ------------------===//
//
// Each translation unit instantiates a share of the configurations listed in
// configs.inc and registers a runner; main.cu runs them all against cuBLAS.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlpjit/sm80/gemm_mma.cuh"

#include <cuda_runtime.h>

#include <cstdio>
#include <string>
#include <vector>

namespace harness {

enum class Dtype { bf16, f16 };

struct Case {
  std::string name;
  Dtype dtype;
  int epilogue; // index into the kEpilogue* names in main.cu
  bool gated, hasBias;
  mlpjit::GemmConfig config;
  long long n, k;
  // Launches the kernel for p.m tokens (grid from sm80::launchShape).
  cudaError_t (*launch)(const mlpjit::abi::GemmParams &, cudaStream_t);
  std::vector<int> ms; // token counts to test
};

std::vector<Case> &registry();

template <typename Kernel>
__global__ void __launch_bounds__(Kernel::kThreads, 1)
    gemmKernel(const __grid_constant__ mlpjit::abi::GemmParams p) {
  Kernel::run(p);
}

template <typename Kernel>
cudaError_t launchKernel(const mlpjit::abi::GemmParams &p, cudaStream_t s) {
  mlpjit::abi::LaunchShape shape =
      mlpjit::sm80::launchShape(Kernel::kConfig, p.m, 132);
  cudaError_t e = cudaFuncSetAttribute(gemmKernel<Kernel>,
                                       cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       int(shape.sharedBytes));
  if (e != cudaSuccess)
    return e;
  dim3 grid(shape.grid[0], shape.grid[1], shape.grid[2]);
  dim3 block(shape.block[0], shape.block[1], shape.block[2]);
  gemmKernel<Kernel><<<grid, block, shape.sharedBytes, s>>>(p);
  return cudaGetLastError();
}

template <bool Enabled, typename Element, typename Epi, int EpiIndex, int TM,
          int TN, int TK, int S, int Split, bool Bias, long long N, long long K>
struct Registrar {
  explicit Registrar(const char *, std::vector<int>) {}
};

template <typename Element, typename Epi, int EpiIndex, int TM, int TN, int TK,
          int S, int Split, bool Bias, long long N, long long K>
struct Registrar<true, Element, Epi, EpiIndex, TM, TN, TK, S, Split, Bias, N, K> {
  using Kernel = mlpjit::sm80::GemmMma<Element, Epi, TM, TN, TK, S, 1, 1, Split,
                                       false, Bias, N, K, Epi::kGated ? 64 : 0>;
  explicit Registrar(const char *name, std::vector<int> ms) {
    Case c;
    c.name = name;
    c.dtype = sizeof(Element) == 2 && std::is_same<Element, __half>::value
                  ? Dtype::f16
                  : Dtype::bf16;
    c.epilogue = EpiIndex;
    c.gated = Epi::kGated;
    c.hasBias = Bias;
    c.config = Kernel::kConfig;
    c.n = N;
    c.k = K;
    c.launch = &launchKernel<Kernel>;
    c.ms = std::move(ms);
    registry().push_back(c);
  }
};

} // namespace harness
