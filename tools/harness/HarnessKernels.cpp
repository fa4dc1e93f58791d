//===- HarnessKernels.cpp -------------------------------------------------===//
#include "HarnessKernels.h"

#include "mlpjit/Codegen/Nvrtc.h"

using namespace mlpjit;
using namespace mlpjit::harness;

// Each kernel exists for bf16 and f16 (suffixes _bf16, _f16).
static const char *kSource = R"cuda(
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include "mlpjit/epilogue.cuh"
using namespace mlpjit::epilogue;

__device__ __forceinline__ unsigned long long mix(unsigned long long x) {
  x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33; return x;
}

template <typename T>
__device__ void fill(T *p, unsigned long long n, unsigned long long seed, float scale) {
  for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x;
       i < n; i += (unsigned long long)gridDim.x * blockDim.x) {
    unsigned long long r = mix(seed * 0x9e3779b97f4a7c15ULL + i);
    float u = (float)(r >> 40) * (1.0f / 16777216.0f); // [0, 1)
    p[i] = (T)(scale * (2.0f * u - 1.0f));
  }
}

// kind: the Epilogue enum of KernelDesc.h
template <typename T>
__device__ void activation(int kind, const T *g, const T *u, T *h, long long rows,
                           long long cols, long long ld) {
  long long n = rows * cols;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
       i += (long long)gridDim.x * blockDim.x) {
    long long r = i / cols, c = i % cols;
    float x = (float)g[r * ld + c], y = 0.0f;
    switch (kind) {
    case 1: y = Silu::apply(x); break;
    case 2: y = GeluTanh::apply(x); break;
    case 3: y = GeluErf::apply(x); break;
    case 4: y = Relu::apply(x); break;
    case 5: y = SwiGLU::apply(x, (float)u[r * ld + c]); break;
    case 6: y = GeGLUTanh::apply(x, (float)u[r * ld + c]); break;
    case 7: y = GeGLUErf::apply(x, (float)u[r * ld + c]); break;
    case 8: y = ReGLU::apply(x, (float)u[r * ld + c]); break;
    default: y = x;
    }
    h[i] = (T)y;
  }
}

#define MLPJIT_HARNESS_KERNELS(T, suffix)                                          \
  extern "C" __global__ void harness_fill_##suffix(T *p, unsigned long long n,      \
                                                   unsigned long long seed,         \
                                                   float scale) {                   \
    fill(p, n, seed, scale);                                                        \
  }                                                                                 \
  extern "C" __global__ void harness_activation_##suffix(                           \
      int kind, const T *g, const T *u, T *h, long long rows, long long cols,       \
      long long ld) {                                                               \
    activation(kind, g, u, h, rows, cols, ld);                                      \
  }
MLPJIT_HARNESS_KERNELS(__nv_bfloat16, bf16)
MLPJIT_HARNESS_KERNELS(__half, f16)

// 16-byte loads and stores, grid-stride: the device-copy ceiling, as a
// framework's copy kernel moves bytes (count is in 16-byte units).
extern "C" __global__ void harness_copy(const uint4 *__restrict__ src,
                                        uint4 *__restrict__ dst,
                                        unsigned long long count) {
  for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x;
       i < count; i += (unsigned long long)gridDim.x * blockDim.x)
    dst[i] = src[i];
}

extern "C" __global__ void harness_poison(unsigned short *p, unsigned long long n) {
  for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x;
       i < n; i += (unsigned long long)gridDim.x * blockDim.x)
    p[i] = 0x7fff; // NaN in both bf16 and f16
}
)cuda";

HarnessKernels::~HarnessKernels() {
  if (module)
    driver.cuModuleUnload(module);
}

llvm::Expected<std::unique_ptr<HarnessKernels>>
HarnessKernels::load(const Driver &driver, llvm::StringRef arch) {
  auto ptx = codegen::compileToPtx(kSource, "harness_kernels", arch);
  if (!ptx)
    return ptx.takeError();
  std::unique_ptr<HarnessKernels> k(new HarnessKernels(driver));
  if (auto err = driver.check(
          driver.cuModuleLoadDataEx(&k->module, ptx->ptx.c_str(), 0, nullptr,
                                    nullptr),
          "loading the harness kernels"))
    return err;
  for (auto [fn, name] : {std::pair{&k->fillFn[0], "harness_fill_bf16"},
                          {&k->fillFn[1], "harness_fill_f16"},
                          {&k->actFn[0], "harness_activation_bf16"},
                          {&k->actFn[1], "harness_activation_f16"},
                          {&k->poisonFn, "harness_poison"},
                          {&k->copyFn, "harness_copy"}})
    if (auto err = driver.check(driver.cuModuleGetFunction(fn, k->module, name),
                                name))
      return err;
  return k;
}

llvm::Error HarnessKernels::launch(CUfunction fn, size_t count, void **args,
                                   CUstream stream) const {
  unsigned blocks = unsigned(std::min<size_t>((count + 255) / 256, 132 * 16));
  return driver.check(driver.cuLaunchKernel(fn, std::max(blocks, 1u), 1, 1,
                                            256, 1, 1, 0, stream, args,
                                            nullptr),
                      "harness kernel launch");
}

llvm::Error HarnessKernels::fillRandom(DType dtype, CUdeviceptr p, size_t count,
                                       unsigned long long seed, float scale,
                                       CUstream stream) const {
  unsigned long long n = count;
  void *args[] = {&p, &n, &seed, &scale};
  return launch(fillFn[dtype == DType::f16], count, args, stream);
}

llvm::Error HarnessKernels::poison(CUdeviceptr p, size_t count,
                                   CUstream stream) const {
  unsigned long long n = count;
  void *args[] = {&p, &n};
  return launch(poisonFn, count, args, stream);
}

llvm::Error HarnessKernels::activation(DType dtype, Epilogue kind, CUdeviceptr g,
                                       CUdeviceptr u, CUdeviceptr h,
                                       int64_t rows, int64_t cols, int64_t ld,
                                       CUstream stream) const {
  int k = static_cast<int>(kind);
  long long r = rows, c = cols, l = ld;
  void *args[] = {&k, &g, &u, &h, &r, &c, &l};
  return launch(actFn[dtype == DType::f16], size_t(rows * cols), args, stream);
}

llvm::Error HarnessKernels::copy(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                                 CUstream stream) const {
  unsigned long long n = bytes / 16;
  void *args[] = {&src, &dst, &n};
  return launch(copyFn, size_t(n), args, stream);
}
