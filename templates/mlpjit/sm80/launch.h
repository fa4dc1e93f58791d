//===- sm80/launch.h - launch rules of the sm80 (mma.sync) GEMM template
//---===//
//
// Plain C++17, compiled by the host (to size launches and validate plans)
// and by NVRTC (the template static_asserts against the same functions).
//
// Shape: grid {tilesM * tilesN, 1, splitK}, tiles in grouped order (see
// tileCoordinates); 4 warps, or 8 when tileM * tileN >= 128 * 128. Dynamic
// shared memory holds the cp.async pipeline, reused as the fp32 epilogue
// tile. Split-K needs workspaceBytes(cfg, m) of fp32 partials (p.workspace,
// 16-byte aligned: the kernel moves float4) and counterCount(cfg, m) unsigned
// counters (p.counters, zeroed once; the kernel leaves them zero).
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM80_LAUNCH_H
#define MLPJIT_SM80_LAUNCH_H

#include "mlpjit/gemm_config.h"
#include "mlpjit/kernel_abi.h"
#include "mlpjit/tile_schedule.h"

// The kernel also maps its CTA index with tileCoordinates.
#if defined(__CUDACC__)
#define MLPJIT_SM80_HOST_DEVICE __host__ __device__
#else
#define MLPJIT_SM80_HOST_DEVICE
#endif

namespace mlpjit {
namespace sm80 {

constexpr int warps(const GemmConfig &c) {
  return c.tileM * c.tileN >= 128 * 128 ? 8 : 4;
}
constexpr int warpsM(const GemmConfig &c) { return c.tileM >= 32 ? 2 : 1; }
constexpr int warpsN(const GemmConfig &c) { return warps(c) / warpsM(c); }

constexpr unsigned threads(const GemmConfig &c) {
  return unsigned(warps(c) * 32);
}

/// Shared row stride in elements: 16 bytes of padding per row keep ldmatrix
/// free of bank conflicts without a swizzle.
constexpr int sharedRowElements(const GemmConfig &c) { return c.tileK + 8; }
/// fp32 epilogue tile row stride (16-byte aligned rows).
constexpr int epilogueRowFloats(const GemmConfig &c) { return c.tileN + 4; }

constexpr unsigned sharedBytes(const GemmConfig &c) {
  unsigned pipeline = unsigned(c.stages) * unsigned(c.tileM + c.tileN) *
                      unsigned(sharedRowElements(c)) * 2u;
  unsigned epilogue = unsigned(c.tileM) * unsigned(epilogueRowFloats(c)) * 4u;
  return pipeline > epilogue ? pipeline : epilogue;
}

// Output tiles, their grouped order and the split-K scratch (tilesM/N,
// tileCoordinates, workspaceBytes, counterCount): mlpjit/tile_schedule.h.

inline abi::LaunchShape launchShape(const GemmConfig &c, int m, int numSMs,
                                    int residentCtas = 0) {
  (void)numSMs; // one CTA per tile; no persistent scheduling
  (void)residentCtas;
  abi::LaunchShape s{};
  s.grid[0] = unsigned(tilesN(c) * tilesM(c, m > 0 ? m : 1));
  s.grid[1] = 1;
  s.grid[2] = unsigned(c.splitK);
  s.block[0] = threads(c);
  s.block[1] = s.block[2] = 1;
  s.cluster[0] = s.cluster[1] = s.cluster[2] = 1;
  s.sharedBytes = sharedBytes(c);
  return s;
}

/// nullptr when the template implements `c`, else why not. swapAB is accepted
/// and ignored: it is a Hopper scheduling choice, D is the same without it.
constexpr const char *supports(const GemmConfig &c) {
  if (c.elementBytes != 2)
    return "only 16-bit elements (bf16, fp16)";
  if (c.tileM != 16 && c.tileM != 32 && c.tileM != 64 && c.tileM != 128)
    return "tileM must be 16, 32, 64 or 128";
  if (c.tileN != 64 && c.tileN != 128 && c.tileN != 256)
    return "tileN must be 64, 128 or 256";
  if (c.tileK != 32 && c.tileK != 64)
    return "tileK must be 32 or 64";
  if (c.stages < 2 || c.stages > 5)
    return "stages must be 2 to 5";
  if (c.clusterM != 1 || c.clusterN != 1)
    return "clusters are not used by sm80_mma (must be 1x1)";
  if (c.splitK < 1 || c.splitK > 16)
    return "splitK must be 1 to 16 (no stream-K in sm80_mma)";
  if (c.pingPong)
    return "ping-pong consumers are an sm90 schedule";
  if (c.n <= 0 || c.k <= 0 || c.n % 8 != 0 || c.k % 8 != 0)
    return "n and k must be positive multiples of 8";
  if (c.gated && c.gateUpBlock != 8 && c.gateUpBlock != 16 &&
      c.gateUpBlock != 32 && c.gateUpBlock != 64)
    return "gated epilogues need gate/up blocks of 8, 16, 32 or 64 rows";
  if (!c.gated && c.gateUpBlock != 0)
    return "gateUpBlock must be 0 without a gated epilogue";
  return sharedRuleRejection(c, sharedBytes(c));
}

} // namespace sm80
} // namespace mlpjit

#endif // MLPJIT_SM80_LAUNCH_H
