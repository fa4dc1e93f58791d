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
/// of whole waves go to CTAs round robin, the rest (fewer than G) are cut
/// along K into equal pieces dealt round robin too (streamKSplit), so the
/// last wave does not leave SMs idle.
constexpr int kStreamK = 0;
MLPJIT_HOST_DEVICE constexpr bool isStreamK(const GemmConfig &c) {
  return c.splitK == kStreamK;
}
MLPJIT_HOST_DEVICE constexpr bool reducesPartials(const GemmConfig &c) {
  return c.splitK != 1;
}

/// How a stream-K grid of `ctas` CTAs shares `tiles` output tiles of
/// `kTiles` k-tiles each. Tiles [0, wholeTiles) run whole (CTA b takes b,
/// b + ctas, ...). The other streamTiles (< ctas) tiles are each cut into
/// `pieces` runs of perPiece k-tiles (the last run may be shorter); piece j
/// of stream tile t is unit q = j * streamTiles + t, CTA q % ctas runs it
/// after its whole tiles, and its fp32 partial goes to slot t * pieces + j.
///
/// Pieces are aligned in K and dealt piece-major, so the CTAs that share a
/// weight tile (neighbouring tiles of a raster group) run the same K range
/// at the same time and read its k-slices from L2 once. (Equal contiguous
/// runs of the (tile, k) space per CTA, the v5 schedule, put them at
/// different K offsets: L2 hit rate 53% against 79%, 3.4x the DRAM bytes
/// and up to 2x slower than whole tiles; docs/performance.md, v7.)
///
/// `pieces` minimizes the last wave's length, rounds / pieces tiles with
/// rounds = ceil(streamTiles * pieces / ctas), taking the fewest pieces
/// within 2% of the best: at most kStreamKMaxPieces, runs of at least
/// kStreamKMinRun k-tiles, and at most kStreamKMaxRounds * ctas pieces in
/// all (the workspace's bound).
struct StreamKSplit {
  unsigned wholeTiles, streamTiles, pieces, perPiece;
};
constexpr unsigned kStreamKMaxPieces = 8, kStreamKMinRun = 4,
                   kStreamKMaxRounds = 3;
MLPJIT_HOST_DEVICE constexpr StreamKSplit
streamKSplit(unsigned long long tiles, unsigned kTiles, unsigned ctas) {
  if (ctas == 0)
    return StreamKSplit{0u, unsigned(tiles), 1u, kTiles};
  const unsigned long long rest = tiles % ctas;
  StreamKSplit s{unsigned(tiles - rest), unsigned(rest), 1u, kTiles};
  if (rest == 0 || kTiles == 0)
    return s;
  // Candidate p: its rounds / p, in thousandths of a tile.
  unsigned bestP = 1;
  unsigned long long bestCost = 1000;
  for (unsigned p = 2; p <= kStreamKMaxPieces; ++p) {
    const unsigned per = (kTiles + p - 1) / p;
    if ((p - 1) * per >= kTiles) // an empty last piece
      continue;
    if (per < kStreamKMinRun)
      break;
    if (rest * p > (unsigned long long)kStreamKMaxRounds * ctas)
      break;
    const unsigned long long rounds = (rest * p + ctas - 1) / ctas;
    const unsigned long long cost = rounds * 1000 / p;
    if (cost * 102 < bestCost * 100) { // 2% better: worth more partials
      bestCost = cost;
      bestP = p;
    }
  }
  s.pieces = bestP;
  s.perPiece = (kTiles + bestP - 1) / bestP;
  return s;
}

/// The unit q (< streamTiles * pieces) of the stream tiles: stream tile
/// `tile` (0-based after the whole tiles), k-tiles [kBegin, kBegin +
/// kCount), piece `piece` of `pieces`, partial slots from slotBase.
struct StreamKPiece {
  unsigned tile;
  int kBegin, kCount, piece, pieces;
  unsigned long long slotBase;
};
MLPJIT_HOST_DEVICE constexpr StreamKPiece
streamKPiece(const StreamKSplit &s, unsigned kTiles, unsigned q) {
  const unsigned j = q / s.streamTiles, t = q % s.streamTiles;
  const unsigned begin = j * s.perPiece;
  const unsigned count =
      begin + s.perPiece < kTiles ? s.perPiece : kTiles - begin;
  return StreamKPiece{t,      int(begin),    int(count),
                      int(j), int(s.pieces), (unsigned long long)t * s.pieces};
}

/// fp32 partial tiles: one per (output tile, K split); for stream-K one per
/// piece of a grid of `ctas` CTAs: at most kStreamKMaxPieces per tile and
/// kStreamKMaxRounds * ctas in all (streamKSplit), for any token count up
/// to m.
MLPJIT_HOST_DEVICE constexpr unsigned long long
workspaceBytes(const GemmConfig &c, int m, unsigned ctas = 0) {
  const unsigned long long tileBytes =
      (unsigned long long)(c.tileM * c.tileN) * 4ull;
  if (isStreamK(c)) {
    unsigned long long pieces = tilesN(c) * tilesM(c, m) * kStreamKMaxPieces;
    unsigned long long most = (unsigned long long)kStreamKMaxRounds * ctas;
    return ctas == 0 ? 0ull : (pieces < most ? pieces : most) * tileBytes;
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
/// token tiles vary fastest within groups of groupTilesM (kGroupTilesM, or
/// 16 for some 64-row tiles: sm90/launch.h groupUnitsM), then weight tiles,
/// then groups. For m <= groupTilesM * tileM every CTA in flight reads the same
/// few weight tiles, which the GEMM's traffic is dominated by.
MLPJIT_HOST_DEVICE constexpr void
tileCoordinates(unsigned id, unsigned tilesM, unsigned tilesN, unsigned &tileM,
                unsigned &tileN, unsigned groupTilesM = kGroupTilesM) {
  unsigned perGroup = groupTilesM * tilesN;
  unsigned group = id / perGroup;
  unsigned firstM = group * groupTilesM;
  unsigned rows = tilesM - firstM < groupTilesM ? tilesM - firstM : groupTilesM;
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
