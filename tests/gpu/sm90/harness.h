//===- harness.h - sm90 template GPU correctness and timing harness -------===//
//
// Each translation unit instantiates a share of the configurations listed in
// configs.inc and registers a runner; main.cu checks them all against cuBLAS
// and times the ones marked for timing.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlpjit/sm90/gemm_tma_ws.cuh"

#include <cuda_runtime.h>

#include <string>
#include <type_traits>
#include <vector>

namespace harness {

enum class Dtype { bf16, f16 };

struct Case {
  std::string name;
  Dtype dtype;
  int epilogue; // index into kEpilogueNames in main.cu
  bool gated, hasBias, timed;
  mlpjit::GemmConfig config;
  long long n, k;
  // Launches the kernel for p.m tokens (grid from sm90::launchShape for
  // numSMs multiprocessors); with plainLaunch and a 1x1 cluster, through
  // <<<>>> instead of cudaLaunchKernelEx with a cluster attribute.
  cudaError_t (*launch)(const mlpjit::abi::GemmParams &, int numSMs,
                        cudaStream_t, bool plainLaunch);
  std::vector<int> ms; // token counts to check
  // Clusters of the kernel's shape that can be resident at once.
  int (*maxActiveClusters)();
};

std::vector<Case> &registry();

template <typename Kernel>
__global__ void __launch_bounds__(Kernel::kThreads, 1)
    gemmKernel(const __grid_constant__ mlpjit::abi::GemmParams p) {
  Kernel::run(p);
}

template <typename Kernel>
cudaError_t launchKernel(const mlpjit::abi::GemmParams &p, int numSMs,
                         cudaStream_t s, bool plainLaunch) {
  static bool attributeSet = false;
  mlpjit::abi::LaunchShape shape =
      mlpjit::sm90::launchShape(Kernel::kConfig, p.m, numSMs);
  if (!attributeSet) {
    cudaError_t e = cudaFuncSetAttribute(
        gemmKernel<Kernel>, cudaFuncAttributeMaxDynamicSharedMemorySize,
        int(shape.sharedBytes));
    if (e != cudaSuccess)
      return e;
    attributeSet = true;
  }
  if (plainLaunch && shape.cluster[0] == 1) {
    gemmKernel<Kernel><<<dim3(shape.grid[0], shape.grid[1], shape.grid[2]),
                         dim3(shape.block[0], shape.block[1], shape.block[2]),
                         shape.sharedBytes, s>>>(p);
    return cudaGetLastError();
  }
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(shape.grid[0], shape.grid[1], shape.grid[2]);
  config.blockDim = dim3(shape.block[0], shape.block[1], shape.block[2]);
  config.dynamicSmemBytes = shape.sharedBytes;
  config.stream = s;
  cudaLaunchAttribute cluster[1];
  cluster[0].id = cudaLaunchAttributeClusterDimension;
  cluster[0].val.clusterDim.x = shape.cluster[0];
  cluster[0].val.clusterDim.y = shape.cluster[1];
  cluster[0].val.clusterDim.z = shape.cluster[2];
  config.attrs = cluster;
  config.numAttrs = 1;
  cudaError_t e = cudaLaunchKernelEx(&config, gemmKernel<Kernel>, p);
  if (e != cudaSuccess)
    return e;
  return cudaGetLastError();
}

template <typename Kernel> int maxActiveClusters() {
  mlpjit::abi::LaunchShape shape =
      mlpjit::sm90::launchShape(Kernel::kConfig, 1 << 16, 132);
  if (cudaFuncSetAttribute(gemmKernel<Kernel>,
                           cudaFuncAttributeMaxDynamicSharedMemorySize,
                           int(shape.sharedBytes)) != cudaSuccess)
    return -1;
  cudaLaunchConfig_t config = {};
  config.gridDim = dim3(shape.grid[0], 1, 1);
  config.blockDim = dim3(shape.block[0], 1, 1);
  config.dynamicSmemBytes = shape.sharedBytes;
  cudaLaunchAttribute cluster[1];
  cluster[0].id = cudaLaunchAttributeClusterDimension;
  cluster[0].val.clusterDim.x = shape.cluster[0];
  cluster[0].val.clusterDim.y = 1;
  cluster[0].val.clusterDim.z = 1;
  config.attrs = cluster;
  config.numAttrs = 1;
  int count = -1;
  if (cudaOccupancyMaxActiveClusters(&count, gemmKernel<Kernel>, &config) !=
      cudaSuccess)
    return -1;
  return count;
}

template <bool Enabled, typename Element, typename Epi, int EpiIndex, int TM,
          int TN, int S, int Split, bool Swap, bool Bias, long long N,
          long long K, int ClusterM = 1>
struct Registrar {
  explicit Registrar(const char *, bool, std::vector<int>) {}
};

template <typename Element, typename Epi, int EpiIndex, int TM, int TN, int S,
          int Split, bool Swap, bool Bias, long long N, long long K,
          int ClusterM>
struct Registrar<true, Element, Epi, EpiIndex, TM, TN, S, Split, Swap, Bias, N,
                 K, ClusterM> {
  using Kernel =
      mlpjit::sm90::GemmTmaWs<Element, Epi, TM, TN, 64, S, ClusterM, 1, Split,
                              Swap, Bias, N, K, Epi::kGated ? 64 : 0>;
  explicit Registrar(const char *name, bool timed, std::vector<int> ms) {
    Case c;
    c.name = name;
    c.dtype = std::is_same<Element, __half>::value ? Dtype::f16 : Dtype::bf16;
    c.epilogue = EpiIndex;
    c.gated = Epi::kGated;
    c.hasBias = Bias;
    c.timed = timed;
    c.config = Kernel::kConfig;
    c.n = N;
    c.k = K;
    c.launch = &launchKernel<Kernel>;
    c.maxActiveClusters = &maxActiveClusters<Kernel>;
    c.ms = std::move(ms);
    registry().push_back(c);
  }
};

} // namespace harness
