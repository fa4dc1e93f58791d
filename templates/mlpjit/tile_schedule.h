//===- tile_schedule.h - output tiles, their order and split-K scratch ----===//
//
// Shared by every template family: how many output tiles a GEMM has, the
// grouped order CTAs take them in, and the split-K workspace and counters.
// Plain C++17, compiled by the host (runtime/, to size launches) and by NVRTC
// (the kernels map their CTA index with tileCoordinates).
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TILE_SCHEDULE_H
#define MLPJIT_TILE_SCHEDULE_H

#include "mlpjit/gemm_config.h"

#if defined(__CUDACC__)
#define MLPJIT_HOST_DEVICE __host__ __device__
#else
#define MLPJIT_HOST_DEVICE
#endif

namespace mlpjit {

MLPJIT_HOST_DEVICE constexpr unsigned long long tilesN(const GemmConfig &c) {
  return (unsigned long long)((c.n + c.tileN - 1) / c.tileN);
}
MLPJIT_HOST_DEVICE constexpr unsigned long long tilesM(const GemmConfig &c,
                                                       int m) {
  return (unsigned long long)((m + c.tileM - 1) / c.tileM);
}

/// splitK = kStreamK: stream-K. The grid is persistent (G CTAs); the tiles
/// of whole waves go to CTAs round robin, the rest (the last one to two
/// waves' worth) are cut along K into G equal runs of k-tiles, one per CTA,
/// so every SM gets the same work whatever the tile count.
constexpr int kStreamK = 0;
MLPJIT_HOST_DEVICE constexpr bool isStreamK(const GemmConfig &c) {
  return c.splitK == kStreamK;
}
MLPJIT_HOST_DEVICE constexpr bool reducesPartials(const GemmConfig &c) {
  return c.splitK != 1;
}

/// How a stream-K grid of `ctas` CTAs shares `tiles` output tiles of
/// `kTiles` k-tiles each. Tiles [0, wholeTiles) run whole (CTA b takes b,
/// b + ctas, ...); the next streamTiles tiles form one run of
/// streamTiles * kTiles k-tiles that CTA b covers in [b * perCta,
/// (b + 1) * perCta). The CTAs covering one tile each own a piece of it:
/// piece j of stream tile t (0-based among stream tiles) is CTA
/// firstOwner(t) + j, and its partial goes to slot t + firstOwner(t) + j,
/// unique because owners never decrease as t grows. Hence streamTiles +
/// ctas slots at most.
struct StreamKSplit {
  unsigned wholeTiles, streamTiles, perCta;
};
MLPJIT_HOST_DEVICE constexpr StreamKSplit
streamKSplit(unsigned long long tiles, unsigned kTiles, unsigned ctas) {
  // Cut only what does not fill whole waves; keep each CTA's run at least
  // a tile long where there are enough tiles (short runs cost a partial
  // each for little work).
  unsigned long long rest = tiles % ctas;
  unsigned long long stream =
      rest == 0 ? 0 : (tiles < 2ull * ctas ? tiles : rest + ctas);
  unsigned long long iters = stream * kTiles;
  return StreamKSplit{unsigned(tiles - stream), unsigned(stream),
                      unsigned((iters + ctas - 1) / ctas)};
}

/// The stream-K piece that starts at k-tile `i` of the stream run of CTA
/// `cta`, whose run ends at `end` (exclusive): stream tile `tile` (0-based
/// after the whole tiles), k-tiles [kBegin, kBegin + kCount), piece `piece`
/// of `pieces`, partial slots from slotBase. The next piece starts at
/// i + kCount.
struct StreamKPiece {
  unsigned tile;
  int kBegin, kCount, piece, pieces;
  unsigned long long slotBase;
};
MLPJIT_HOST_DEVICE constexpr StreamKPiece
streamKPieceAt(const StreamKSplit &s, unsigned kTiles, unsigned cta,
               unsigned long long i, unsigned long long end) {
  const unsigned tile = unsigned(i / kTiles);
  const int kBegin = int(i % kTiles);
  const unsigned long long left = end - i;
  const int kCount = left < (unsigned long long)(kTiles - unsigned(kBegin))
                         ? int(left)
                         : int(kTiles) - kBegin;
  const unsigned long long tileBegin = (unsigned long long)tile * kTiles;
  const unsigned first = unsigned(tileBegin / s.perCta);
  const unsigned last = unsigned((tileBegin + kTiles - 1) / s.perCta);
  return StreamKPiece{tile,
                      kBegin,
                      kCount,
                      int(cta - first),
                      int(last - first + 1),
                      (unsigned long long)tile + first};
}

/// fp32 partial tiles: one per (output tile, K split); for stream-K one per
/// piece slot of a grid of `ctas` CTAs, at most min(tiles, 2 ctas - 1) +
/// ctas (streamKSplit) for any token count up to m.
MLPJIT_HOST_DEVICE constexpr unsigned long long
workspaceBytes(const GemmConfig &c, int m, unsigned ctas = 0) {
  const unsigned long long tileBytes =
      (unsigned long long)(c.tileM * c.tileN) * 4ull;
  if (isStreamK(c)) {
    unsigned long long tiles = tilesN(c) * tilesM(c, m);
    unsigned long long most = 2ull * ctas - 1;
    return ctas == 0 ? 0ull
                     : ((tiles < most ? tiles : most) + ctas) * tileBytes;
  }
  return c.splitK > 1 ? tilesN(c) * tilesM(c, m) *
                            (unsigned long long)c.splitK * tileBytes
                      : 0ull;
}
/// One arrival counter per output tile.
MLPJIT_HOST_DEVICE constexpr unsigned long long
counterCount(const GemmConfig &c, int m) {
  return reducesPartials(c) ? tilesN(c) * tilesM(c, m) : 0ull;
}

/// Token tiles per rasterization group: CTAs that run at the same time cover
/// at most this many token tiles and a run of weight tiles, so both operands'
/// tiles are shared through L2 instead of being re-read from memory.
constexpr int kGroupTilesM = 8;

/// The (token tile, weight tile) of linear index `id` in grouped order:
/// token tiles vary fastest within groups of kGroupTilesM, then weight tiles,
/// then groups. For m <= kGroupTilesM * tileM every CTA in flight reads the
/// same few weight tiles, which the GEMM's traffic is dominated by.
MLPJIT_HOST_DEVICE constexpr void tileCoordinates(unsigned id, unsigned tilesM,
                                                  unsigned tilesN,
                                                  unsigned &tileM,
                                                  unsigned &tileN) {
  unsigned perGroup = unsigned(kGroupTilesM) * tilesN;
  unsigned group = id / perGroup;
  unsigned firstM = group * unsigned(kGroupTilesM);
  unsigned rows = tilesM - firstM < unsigned(kGroupTilesM)
                      ? tilesM - firstM
                      : unsigned(kGroupTilesM);
  unsigned inGroup = id % perGroup;
  tileM = firstM + inGroup % rows;
  tileN = inGroup / rows;
}

/// Per-block opt-in shared memory of the largest sm_8x/sm_90 part (H100 and
/// H200: 227 KiB). Smaller parts (A100: 163 KiB, sm_86/89: 99 KiB) reject
/// larger configurations when the kernel loads.
constexpr unsigned kMaxSharedBytes = 227 * 1024;

/// The rules every family shares, as its supports() words them: nullptr
/// when `c` keeps them. Gated plans read gate/up in blocks of 8..64 rows
/// whose pairs tile both the weight tile and n; a block's shared memory
/// fits kMaxSharedBytes.
MLPJIT_HOST_DEVICE constexpr const char *
sharedRuleRejection(const GemmConfig &c, unsigned sharedBytes) {
  if (c.gated && (c.gateUpBlock < 8 || c.gateUpBlock > 64 ||
                  (c.gateUpBlock & (c.gateUpBlock - 1)) != 0))
    return "gated epilogues need a gate/up block of 8, 16, 32 or 64 rows";
  if (c.gated &&
      (c.tileN % (2 * c.gateUpBlock) != 0 || c.n % (2 * c.gateUpBlock) != 0))
    return "gated epilogues need tileN and n multiples of 2 * gateUpBlock "
           "(whole gate/up block pairs inside one tile)";
  if (sharedBytes > kMaxSharedBytes)
    return "needs more than 227 KiB of shared memory; use fewer stages or "
           "smaller tiles";
  return nullptr;
}

} // namespace mlpjit

#endif // MLPJIT_TILE_SCHEDULE_H
