//===- harness.h - a template family's GPU correctness and timing harness -===//
//
// Built once per template family: run.sh defines MLPJIT_GPU_SM90 for the
// Hopper template (else the sm80 one is built). Each part.cu translation unit
// instantiates a share of <family>/configs.inc and registers a runner;
// main.cu checks them all against cuBLAS and times the ones marked for
// timing.
//
//===----------------------------------------------------------------------===//
#pragma once

#if defined(MLPJIT_GPU_SM90)
#include "mlpjit/sm90/gemm_tma_ws.cuh"
namespace family = mlpjit::sm90;
#define MLPJIT_GPU_FAMILY "sm90"
#else
#include "mlpjit/sm80/gemm_mma.cuh"
namespace family = mlpjit::sm80;
#define MLPJIT_GPU_FAMILY "sm80"
#endif

#include "mlpjit/ElementKinds.h"

#include <cuda_runtime.h>

#include <string>
#include <type_traits>
#include <vector>

namespace harness {

struct Case {
  std::string name;
  mlpjit::DType dtype;
  mlpjit::Epilogue epilogue; // also the index into kEpilogueNames (main.cu)
  bool gated, hasBias, timed;
  mlpjit::GemmConfig config;
  long long n, k;
  // Launches the kernel for p.m tokens (grid from the family's launchShape
  // for numSMs multiprocessors); with plainLaunch and a 1x1 cluster, or for
  // the sm80 family, through <<<>>> instead of cudaLaunchKernelEx with a
  // cluster attribute.
  cudaError_t (*launch)(const mlpjit::abi::GemmParams &, int numSMs,
                        int residentCtas, cudaStream_t, bool plainLaunch);
  std::vector<int> ms; // token counts to check
  // Clusters of the kernel's shape that can be resident at once (sm90;
  // null for sm80).
  int (*maxActiveClusters)() = nullptr;
};

std::vector<Case> &registry();

template <typename Kernel>
__global__ void __launch_bounds__(Kernel::kThreads, 1)
    gemmKernel(const __grid_constant__ mlpjit::abi::GemmParams p) {
  Kernel::run(p);
}

template <typename Kernel>
cudaError_t launchKernel(const mlpjit::abi::GemmParams &p, int numSMs,
                         int residentCtas, cudaStream_t s, bool plainLaunch) {
  static bool attributeSet = false;
  mlpjit::abi::LaunchShape shape =
      family::launchShape(Kernel::kConfig, p.m, numSMs, residentCtas);
  if (!attributeSet) {
    cudaError_t e = cudaFuncSetAttribute(
        gemmKernel<Kernel>, cudaFuncAttributeMaxDynamicSharedMemorySize,
        int(shape.sharedBytes));
    if (e != cudaSuccess)
      return e;
    attributeSet = true;
  }
#if !defined(MLPJIT_GPU_SM90)
  plainLaunch = true; // sm_8x parts take no cluster attribute
#endif
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

#if defined(MLPJIT_GPU_SM90)
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
#endif

template <bool Enabled, typename Element, typename Epi, int EpiIndex, int TM,
          int TN, int TK, int S, int Split, bool Swap, bool Bias, long long N,
          long long K, int ClusterM, int ClusterN, bool TmaStore, bool PingPong,
          int GateUpBlock>
struct Registrar {
  explicit Registrar(const char *, bool, std::vector<int>) {}
};

template <typename Element, typename Epi, int EpiIndex, int TM, int TN, int TK,
          int S, int Split, bool Swap, bool Bias, long long N, long long K,
          int ClusterM, int ClusterN, bool TmaStore, bool PingPong,
          int GateUpBlock>
struct Registrar<true, Element, Epi, EpiIndex, TM, TN, TK, S, Split, Swap, Bias,
                 N, K, ClusterM, ClusterN, TmaStore, PingPong, GateUpBlock> {
#if defined(MLPJIT_GPU_SM90)
  using Kernel = mlpjit::sm90::GemmTmaWs<
      Element, Epi, TM, TN, TK, S, ClusterM, ClusterN, Split, Swap, Bias, N, K,
      Epi::kGated ? GateUpBlock : 0, TmaStore, PingPong>;
#else
  using Kernel = mlpjit::sm80::GemmMma<Element, Epi, TM, TN, TK, S, ClusterM, 1,
                                       Split, Swap, Bias, N, K,
                                         Epi::kGated ? 64 : 0>;
#endif
  explicit Registrar(const char *name, bool timed, std::vector<int> ms) {
    Case c;
    c.name = name;
    c.dtype = std::is_same<Element, __half>::value ? mlpjit::DType::f16
                                                   : mlpjit::DType::bf16;
    c.epilogue = mlpjit::Epilogue(EpiIndex);
    c.gated = Epi::kGated;
    c.hasBias = Bias;
    c.timed = timed;
    c.config = Kernel::kConfig;
    c.n = N;
    c.k = K;
    c.launch = &launchKernel<Kernel>;
#if defined(MLPJIT_GPU_SM90)
    c.maxActiveClusters = &maxActiveClusters<Kernel>;
#endif
    c.ms = std::move(ms);
    registry().push_back(c);
  }
};

} // namespace harness
