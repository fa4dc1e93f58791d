//===- sm80/epilogue_store.cuh - the sm80 GEMM's epilogue: D from the tile ===//
//
// The accumulators go through shared memory as an fp32 tile (the k-loop's
// ring, reused), which
//  - lets split-K CTAs sum their partials (tile_scheduler.cuh);
//  - pairs gate and up columns for gated epilogues (B rows interleaved in
//    blocks of GateUpBlock = G, so tile column c < G of each 2G-column block
//    is a gate column and c + G its up column; TileN and N are multiples of
//    2G, so a tile holds whole pairs, and a last tile past N holds zeros
//    that are never stored);
//  - gives coalesced 16-byte stores of D = Epi(tile + bias), Epi a functor
//    of epilogue.cuh; rows >= m are never written.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM80_EPILOGUE_STORE_CUH
#define MLPJIT_SM80_EPILOGUE_STORE_CUH

#include "mlpjit/element_traits.cuh"
#include "mlpjit/kernel_abi.h"

namespace mlpjit {
namespace sm80 {

/// G: GemmTraits.
template <typename G> struct EpilogueStore : G {
  using G::GateUpBlock;
  using G::HasBias;
  using G::kGated;
  using G::kMmaM;
  using G::kMmaN;
  using G::kNOut;
  using G::kOutTileN;
  using G::kThreads;
  using G::kTileRow;
  using G::kWarpTileM;
  using G::kWarpTileN;
  using G::TileM;
  using typename G::Element;
  using typename G::Epi;
  using typename G::Traits;

  /// Writes this warp's accumulators (warp tile (warpM, warpN)) into the
  /// fp32 tile; the caller synchronises before anyone reads it.
  static __device__ __forceinline__ void
  stageAccumulators(float *tile, const float (&acc)[kMmaM][kMmaN][4], int lane,
                    int warpM, int warpN) {
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

  /// bias + Epi over the fp32 tile, 8 outputs (16 bytes) per thread and step.
  static __device__ __forceinline__ void
  store(const abi::GemmParams &p, const float *tile, int m, int m0, int n0) {
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
            gate += Traits::toFloat(bias[n0 + gateCol]);
            up += Traits::toFloat(bias[n0 + gateCol + GateUpBlock]);
          }
          out[e] = Epi::apply(gate, up);
        } else {
          float x = tile[row * kTileRow + c];
          if constexpr (HasBias)
            x += Traits::toFloat(bias[n0 + c]);
          out[e] = Epi::apply(x);
        }
      }
      uint4 packed;
      packed.x = packBits<Element>(out[0], out[1]);
      packed.y = packBits<Element>(out[2], out[3]);
      packed.z = packBits<Element>(out[4], out[5]);
      packed.w = packBits<Element>(out[6], out[7]);
      *reinterpret_cast<uint4 *>(d + (long long)(m0 + row) * kNOut + outCol0 +
                                 col) = packed;
    }
  }
};

} // namespace sm80
} // namespace mlpjit

#endif // MLPJIT_SM80_EPILOGUE_STORE_CUH
