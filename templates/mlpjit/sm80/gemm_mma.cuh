//===- sm80/gemm_mma.cuh - portable tensor-core GEMM (sm_80 and newer) ----===//
//
// D[m, nOut] = Epi(A[m, k] · B[n, k]ᵀ (+ bias[n])), kernel_abi.h's problem,
// with the instructions every GPU since Ampere has: a cp.async multi-stage
// pipeline into padded shared memory, ldmatrix, and mma.sync.m16n8k16 with
// fp32 accumulation. The correctness fallback for every GPU (A100, L4, and
// H100 when the Hopper template does not apply): simple first, fast second.
//
// One CTA computes a TileM x TileN tile of A·Bᵀ over its share of K (grid x
// is the tile in grouped order, launch.h's tileCoordinates; grid z the K
// split). Out-of-range rows of A and B and the K tail are zero-filled
// by cp.async (src-size 0), so any m and any k % TileK work. Accumulators then
// go through shared memory as an fp32 tile, which
//  - lets split-K CTAs publish partials: each writes its tile to
//    p.workspace, bumps p.counters[tile]; the last to arrive sums the partials
//    in the fixed order z = 0..SplitK-1 (deterministic), resets the counter
//    to 0 and runs the epilogue;
//  - pairs gate and up columns for gated epilogues (B rows interleaved in
//    blocks of GateUpBlock = G, so tile column c < G of each 2G-column block
//    is a gate column and c + G its up column; TileN and N are multiples of
//    2G, so a tile holds whole pairs, and a last tile past N holds zeros
//    that are never stored);
//  - gives coalesced 16-byte stores of D; rows >= m are never written.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM80_GEMM_MMA_CUH
#define MLPJIT_SM80_GEMM_MMA_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "mlpjit/epilogue.cuh"
#include "mlpjit/gemm_config.h"
#include "mlpjit/kernel_abi.h"
#include "mlpjit/sm80/launch.h"

namespace mlpjit {
namespace sm80 {
namespace detail {

template <typename Element> struct ElementOps;

template <> struct ElementOps<__nv_bfloat16> {
  static __device__ __forceinline__ float toFloat(__nv_bfloat16 x) {
    return __bfloat162float(x);
  }
  // Two values rounded to nearest even, `lo` at the lower address.
  static __device__ __forceinline__ unsigned pack2(float lo, float hi) {
    __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<unsigned *>(&v);
  }
  // d += a · b for one m16n8k16 tile.
  static __device__ __forceinline__ void
  mma(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]));
  }
};

template <> struct ElementOps<__half> {
  static __device__ __forceinline__ float toFloat(__half x) {
    return __half2float(x);
  }
  static __device__ __forceinline__ unsigned pack2(float lo, float hi) {
    __half2 v = __floats2half2_rn(lo, hi);
    return *reinterpret_cast<unsigned *>(&v);
  }
  static __device__ __forceinline__ void
  mma(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]));
  }
};

__device__ __forceinline__ unsigned sharedAddress(const void *p) {
  return unsigned(__cvta_generic_to_shared(p));
}

// 16 bytes global -> shared, bypassing L1; zero-filled when !valid (then
// `src` is only required to be a valid address).
__device__ __forceinline__ void copyAsync16(unsigned dst, const void *src,
                                            bool valid) {
  int srcBytes = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst),
               "l"(src), "r"(srcBytes));
}
__device__ __forceinline__ void copyAsyncCommit() {
  asm volatile("cp.async.commit_group;\n" ::);
}
template <int Pending> __device__ __forceinline__ void copyAsyncWait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(Pending));
}

__device__ __forceinline__ void loadMatrixX4(unsigned (&r)[4], unsigned addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}

} // namespace detail

template <typename Element, typename Epi, int TileM, int TileN, int TileK,
          int Stages, int ClusterM, int ClusterN, int SplitK, bool SwapAB,
          bool HasBias, long long N, long long K, int GateUpBlock>
struct GemmMma {
  // clang-format off
  static constexpr GemmConfig kConfig = {
      TileM, TileN, TileK, Stages, ClusterM, ClusterN, SplitK,
      SwapAB, Epi::kGated, HasBias, int(sizeof(Element)), N, K, GateUpBlock,
      /*tmaStore=*/false,
      /*pingPong=*/false};
  // clang-format on
  static_assert(sm80::supports(kConfig) == nullptr,
                "configuration rejected by sm80::supports() (launch.h)");

  static constexpr int kThreads = int(threads(kConfig));
  static constexpr int kSharedBytes = int(sharedBytes(kConfig));
  static constexpr int kWarpsM = warpsM(kConfig);
  static constexpr int kWarpsN = warpsN(kConfig);
  static constexpr int kWarpTileM = TileM / kWarpsM;
  static constexpr int kWarpTileN = TileN / kWarpsN;
  static constexpr int kMmaM = kWarpTileM / 16; // m16 tiles per warp
  static constexpr int kMmaN = kWarpTileN / 8;  // n8 tiles per warp
  static_assert(kWarpTileM % 16 == 0 && kWarpTileN % 16 == 0,
                "warp tiles are whole ldmatrix.x4 blocks");
  static constexpr int kRow = sharedRowElements(kConfig);
  static constexpr int kStageElements = (TileM + TileN) * kRow;
  static constexpr int kTileRow = epilogueRowFloats(kConfig);
  static constexpr int kChunksPerRow = TileK / 8; // 16-byte chunks
  static constexpr unsigned kTilesN = unsigned(tilesN(kConfig));
  static constexpr int kKTiles = int((K + TileK - 1) / TileK);
  static constexpr int kKTilesPerSplit = (kKTiles + SplitK - 1) / SplitK;
  static constexpr bool kGated = Epi::kGated;
  static constexpr int kOutTileN = kGated ? TileN / 2 : TileN;
  static constexpr long long kNOut = kGated ? N / 2 : N;
  using Ops = detail::ElementOps<Element>;

  static __device__ __forceinline__ void loadStage(Element *stage,
                                                   const Element *a,
                                                   const Element *b, int m,
                                                   int m0, int n0, int kTile) {
    Element *sA = stage;
    Element *sB = stage + TileM * kRow;
    const int kBase = kTile * TileK;
#pragma unroll
    for (int i = threadIdx.x; i < TileM * kChunksPerRow; i += kThreads) {
      int row = i / kChunksPerRow, chunk = i % kChunksPerRow;
      int k = kBase + chunk * 8;
      bool valid = m0 + row < m && k < K;
      const Element *src = valid ? a + (long long)(m0 + row) * K + k : a;
      detail::copyAsync16(detail::sharedAddress(sA + row * kRow + chunk * 8),
                          src, valid);
    }
#pragma unroll
    for (int i = threadIdx.x; i < TileN * kChunksPerRow; i += kThreads) {
      int row = i / kChunksPerRow, chunk = i % kChunksPerRow;
      int k = kBase + chunk * 8;
      bool valid = n0 + row < N && k < K;
      const Element *src = valid ? b + (long long)(n0 + row) * K + k : b;
      detail::copyAsync16(detail::sharedAddress(sB + row * kRow + chunk * 8),
                          src, valid);
    }
  }

  static __device__ __forceinline__ void run(const abi::GemmParams &p) {
    extern __shared__ __align__(16) unsigned char sharedRaw[];
    Element *shared = reinterpret_cast<Element *>(sharedRaw);
    const Element *a = static_cast<const Element *>(p.a);
    const Element *b = static_cast<const Element *>(p.b);
    const int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
    const int warpM = warp % kWarpsM, warpN = warp / kWarpsM;
    const int m = p.m;
    // Launched in stream order (no PDL): the previous grid is done.
    abi::clearNextCounters(p, tid, kThreads);
    unsigned tileRow = 0, tileCol = 0;
    tileCoordinates(blockIdx.x, unsigned((m + TileM - 1) / TileM), kTilesN,
                    tileRow, tileCol);
    const int m0 = int(tileRow) * TileM;
    const int n0 = int(tileCol) * TileN;
    const int split = blockIdx.z;
    const int kBegin = split * kKTilesPerSplit;
    const int kEnd = min(kBegin + kKTilesPerSplit, kKTiles);
    const int numK = kEnd > kBegin ? kEnd - kBegin : 0;

    float acc[kMmaM][kMmaN][4];
#pragma unroll
    for (int i = 0; i < kMmaM; ++i)
#pragma unroll
      for (int j = 0; j < kMmaN; ++j)
#pragma unroll
        for (int r = 0; r < 4; ++r)
          acc[i][j][r] = 0.0f;

          // Prologue: Stages - 1 tiles in flight. Every iteration commits a
          // group (possibly empty) so that wait_group counts stay uniform.
#pragma unroll
    for (int s = 0; s < Stages - 1; ++s) {
      if (s < numK)
        loadStage(shared + s * kStageElements, a, b, m, m0, n0, kBegin + s);
      detail::copyAsyncCommit();
    }

    for (int kt = 0; kt < numK; ++kt) {
      detail::copyAsyncWait<Stages - 2>();
      // Tile kt is visible to all, and all warps are done with tile kt - 1,
      // whose slot the next load overwrites.
      __syncthreads();
      int next = kt + Stages - 1;
      if (next < numK)
        loadStage(shared + (next % Stages) * kStageElements, a, b, m, m0, n0,
                  kBegin + next);
      detail::copyAsyncCommit();

      const Element *sA = shared + (kt % Stages) * kStageElements;
      const Element *sB = sA + TileM * kRow;
#pragma unroll
      for (int kk = 0; kk < TileK; kk += 16) {
        unsigned aFrag[kMmaM][4];
        unsigned bFrag[kMmaN][2];
#pragma unroll
        for (int i = 0; i < kMmaM; ++i) {
          // Lanes 0-15 address rows 0-15 at kk, lanes 16-31 the same rows at
          // kk + 8: registers come back in mma's A-fragment order.
          int row = warpM * kWarpTileM + i * 16 + lane % 16;
          int col = kk + (lane / 16) * 8;
          detail::loadMatrixX4(aFrag[i],
                               detail::sharedAddress(sA + row * kRow + col));
        }
#pragma unroll
        for (int j = 0; j < kMmaN; j += 2) {
          // B is stored [n][k], which is mma's "col" B operand as is: lanes
          // 0-7 / 8-15 give rows n..n+7 at kk / kk+8, lanes 16-31 rows n+8..
          int row = warpN * kWarpTileN + j * 8 + lane % 8 + (lane / 16) * 8;
          int col = kk + ((lane / 8) % 2) * 8;
          unsigned r[4];
          detail::loadMatrixX4(r, detail::sharedAddress(sB + row * kRow + col));
          bFrag[j][0] = r[0];
          bFrag[j][1] = r[1];
          bFrag[j + 1][0] = r[2];
          bFrag[j + 1][1] = r[3];
        }
#pragma unroll
        for (int i = 0; i < kMmaM; ++i)
#pragma unroll
          for (int j = 0; j < kMmaN; ++j)
            Ops::mma(acc[i][j], aFrag[i], bFrag[j]);
      }
    }
    detail::copyAsyncWait<0>();
    __syncthreads(); // the pipeline's shared memory becomes the fp32 tile

    float *tile = reinterpret_cast<float *>(sharedRaw);
    {
      // Accumulator layout of m16n8: c0,c1 at (group, 2*quad + {0,1}),
      // c2,c3 eight rows below.
      const int group = lane / 4, quad = lane % 4;
#pragma unroll
      for (int i = 0; i < kMmaM; ++i)
#pragma unroll
        for (int j = 0; j < kMmaN; ++j) {
          int row = warpM * kWarpTileM + i * 16 + group;
          int col = warpN * kWarpTileN + j * 8 + quad * 2;
          *reinterpret_cast<float2 *>(&tile[row * kTileRow + col]) =
              make_float2(acc[i][j][0], acc[i][j][1]);
          *reinterpret_cast<float2 *>(&tile[(row + 8) * kTileRow + col]) =
              make_float2(acc[i][j][2], acc[i][j][3]);
        }
    }
    __syncthreads();

    if constexpr (SplitK > 1) {
      if (!reduceSplits(p, tile, split))
        return; // another split finishes this tile
    }
    storeEpilogue(p, tile, m, m0, n0);
  }

  // Publishes this split's partial tile; true for the CTA that arrives last,
  // which then holds the fixed-order sum of all partials in `tile`.
  static __device__ __forceinline__ bool reduceSplits(const abi::GemmParams &p,
                                                      float *tile, int split) {
    __shared__ unsigned arrivedLast;
    constexpr int kTileFloats = TileM * TileN;
    const unsigned tileIndex = blockIdx.x;
    float *partials = p.workspace + (size_t)tileIndex * SplitK * kTileFloats;
    float *mine = partials + (size_t)split * kTileFloats;
    for (int v = threadIdx.x; v < kTileFloats / 4; v += kThreads) {
      int row = (v * 4) / TileN, col = (v * 4) % TileN;
      __stcg(reinterpret_cast<float4 *>(mine + row * TileN + col),
             *reinterpret_cast<const float4 *>(&tile[row * kTileRow + col]));
    }
    __threadfence(); // partials visible device-wide before the arrival
    __syncthreads();
    if (threadIdx.x == 0) {
      unsigned before = atomicAdd(&p.counters[tileIndex], 1u);
      arrivedLast = before == unsigned(SplitK - 1);
    }
    __syncthreads();
    if (!arrivedLast)
      return false;
    __threadfence();
    for (int v = threadIdx.x; v < kTileFloats / 4; v += kThreads) {
      int row = (v * 4) / TileN, col = (v * 4) % TileN;
      float4 sum = make_float4(0.f, 0.f, 0.f, 0.f);
      for (int s = 0; s < SplitK; ++s) {
        float4 x = __ldcg(reinterpret_cast<const float4 *>(
            partials + (size_t)s * kTileFloats + row * TileN + col));
        sum.x += x.x;
        sum.y += x.y;
        sum.z += x.z;
        sum.w += x.w;
      }
      *reinterpret_cast<float4 *>(&tile[row * kTileRow + col]) = sum;
    }
    if (threadIdx.x == 0)
      p.counters[tileIndex] = 0; // ready for the next launch, no memset
    __syncthreads();
    return true;
  }

  // bias + Epi over the fp32 tile, 8 outputs (16 bytes) per thread and step.
  static __device__ __forceinline__ void storeEpilogue(const abi::GemmParams &p,
                                                       const float *tile, int m,
                                                       int m0, int n0) {
    constexpr int kVectorsPerRow = kOutTileN / 8;
    Element *d = static_cast<Element *>(p.d);
    const Element *bias = static_cast<const Element *>(p.bias);
    const long long outCol0 = kGated ? n0 / 2 : n0;
    for (int v = threadIdx.x; v < TileM * kVectorsPerRow; v += kThreads) {
      int row = v / kVectorsPerRow, col = (v % kVectorsPerRow) * 8;
      // kNOut % 8 == 0, so a vector is entirely inside or outside D.
      if (m0 + row >= m || outCol0 + col >= kNOut)
        continue;
      float out[8];
#pragma unroll
      for (int e = 0; e < 8; ++e) {
        int c = col + e;
        if constexpr (kGated) {
          int gateCol = (c / GateUpBlock) * (2 * GateUpBlock) + c % GateUpBlock;
          float gate = tile[row * kTileRow + gateCol];
          float up = tile[row * kTileRow + gateCol + GateUpBlock];
          if constexpr (HasBias) {
            gate += Ops::toFloat(bias[n0 + gateCol]);
            up += Ops::toFloat(bias[n0 + gateCol + GateUpBlock]);
          }
          out[e] = Epi::apply(gate, up);
        } else {
          float x = tile[row * kTileRow + c];
          if constexpr (HasBias)
            x += Ops::toFloat(bias[n0 + c]);
          out[e] = Epi::apply(x);
        }
      }
      uint4 packed;
      packed.x = Ops::pack2(out[0], out[1]);
      packed.y = Ops::pack2(out[2], out[3]);
      packed.z = Ops::pack2(out[4], out[5]);
      packed.w = Ops::pack2(out[6], out[7]);
      *reinterpret_cast<uint4 *>(d + (long long)(m0 + row) * kNOut + outCol0 +
                                 col) = packed;
    }
  }
};

} // namespace sm80
} // namespace mlpjit

#endif // MLPJIT_SM80_GEMM_MMA_CUH
