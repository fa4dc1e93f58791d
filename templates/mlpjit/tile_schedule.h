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

/// fp32 partial tiles: one per (output tile, K split).
MLPJIT_HOST_DEVICE constexpr unsigned long long
workspaceBytes(const GemmConfig &c, int m) {
  return c.splitK > 1
             ? tilesN(c) * tilesM(c, m) * (unsigned long long)c.splitK *
                   (unsigned long long)(c.tileM * c.tileN) * 4ull
             : 0ull;
}
/// One arrival counter per output tile.
MLPJIT_HOST_DEVICE constexpr unsigned long long
counterCount(const GemmConfig &c, int m) {
  return c.splitK > 1 ? tilesN(c) * tilesM(c, m) : 0ull;
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
