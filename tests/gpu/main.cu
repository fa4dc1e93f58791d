//===- main.cu - a template family's correctness and speed against cuBLAS -===//
//
// One harness for both template families (harness.h says how one is picked).
// Check (default): for every registered configuration and token count: fresh
// random A, B, bias; D poisoned (0xFFFF, NaN in bf16 and fp16) with one extra
// poisoned row that must survive; reference = cuBLAS fp32-accumulate GEMM on
// the same inputs + bias + epilogue in double on the host (with
// HARNESS_HOST_REFERENCE=1 the GEMM too, and cuBLAS is never loaded: for
// compute-sanitizer racecheck, which stopped with an internal error in
// runs that load cuBLAS); pass when
// ||D - ref|| / ||ref|| <= 1e-2 and D has no NaN/Inf. Each case runs twice:
// on the device's persistent grid, then on a grid for 3 SMs (every CTA walks
// many work units; sm80 grids do not depend on it); split-K counters must be
// back at zero after each. Configurations the family's supports() rejects
// fail; those needing more shared memory than the device has are skipped.
//
// --time: the configurations marked timed, at m in {1, 16, 64, 256, 1024,
// 4096, 8192} or $HARNESS_TIME_M (narrow swapAB ones up to 320), median of 50
// CUDA-event timings after warm-up, rotating over input sets that together
// exceed 200 MB (> L2), next to cublasGemmEx on the same shape, and the same
// kernel launched one CTA per work unit instead of on the persistent grid, then
// the persistent grid once more (its spread from the first is the noise), then
// both through <<<>>> instead of cudaLaunchKernelEx with a cluster attribute
// (the sm80 family always launches through <<<>>> and ignores the grid size).
// Check runs launch the first way on the device's grid, the second on 3 SMs.
//
//===----------------------------------------------------------------------===//
#include "harness.h"
#include "mlpjit/HostReference.h"

#include <cublas_v2.h>
#include <cuda.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

std::vector<harness::Case> &harness::registry() {
  static std::vector<Case> cases;
  return cases;
}

#define CHECK_CUDA(x)                                                          \
  do {                                                                         \
    cudaError_t e_ = (x);                                                      \
    if (e_ != cudaSuccess) {                                                   \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x,          \
                   cudaGetErrorString(e_));                                    \
      std::exit(2);                                                            \
    }                                                                          \
  } while (0)
#define CHECK_CUBLAS(x)                                                        \
  do {                                                                         \
    cublasStatus_t s_ = (x);                                                   \
    if (s_ != CUBLAS_STATUS_SUCCESS) {                                         \
      std::fprintf(stderr, "%s:%d: %s: cuBLAS status %d\n", __FILE__,          \
                   __LINE__, #x, int(s_));                                     \
      std::exit(2);                                                            \
    }                                                                          \
  } while (0)

static const char *kEpilogueNames[] = {"identity",   "silu",      "gelu_tanh",
                                       "gelu_erf",   "relu",      "swiglu",
                                       "geglu_tanh", "geglu_erf", "reglu"};

template <typename T>
__global__ void fillUniform(T *p, size_t n, unsigned long long seed,
                            float scale) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
       i += size_t(gridDim.x) * blockDim.x) {
    unsigned long long x = seed * 0x9e3779b97f4a7c15ULL + i;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    float u = float(x >> 40) * (1.0f / 16777216.0f);
    p[i] = T(scale * (2.0f * u - 1.0f));
  }
}

static void fill(mlpjit::DType dtype, void *p, size_t n,
                 unsigned long long seed, float scale) {
  if (dtype == mlpjit::DType::bf16)
    fillUniform<__nv_bfloat16>
        <<<1024, 256>>>(static_cast<__nv_bfloat16 *>(p), n, seed, scale);
  else
    fillUniform<__half>
        <<<1024, 256>>>(static_cast<__half *>(p), n, seed, scale);
  CHECK_CUDA(cudaGetLastError());
}

#if defined(MLPJIT_GPU_SM90)
/// The runtime's rule (kernel_abi.h): a 2-D row-major {cols, rows} tensor,
/// box {boxCols, boxRows}, 128-byte swizzle, out-of-bounds elements read as
/// zero (and not written by stores). With `block` (gated wide swapAB's
/// weights), 4-D {cols, block, 2, rows / 2 block}, box {boxCols, block, 1,
/// boxRows / 2 block}: one box is a tile's gate (or up) rows.
static void encodeTensor(mlpjit::abi::TmaDescriptor &out, const void *ptr,
                         long long rows, long long cols, int boxRows,
                         int boxCols, mlpjit::DType dtype,
                         int swizzleBytes = 128, int block = 0) {
  static_assert(sizeof(CUtensorMap) == sizeof(mlpjit::abi::TmaDescriptor),
                "ABI descriptor size");
  CUtensorMap map;
  const cuuint64_t rowBytes = cuuint64_t(cols) * 2;
  cuuint64_t dims[4] = {cuuint64_t(cols), cuuint64_t(rows)};
  cuuint64_t strides[3] = {rowBytes};
  cuuint32_t box[4] = {cuuint32_t(boxCols), cuuint32_t(boxRows)};
  cuuint32_t elementStrides[4] = {1, 1, 1, 1};
  const cuuint32_t rank = block ? 4 : 2;
  if (block) {
    const cuuint64_t b = cuuint64_t(block);
    cuuint64_t d4[4] = {cuuint64_t(cols), b, 2, cuuint64_t(rows) / (2 * b)};
    cuuint64_t s3[3] = {rowBytes, rowBytes * b, rowBytes * b * 2};
    cuuint32_t b4[4] = {cuuint32_t(boxCols), cuuint32_t(block), 1,
                        cuuint32_t(boxRows / (2 * block))};
    std::memcpy(dims, d4, sizeof dims);
    std::memcpy(strides, s3, sizeof strides);
    std::memcpy(box, b4, sizeof box);
  }
  CUresult r = cuTensorMapEncodeTiled(
      &map,
      dtype == mlpjit::DType::bf16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
                                   : CU_TENSOR_MAP_DATA_TYPE_FLOAT16,
      rank, const_cast<void *>(ptr), dims, strides, box, elementStrides,
      CU_TENSOR_MAP_INTERLEAVE_NONE,
      swizzleBytes == 32   ? CU_TENSOR_MAP_SWIZZLE_32B
      : swizzleBytes == 64 ? CU_TENSOR_MAP_SWIZZLE_64B
                           : CU_TENSOR_MAP_SWIZZLE_128B,
      CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    std::fprintf(stderr,
                 "cuTensorMapEncodeTiled failed (%d): rows=%lld cols=%lld\n",
                 int(r), rows, cols);
    std::exit(2);
  }
  std::memcpy(&out, &map, sizeof map);
}
#endif

struct Buffers {
  void *a = nullptr, *b = nullptr, *bias = nullptr, *d = nullptr;
  float *c = nullptr; // cuBLAS result [m, n]
  void *workspace = nullptr;
  unsigned *counters = nullptr;
};

/// Whether environment variable `name` is "1" (the harness's switches).
static bool envFlag(const char *name) {
  const char *v = std::getenv(name);
  return v && std::strcmp(v, "1") == 0;
}

/// aRows: the rows A's tensor map declares, m or more where the buffer has
/// them (HARNESS_PAD_A below).
static mlpjit::abi::GemmParams params(const harness::Case &cs, int m,
                                      int aRows, const void *a, const void *b,
                                      const void *bias, void *d,
                                      void *workspace, unsigned *counters) {
  mlpjit::abi::GemmParams p{};
#if defined(MLPJIT_GPU_SM90)
  // A {k, aRows} and B {k, n}, boxes of sm90::boxRowsA/B rows and 64 columns.
  encodeTensor(p.tmaA, a, aRows, cs.k, mlpjit::sm90::boxRowsA(cs.config), 64,
               cs.dtype);
  // HARNESS_EXACT_LAST=1: the ragged last token tile loads through a map of
  // just its rows (kernel_abi.h's tmaALast), as the runtime's
  // LoadOptions::exactLastTile does.
  const int tile = cs.config.tileM;
  if (envFlag("HARNESS_EXACT_LAST") && tile <= 256 && aRows % tile != 0) {
    p.aLastRows = aRows % tile;
    p.aLastM0 = aRows - p.aLastRows;
    encodeTensor(p.tmaALast, a, aRows, cs.k, p.aLastRows, 64, cs.dtype);
  }
  // Gated wide swapAB: the 4-D gate/up split, one box = half the tile (in
  // a 2x1 cluster each CTA loads one half and multicasts it).
  const bool split = mlpjit::sm90::splitsGateUp(cs.config);
  encodeTensor(p.tmaB, b, cs.n, cs.k,
               split ? cs.config.tileN : mlpjit::sm90::boxRowsB(cs.config), 64,
               cs.dtype, 128, split ? cs.config.gateUpBlock : 0);
  // D {nOut, m}, box {storeSubtileCols, storeBoxRows} (kernel_abi.h), when
  // the epilogue stores with TMA.
  if (mlpjit::sm90::storesWithTma(cs.config))
    encodeTensor(p.tmaD, d, m, cs.gated ? cs.n / 2 : cs.n,
                 mlpjit::sm90::storeBoxRows(cs.config),
                 mlpjit::sm90::storeSubtileCols(cs.config), cs.dtype,
                 mlpjit::sm90::storeSwizzleBytes(cs.config));
#endif
  p.a = a;
  p.b = b;
  p.bias = cs.hasBias ? bias : nullptr;
  p.d = d;
  p.workspace = static_cast<float *>(workspace);
  p.counters = counters;
  p.m = m;
  p.n = int(cs.n);
  p.k = int(cs.k);
  return p;
}

/// C[m, n] = A[m, k] · B[n, k]ᵀ on the host, in double (rounded to float as
/// cuBLAS's result is): the reference without cuBLAS.
static std::vector<float> hostGemm(const harness::Case &cs, int m,
                                   const void *a, const void *b) {
  const long long n = cs.n, k = cs.k;
  std::vector<uint16_t> ha(size_t(m) * k), hb(size_t(n) * k);
  CHECK_CUDA(cudaMemcpy(ha.data(), a, ha.size() * 2, cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(hb.data(), b, hb.size() * 2, cudaMemcpyDeviceToHost));
  std::vector<double> da(ha.size()), db(hb.size());
  for (size_t i = 0; i < ha.size(); ++i)
    da[i] = mlpjit::host::fromBits(ha[i], cs.dtype);
  for (size_t i = 0; i < hb.size(); ++i)
    db[i] = mlpjit::host::fromBits(hb[i], cs.dtype);
  std::vector<float> c(size_t(m) * n);
  for (long long r = 0; r < m; ++r)
    for (long long col = 0; col < n; ++col) {
      const double *x = &da[size_t(r) * k], *w = &db[size_t(col) * k];
      double sum = 0;
      for (long long i = 0; i < k; ++i)
        sum += x[i] * w[i];
      c[size_t(r) * n + col] = float(sum);
    }
  return c;
}

/// `cublas` null: the reference GEMM runs on the host (hostGemm).
static bool runCase(const harness::Case &cs, int m, cublasHandle_t cublas,
                    unsigned long long seed, int numSMs) {
  const long long n = cs.n, k = cs.k, nOut = cs.gated ? n / 2 : n;
  const bool bf16 = cs.dtype == mlpjit::DType::bf16;
  Buffers buf;
  CHECK_CUDA(cudaMalloc(&buf.a, size_t(m) * k * 2));
  CHECK_CUDA(cudaMalloc(&buf.b, size_t(n) * k * 2));
  CHECK_CUDA(cudaMalloc(&buf.bias, size_t(n) * 2));
  CHECK_CUDA(cudaMalloc(&buf.d, size_t(m + 1) * nOut * 2)); // + a guard row
  if (cublas)
    CHECK_CUDA(cudaMalloc(&buf.c, size_t(m) * n * 4));
  // Stream-K partials depend on the grid: size for both launches below.
  unsigned long long wsBytes = 0;
  for (int sms : {numSMs, 3}) {
    unsigned grid = family::launchShape(cs.config, m, sms).grid[0];
    wsBytes = std::max(wsBytes, mlpjit::workspaceBytes(cs.config, m, grid));
  }
  unsigned long long counters = mlpjit::counterCount(cs.config, m);
  if (counters) {
    CHECK_CUDA(cudaMalloc(&buf.workspace, wsBytes));
    CHECK_CUDA(cudaMalloc(&buf.counters, counters * 4));
    CHECK_CUDA(cudaMemset(buf.counters, 0, counters * 4)); // once
  }
  // Inputs scaled so that A·Bᵀ is O(1) whatever k is.
  float bScale = std::sqrt(3.0f / float(k)) * 2.0f;
  fill(cs.dtype, buf.a, size_t(m) * k, seed, 1.0f);
  fill(cs.dtype, buf.b, size_t(n) * k, seed + 1, bScale);
  fill(cs.dtype, buf.bias, size_t(n), seed + 2, 0.5f);
  // Reference GEMM: row-major C[m, n] = A[m, k] · B[n, k]ᵀ is column-major
  // Cᵀ[n, m] = op_T(B as col-major [k, n]) · (A as col-major [k, m]).
  std::vector<float> c(size_t(m) * n);
  if (cublas) {
    float one = 1.0f, zero = 0.0f;
    cudaDataType_t type = bf16 ? CUDA_R_16BF : CUDA_R_16F;
    CHECK_CUBLAS(cublasGemmEx(cublas, CUBLAS_OP_T, CUBLAS_OP_N, int(n), m,
                              int(k), &one, buf.b, type, int(k), buf.a, type,
                              int(k), &zero, buf.c, CUDA_R_32F, int(n),
                              CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    CHECK_CUDA(cudaDeviceSynchronize());
    CHECK_CUDA(
        cudaMemcpy(c.data(), buf.c, c.size() * 4, cudaMemcpyDeviceToHost));
  } else {
    CHECK_CUDA(cudaDeviceSynchronize());
    c = hostGemm(cs, m, buf.a, buf.b);
  }
  std::vector<uint16_t> bias(n), d(size_t(m + 1) * nOut);
  CHECK_CUDA(cudaMemcpy(bias.data(), buf.bias, n * 2, cudaMemcpyDeviceToHost));
  std::vector<double> ref(size_t(m) * nOut);
  for (long long r = 0; r < m; ++r)
    for (long long j = 0; j < nOut; ++j) {
      auto acc = [&](long long col) {
        return double(c[r * n + col]) +
               (cs.hasBias ? mlpjit::host::fromBits(bias[col], cs.dtype) : 0.0);
      };
      if (cs.gated) {
        const long long b = cs.config.gateUpBlock;
        long long gate = (j / b) * 2 * b + j % b;
        ref[r * nOut + j] =
            mlpjit::host::epilogue(cs.epilogue, acc(gate), acc(gate + b));
      } else {
        ref[r * nOut + j] = mlpjit::host::epilogue(cs.epilogue, acc(j), 0.0);
      }
    }

  mlpjit::abi::GemmParams p =
      params(cs, m, m, buf.a, buf.b, buf.bias, buf.d, buf.workspace,
             buf.counters);
  bool ok = true;
  for (int run = 0; run < 2 && ok; ++run) {
    CHECK_CUDA(cudaMemset(buf.d, 0xFF, size_t(m + 1) * nOut * 2)); // poison
    cudaError_t launched = cs.launch(p, run == 0 ? numSMs : 3, 0, 0, run == 1);
    cudaError_t finished = cudaDeviceSynchronize();
    if (launched != cudaSuccess || finished != cudaSuccess) {
      std::printf(
          "FAIL %s m=%d: %s\n", cs.name.c_str(), m,
          cudaGetErrorString(launched != cudaSuccess ? launched : finished));
      std::fflush(stdout);
      std::exit(1); // the context may be unusable after a kernel fault
    }
    CHECK_CUDA(
        cudaMemcpy(d.data(), buf.d, d.size() * 2, cudaMemcpyDeviceToHost));
    double errSq = 0, refSq = 0;
    long long bad = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
      double out = mlpjit::host::fromBits(d[i], cs.dtype);
      if (!std::isfinite(out)) {
        ++bad;
        continue;
      }
      errSq += (out - ref[i]) * (out - ref[i]);
      refSq += ref[i] * ref[i];
    }
    long long guardTouched = 0;
    for (long long j = 0; j < nOut; ++j)
      guardTouched += d[size_t(m) * nOut + j] != 0xFFFF;
    unsigned long long nonzeroCounters = 0;
    if (counters) {
      std::vector<unsigned> cnt(counters);
      CHECK_CUDA(cudaMemcpy(cnt.data(), buf.counters, counters * 4,
                            cudaMemcpyDeviceToHost));
      for (unsigned v : cnt)
        nonzeroCounters += v != 0;
    }
    double rel = refSq > 0 ? std::sqrt(errSq / refSq) : std::sqrt(errSq);
    ok = bad == 0 && guardTouched == 0 && nonzeroCounters == 0 && rel <= 1e-2 &&
         std::isfinite(rel);
    std::printf("%s %s %s m=%d run=%d rel=%.3e nonfinite=%lld guard=%lld "
                "counters=%llu\n",
                ok ? "ok  " : "FAIL", cs.name.c_str(),
                kEpilogueNames[int(cs.epilogue)], m, run, rel, bad,
                guardTouched, nonzeroCounters);
  }
  cudaFree(buf.a);
  cudaFree(buf.b);
  cudaFree(buf.bias);
  cudaFree(buf.d);
  cudaFree(buf.c);
  cudaFree(buf.workspace);
  cudaFree(buf.counters);
  return ok;
}

// Median milliseconds of `iterations` runs of body(i) after 20 warm-up runs
// (the clocks come back up after the host-side setup).
template <typename Body> static float medianMs(Body body, int iterations) {
  for (int i = 0; i < 20; ++i)
    body(i);
  CHECK_CUDA(cudaDeviceSynchronize());
  cudaEvent_t start, stop;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&stop));
  std::vector<float> times;
  for (int i = 0; i < iterations; ++i) {
    CHECK_CUDA(cudaEventRecord(start));
    body(i);
    CHECK_CUDA(cudaEventRecord(stop));
    CHECK_CUDA(cudaEventSynchronize(stop));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// One configuration next to cuBLAS (16-bit out, fp32 accumulate) on the same
// shape and the same rotating input sets. Epilogue and bias cost are
// included for mlpjit only.
static void timeCase(const harness::Case &cs, int m, cublasHandle_t cublas,
                     int numSMs) {
  const long long n = cs.n, k = cs.k, nOut = cs.gated ? n / 2 : n;
  const bool bf16 = cs.dtype == mlpjit::DType::bf16;
  double setBytes = 2.0 * (double(m) * k + double(n) * k + double(m) * n);
  int sets = int(std::min(8.0, std::max(2.0, std::ceil(200e6 / setBytes))));
  std::vector<Buffers> bufs(sets);
  std::vector<mlpjit::abi::GemmParams> ps(sets);
  // Clusters: size the persistent grid by what the driver says is resident,
  // as the runtime does (LoadedKernel::residentCtas).
  const int resident =
      cs.maxActiveClusters
          ? cs.maxActiveClusters() * cs.config.clusterM * cs.config.clusterN
          : 0;
  // HARNESS_PAD_A=1: A's buffer and tensor map have m rounded up to whole
  // token tiles, so no box of A reaches past its tensor (the timing of
  // partly out-of-bounds boxes against in-bounds ones; session 23 saw
  // narrow tiles 5-30% slower at 100 tokens than at 128, same grid).
  int aRows = m;
#if defined(MLPJIT_GPU_SM90)
  if (envFlag("HARNESS_PAD_A")) {
    const int box = mlpjit::sm90::boxRowsA(cs.config);
    aRows = (m + box - 1) / box * box;
  }
#endif
  for (int s = 0; s < sets; ++s) {
    Buffers &buf = bufs[s];
    CHECK_CUDA(cudaMalloc(&buf.a, size_t(aRows) * k * 2));
    CHECK_CUDA(cudaMalloc(&buf.b, size_t(n) * k * 2));
    CHECK_CUDA(cudaMalloc(&buf.bias, size_t(n) * 2));
    CHECK_CUDA(cudaMalloc(&buf.d, size_t(m) * n * 2));
    unsigned long long counters = mlpjit::counterCount(cs.config, m);
    if (counters) {
      CHECK_CUDA(cudaMalloc(
          &buf.workspace,
          mlpjit::workspaceBytes(
              cs.config, m,
              family::launchShape(cs.config, m, numSMs, resident).grid[0])));
      CHECK_CUDA(cudaMalloc(&buf.counters, counters * 4));
      CHECK_CUDA(cudaMemset(buf.counters, 0, counters * 4));
    }
    fill(cs.dtype, buf.a, size_t(aRows) * k, 10 + s, 1.0f);
    fill(cs.dtype, buf.b, size_t(n) * k, 20 + s, 0.02f);
    fill(cs.dtype, buf.bias, size_t(n), 30 + s, 0.5f);
    ps[s] = params(cs, m, aRows, buf.a, buf.b, buf.bias, buf.d,
                   buf.workspace, buf.counters);
  }
  float ours = medianMs(
      [&](int i) { CHECK_CUDA(cs.launch(ps[i % sets], numSMs, resident, 0, false)); },
      50);
  // One CTA per work unit (numSMs = 0): the v1 schedule, for comparison.
  float flat = medianMs(
      [&](int i) { CHECK_CUDA(cs.launch(ps[i % sets], 0, 0, 0, false)); }, 50);
  // The persistent grid again, after the others: the spread is the noise.
  float again = medianMs(
      [&](int i) { CHECK_CUDA(cs.launch(ps[i % sets], numSMs, resident, 0, false)); },
      50);
  // The persistent grid through <<<>>> (no cluster attribute).
  float plain = medianMs(
      [&](int i) { CHECK_CUDA(cs.launch(ps[i % sets], numSMs, resident, 0, true)); }, 50);
  float plainFlat = medianMs(
      [&](int i) { CHECK_CUDA(cs.launch(ps[i % sets], 0, 0, 0, true)); }, 50);
  float one = 1.0f, zero = 0.0f;
  cudaDataType_t type = bf16 ? CUDA_R_16BF : CUDA_R_16F;
  float theirs = medianMs(
      [&](int i) {
        const Buffers &buf = bufs[i % sets];
        CHECK_CUBLAS(cublasGemmEx(cublas, CUBLAS_OP_T, CUBLAS_OP_N, int(n), m,
                                  int(k), &one, buf.b, type, int(k), buf.a,
                                  type, int(k), &zero, buf.d, type, int(n),
                                  CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
      },
      50);
  double flop = 2.0 * m * n * k;
  double bytes = 2.0 * (double(m) * k + double(n) * k + double(m) * nOut);
  std::printf(
      "time %-62s m=%5d: " MLPJIT_GPU_FAMILY " %8.4f ms %6.1f TFLOP/s %5.0f GB/s | "
      "cuBLAS %8.4f ms %6.1f TFLOP/s | ratio %.2f | 1 CTA/unit %8.4f ms | "
      "again %8.4f ms | <<<>>> %8.4f ms, 1 CTA/unit %8.4f ms | A rows %d\n",
      cs.name.c_str(), m, ours, flop / ours / 1e9, bytes / ours / 1e6, theirs,
      flop / theirs / 1e9, ours / theirs, flat, again, plain, plainFlat, aRows);
  std::fflush(stdout);
  for (Buffers &buf : bufs) {
    cudaFree(buf.a);
    cudaFree(buf.b);
    cudaFree(buf.bias);
    cudaFree(buf.d);
    cudaFree(buf.workspace);
    cudaFree(buf.counters);
  }
}

/// The token counts --time runs: HARNESS_TIME_M (comma-separated), else
/// 1, 16, 64, 256, 1024, 4096 and 8192.
static std::vector<int> timedTokens() {
  const char *list = std::getenv("HARNESS_TIME_M");
  if (!list || !*list)
    return {1, 16, 64, 256, 1024, 4096, 8192};
  std::vector<int> ms;
  for (const char *p = list; *p;) {
    char *end;
    long m = std::strtol(p, &end, 10);
    if (end == p || m < 1) {
      std::fprintf(stderr, "HARNESS_TIME_M: not a token list: %s\n", list);
      std::exit(2);
    }
    ms.push_back(int(m));
    p = *end == ',' ? end + 1 : end;
  }
  return ms;
}

int main(int argc, char **argv) {
  bool timing = argc > 1 && std::strcmp(argv[1], "--time") == 0;
  if (timing) {
    --argc;
    ++argv;
  }
  // Name filters: a case runs when its name contains any of them, or starts
  // with the rest of one that begins with '^' ("^c12_" is case 12 alone, not
  // c112); all run without one.
  auto selected = [&](const std::string &name) {
    for (int i = 1; i < argc; ++i) {
      const char *filter = argv[i];
      if (filter[0] == '^' ? name.rfind(filter + 1, 0) == 0
                           : std::strstr(name.c_str(), filter) != nullptr)
        return true;
    }
    return argc <= 1;
  };
  cudaDeviceProp prop;
  CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
  std::printf("device: %s (sm_%d%d, %d SMs), %zu configurations\n", prop.name,
              prop.major, prop.minor, prop.multiProcessorCount,
              harness::registry().size());
  const bool hostReference = envFlag("HARNESS_HOST_REFERENCE");
  if (hostReference && timing) {
    std::fprintf(stderr, "--time compares with cuBLAS: unset "
                         "HARNESS_HOST_REFERENCE\n");
    return 2;
  }
  cublasHandle_t cublas = nullptr;
  if (!hostReference) {
    CHECK_CUBLAS(cublasCreate(&cublas));
    CHECK_CUBLAS(cublasSetMathMode(cublas, CUBLAS_DEFAULT_MATH));
  }
  int passed = 0, failed = 0;
  unsigned long long seed = 1234;
  for (const harness::Case &cs : harness::registry()) {
    if (!selected(cs.name))
      continue;
    if (const char *why = family::supports(cs.config)) {
      std::printf("FAIL %s: supports() rejects it: %s\n", cs.name.c_str(), why);
      ++failed;
      continue;
    }
    unsigned shared = family::sharedBytes(cs.config);
    if (shared > prop.sharedMemPerBlockOptin) {
      std::printf("skip %s: needs %u bytes of shared memory, device has %zu\n",
                  cs.name.c_str(), shared, prop.sharedMemPerBlockOptin);
      continue;
    }
    if (timing) {
      if (!cs.timed)
        continue;
      if (cs.maxActiveClusters)
        std::printf("resident %s: %d clusters of %d\n", cs.name.c_str(),
                    cs.maxActiveClusters(),
                    cs.config.clusterM * cs.config.clusterN);
      for (int m : timedTokens())
        // Narrow swapAB tiles are for few tokens (the planner's up to 320,
        // KernelHeuristic.cpp kNarrowSwapTokensEnd); wide ones (256 weight
        // rows) for the middle counts.
        if (!cs.config.swapAB || cs.config.tileN == 256 || m <= 320)
          timeCase(cs, m, cublas, prop.multiProcessorCount);
      continue;
    }
    for (int m : cs.ms) {
      seed += 7;
      (runCase(cs, m, cublas, seed, prop.multiProcessorCount) ? passed
                                                              : failed)++;
      std::fflush(stdout);
    }
  }
  if (!timing)
    std::printf("%d passed, %d failed\n", passed, failed);
  if (cublas)
    cublasDestroy(cublas);
  return failed ? 1 : 0;
}
