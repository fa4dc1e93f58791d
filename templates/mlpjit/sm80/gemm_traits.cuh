//===- sm80/gemm_traits.cuh - the compile-time shape of one sm80 GEMM -----===//
//
// Every constant the roles of the GEMM share (mainloop.cuh,
// tile_scheduler.cuh, epilogue_store.cuh, and the kernel that composes them,
// gemm_mma.cuh), derived once from the template parameters through launch.h's
// functions, so that the host's launch rules and the device code cannot
// disagree: warps and warp tiles, padded shared rows, stages, K splits.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM80_GEMM_TRAITS_CUH
#define MLPJIT_SM80_GEMM_TRAITS_CUH

#include "mlpjit/element_traits.cuh"
#include "mlpjit/gemm_config.h"
#include "mlpjit/sm80/launch.h"

namespace mlpjit {
namespace sm80 {

/// The template parameters of GemmMma under their own names, and what
/// follows from them.
template <typename Element_, typename Epi_, int TileM_, int TileN_, int TileK_,
          int Stages_, int ClusterM_, int ClusterN_, int SplitK_, bool SwapAB_,
          bool HasBias_, long long N_, long long K_, int GateUpBlock_>
struct GemmTraits {
  using Element = Element_;
  using Epi = Epi_;
  static constexpr int TileM = TileM_, TileN = TileN_, TileK = TileK_;
  static constexpr int Stages = Stages_;
  static constexpr int ClusterM = ClusterM_, ClusterN = ClusterN_;
  static constexpr int SplitK = SplitK_;
  static constexpr bool SwapAB = SwapAB_, HasBias = HasBias_;
  static constexpr long long N = N_, K = K_;
  static constexpr int GateUpBlock = GateUpBlock_;

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
  using Traits = ElementTraits<Element>;
};

} // namespace sm80
} // namespace mlpjit

#endif // MLPJIT_SM80_GEMM_TRAITS_CUH
