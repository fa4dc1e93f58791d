//===- sm90/launch.h - launch rules of the sm90 TMA + WGMMA GEMM ---------===//
//
// Plain C++17, compiled by the host (to size launches and validate plans)
// and by NVRTC (the template static_asserts against the same functions;
// __host__ __device__ under CUDA so no -default-device is needed).
//
// Shape: a persistent grid (split-K: one CTA per unit, see launchShape) over
// work units = (output tile, K split), tiles in grouped order (see
// tileCoordinates), the splits of a tile adjacent; one producer warpgroup
// plus one consumer warpgroup per 64 rows of the MMA's M side (tokens, or
// weights with swapAB), or, ping-pong, two that take alternate tiles. Dynamic
// shared memory: the TMA stage ring (1024-byte aligned tiles for the 128-byte
// swizzle), the TMA-store subtiles, the mbarriers and, for gated swapAB, the
// gate/up exchange tile. Split-K needs workspaceBytes(cfg, m) of fp32 partials
// (p.workspace) and counterCount(cfg, m) unsigned counters (p.counters, zeroed
// once; the kernel leaves them zero).
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM90_LAUNCH_H
#define MLPJIT_SM90_LAUNCH_H

#include "mlpjit/gemm_config.h"
#include "mlpjit/kernel_abi.h"
#include "mlpjit/tile_schedule.h"

#if defined(__CUDACC__)
#define MLPJIT_SM90_HOST_DEVICE __host__ __device__
#else
#define MLPJIT_SM90_HOST_DEVICE
#endif

namespace mlpjit {
namespace sm90 {

/// The wgmma N values wgmma.cuh wraps (gen_wgmma.py's NS), ascending: the
/// token tiles (swapAB) and weight tiles a plan may use.
#define MLPJIT_SM90_WGMMA_N                                                    \
  8, 16, 24, 32, 48, 64, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152,    \
      160, 168, 176, 184, 192, 200, 208, 216, 224, 232, 240, 248, 256
constexpr int kWgmmaN[] = {MLPJIT_SM90_WGMMA_N};
MLPJIT_SM90_HOST_DEVICE constexpr bool isWgmmaN(int n) {
  // A local copy: nvcc's device code cannot read a namespace-scope array.
  constexpr int ns[] = {MLPJIT_SM90_WGMMA_N};
  for (int w : ns)
    if (w == n)
      return true;
  return false;
}

/// Rows of the MMA's M side: tokens, or weight rows when swapAB.
MLPJIT_SM90_HOST_DEVICE constexpr int mmaRows(const GemmConfig &c) {
  return c.swapAB ? c.tileN : c.tileM;
}
/// Columns of the MMA's N side (the wgmma N).
MLPJIT_SM90_HOST_DEVICE constexpr int mmaCols(const GemmConfig &c) {
  return c.swapAB ? c.tileM : c.tileN;
}
/// Wide swapAB: 256 weight rows by up to kWideSwapTokens tokens, two
/// consumer warpgroups of 128 weight rows (two m64 MMAs each), stored with
/// TMA. The middle token counts' tile: 300 tokens as 2 x 152 (cuBLAS's
/// choice) pad less than 64-row tiles and read each weight k-tile from L2
/// once per 152 tokens, not per 64. Above 152 tokens the ring holds 3
/// stages (four and the store subtiles exceed 227 KiB); 192 tokens
/// keep two MMAs' accumulators at 192 registers a thread, without spills.
constexpr int kWideSwapTokens = 192;
MLPJIT_SM90_HOST_DEVICE constexpr bool wideSwap(const GemmConfig &c) {
  return c.swapAB && c.tileN == 256;
}
/// Ping-pong swapAB: tiles of 128 weight rows by up to kWideSwapTokens
/// tokens, each held by one consumer warpgroup (two m64 MMAs, a wide tile's
/// half) while the other runs the next tile, so one's epilogue and k-loop
/// waits overlap the other's MMAs. cuBLASLt's 128x152 kernels at
/// llama-3-70b's 300 tokens are laid out so (session 43's ncu: one
/// warpgroup's two 64x152 accumulators, 168 registers), against mlpjit's
/// cooperative tiles, whose two warpgroups wait on each k-tile together.
/// Up to 176 tokens: 192 with a bias spilled (ptxas, 8 bytes).
constexpr int kPingPongSwapTokens = 176;
MLPJIT_SM90_HOST_DEVICE constexpr bool swapPingPong(const GemmConfig &c) {
  return c.swapAB && c.pingPong && c.tileN == 128;
}
/// A consumer warpgroup owns 128 rows of the MMA's M side (two m64 MMAs):
/// wide and ping-pong swapAB.
MLPJIT_SM90_HOST_DEVICE constexpr bool twoMmaRows(const GemmConfig &c) {
  return wideSwap(c) || swapPingPong(c);
}
/// swapAB tiles that store Dᵀ with TMA: each warp transposes its 16 weight
/// rows (output columns) of an MMA by every token with stmatrix.trans into
/// its own subtile and stores it. Wide and ping-pong tiles, and narrow ones
/// of the plain GEMM; gated narrow tiles pair each gate row with its up row
/// first (exchangesGateUp) and store from registers.
MLPJIT_SM90_HOST_DEVICE constexpr bool transposedStore(const GemmConfig &c) {
  return c.swapAB && (twoMmaRows(c) || !c.gated);
}
/// Rows of the MMA's M side one consumer warpgroup owns: one m64 MMA, or two
/// (twoMmaRows).
MLPJIT_SM90_HOST_DEVICE constexpr int consumerRows(const GemmConfig &c) {
  return twoMmaRows(c) ? 128 : 64;
}
/// Gated wide and ping-pong swapAB load each weight tile as its gate rows
/// then its up rows (tmaB is 4-D, kernel_abi.h), so one thread's two MMAs
/// hold a gate value and its up value in the same register of each.
MLPJIT_SM90_HOST_DEVICE constexpr bool splitsGateUp(const GemmConfig &c) {
  return twoMmaRows(c) && c.gated;
}
/// Cooperative: one consumer warpgroup per consumerRows of the MMA's M side.
/// Ping-pong: two, each with whole tiles (64 token rows, or swapAB 128 weight
/// rows).
MLPJIT_SM90_HOST_DEVICE constexpr int consumerWarpgroups(const GemmConfig &c) {
  return c.pingPong ? 2 : mmaRows(c) / consumerRows(c);
}
/// Consumer warpgroups that read each stage of the ring (and free it).
MLPJIT_SM90_HOST_DEVICE constexpr int stageReaders(const GemmConfig &c) {
  return c.pingPong ? 1 : consumerWarpgroups(c);
}

MLPJIT_SM90_HOST_DEVICE constexpr unsigned threads(const GemmConfig &c) {
  return unsigned(128 * (1 + consumerWarpgroups(c)));
}

/// Bytes of one pipeline stage: the A tile (tileM x 64) and B tile
/// (tileN x 64), each a whole number of 1024-byte swizzle atoms.
MLPJIT_SM90_HOST_DEVICE constexpr unsigned stageBytes(const GemmConfig &c) {
  return unsigned(c.tileM + c.tileN) * unsigned(c.tileK) * 2u;
}
/// Gated narrow swapAB (128 weight rows, one m64 MMA per consumer
/// warpgroup; wgmma's fragment puts rows 16 (t / 32) + (t % 32) / 4 and 8
/// more in consumer thread t): weight row r of the tile is a gate row when
/// r / B is even, and its up row r + B is, for B = 8, register i + 2 of the
/// same thread; for B >= 16, the same register of thread t + 2B (another
/// warp; B = 64, the other warpgroup). Up-holding threads hand their
/// registers to their gate-holding partners through the exchange tile.
MLPJIT_SM90_HOST_DEVICE constexpr bool exchangesGateUp(const GemmConfig &c) {
  return c.swapAB && c.gated && !twoMmaRows(c) && c.gateUpBlock >= 16;
}
/// Whether consumer thread `tid` (0..255) holds gate rows (B >= 16).
MLPJIT_SM90_HOST_DEVICE constexpr bool holdsGateRows(int block, int tid) {
  return (tid / (2 * block)) % 2 == 0;
}
/// The exchange column (0..127) of the pair that thread `tid` and its
/// partner tid +- 2B share: consecutive lanes, consecutive words.
MLPJIT_SM90_HOST_DEVICE constexpr int exchangeSlot(int block, int tid) {
  return tid / (4 * block) * (2 * block) + tid % (2 * block);
}
/// Registers handed over per round: all of a thread's (tokens / 2), at most
/// 16, so the tile is at most 8 KiB. Staging the whole tile (session 21:
/// [128 rows][tokens + 1] floats, 41 KiB at 80 tokens) cost pipeline
/// stages: with 16-row blocks 7 at 72-80 tokens, 6 at 88-96, 5 at 104-128,
/// 4 at 136-160; now 8 up to 88 tokens, 7 at 96-120, 6 at 128-160.
MLPJIT_SM90_HOST_DEVICE constexpr int exchangeRegs(const GemmConfig &c) {
  return mmaCols(c) / 2 < 16 ? mmaCols(c) / 2 : 16;
}
/// The exchange tile: [exchangeRegs][128] floats.
MLPJIT_SM90_HOST_DEVICE constexpr unsigned exchangeBytes(const GemmConfig &c) {
  return exchangesGateUp(c) ? unsigned(exchangeRegs(c)) * 128u * 4u : 0u;
}
/// Columns of D one output tile covers (gated: half the weight rows).
MLPJIT_SM90_HOST_DEVICE constexpr int outputTileCols(const GemmConfig &c) {
  return c.gated ? c.tileN / 2 : c.tileN;
}
/// The TMA-store epilogue: each consumer warpgroup writes its 64 rows of the
/// output tile as 64-row subtiles of storeSubtileCols(c) columns (one
/// swizzle row of 2 x that many bytes per tile row) into shared memory and
/// one thread stores them with TMA (kernel_abi.h's tmaD), asynchronously:
/// the next tile's k-loop starts while the store drains. For tiles without
/// swapAB whose output is whole 16-column subtiles, and swapAB tiles with
/// transposed stores (transposedStore), where D rows are multiples of 16
/// bytes; the others store from registers.
constexpr int kStoreRows = 64;
/// Subtile columns: the widest of 64, 32 and 16 that divides the output
/// tile, so 96- and 112-column outputs (gated 192x and 224x tiles, whose
/// gate/up blocks are at most 32 and 16 rows, i.e. divide it) are whole
/// subtiles too; 0 when none does. Transposed stores (swapAB): 16, one
/// warp's 16 weight rows of an MMA, by every token of the tile (each warp
/// stores its own).
MLPJIT_SM90_HOST_DEVICE constexpr int storeSubtileCols(const GemmConfig &c) {
  return transposedStore(c)            ? 16
         : outputTileCols(c) % 64 == 0 ? 64
         : outputTileCols(c) % 32 == 0 ? 32
         : outputTileCols(c) % 16 == 0 ? 16
                                       : 0;
}
/// The subtile's swizzle span in bytes (128, 64 or 32: its row), which is
/// also the CU_TENSOR_MAP_SWIZZLE_* mode of tmaD.
MLPJIT_SM90_HOST_DEVICE constexpr int storeSwizzleBytes(const GemmConfig &c) {
  return storeSubtileCols(c) * 2;
}
/// Subtile rows: kStoreRows tokens, or with transposed stores the token
/// tile up to 128 tokens and half of it (rounded up to 8) above: two
/// stores, the second ending at the last token, and room for a fourth
/// stage (wide, 152 tokens: 4 x 51 KiB + 8 x 2.5 KiB).
MLPJIT_SM90_HOST_DEVICE constexpr int storeBoxRows(const GemmConfig &c) {
  return !transposedStore(c) ? kStoreRows
         : c.tileM <= 128    ? c.tileM
                             : (c.tileM / 2 + 7) / 8 * 8;
}
MLPJIT_SM90_HOST_DEVICE constexpr bool storesWithTma(const GemmConfig &c) {
  return c.tmaStore &&
         (c.swapAB ? transposedStore(c) : storeSubtileCols(c) != 0) &&
         (c.gated ? c.n / 2 : c.n) % 8 == 0;
}
MLPJIT_SM90_HOST_DEVICE constexpr unsigned subtileBytes(const GemmConfig &c) {
  return unsigned(storeBoxRows(c) * storeSwizzleBytes(c));
}
/// Subtile buffers per consumer warpgroup: two, so one fills while the
/// previous one's store reads it; one for ping-pong, whose epilogue runs
/// beside the other consumer's k-loop (the ring gets the space: 64x256
/// tiles hold 5 stages instead of 4). Transposed stores: one per warp.
MLPJIT_SM90_HOST_DEVICE constexpr int storeBuffers(const GemmConfig &c) {
  return transposedStore(c)                                          ? 4
         : c.pingPong || outputTileCols(c) < 2 * storeSubtileCols(c) ? 1
                                                                     : 2;
}
MLPJIT_SM90_HOST_DEVICE constexpr unsigned stagingBytes(const GemmConfig &c) {
  return storesWithTma(c) ? unsigned(consumerWarpgroups(c) * storeBuffers(c)) *
                                subtileBytes(c)
                          : 0u;
}
/// Full and empty mbarrier per stage, one word for the split-K verdict and,
/// ping-pong, each consumer's turn barrier (whose k-loop runs next).
MLPJIT_SM90_HOST_DEVICE constexpr unsigned barrierBytes(const GemmConfig &c) {
  return unsigned(c.stages) * 16u + 16u + (c.pingPong ? 16u : 0u);
}
/// In order: the stage ring, the TMA-store subtiles (both whole 1024-byte
/// swizzle atoms), the barriers, the exchange tile. + 1024: the dynamic
/// shared window is only 16-byte aligned, the kernel rounds its base up to
/// the 1024 bytes the 128-byte swizzle atoms need.
MLPJIT_SM90_HOST_DEVICE constexpr unsigned sharedBytes(const GemmConfig &c) {
  return 1024u + unsigned(c.stages) * stageBytes(c) + stagingBytes(c) +
         exchangeBytes(c) + barrierBytes(c);
}

// Output tiles, their grouped order and the split-K scratch (tilesM/N,
// tileCoordinates, workspaceBytes, counterCount): mlpjit/tile_schedule.h.

/// CTAs of a cluster: clusterM adjacent token tiles that share (multicast)
/// the weight tile, by clusterN adjacent weight tiles that share the token
/// tile; the launch's cluster is 1-D, rank = rankM + clusterM * rankN.
MLPJIT_SM90_HOST_DEVICE constexpr int clusterCtas(const GemmConfig &c) {
  return c.clusterM * c.clusterN;
}

/// Work units: one per (cluster of clusterM token tiles x clusterN weight
/// tiles, K split); each CTA of a cluster takes one tile of its cluster's
/// unit. Stream-K: one per tile (the grid is sized by k-tiles, launchShape).
MLPJIT_SM90_HOST_DEVICE constexpr unsigned long long
workUnits(const GemmConfig &c, int m) {
  return tilesN(c) / (unsigned long long)c.clusterN *
         ((tilesM(c, m > 0 ? m : 1) + c.clusterM - 1) / c.clusterM) *
         (unsigned long long)(isStreamK(c) ? 1 : c.splitK);
}

/// TMA boxes the runtime encodes (rows; the inner extent is tileK): A's box
/// is the token tile, or in clusters of clusterN > 1 the slice each CTA
/// loads and multicasts to the clusterN CTAs of its token tile: tileM /
/// clusterN rounded up to the 8-row swizzle atom (a slice starts on a
/// 1024-byte boundary), the last slice ending at the tile's last row (it
/// overlaps the one before by the rounding: 152 tokens in two slices of 80
/// rows load 8 of them twice, the same bytes to the same place). B's is
/// the 1/clusterM slice of the weight tile.
MLPJIT_SM90_HOST_DEVICE constexpr int boxRowsA(const GemmConfig &c) {
  return c.clusterN > 1  ? (c.tileM / c.clusterN + 7) / 8 * 8
         : c.tileM < 256 ? c.tileM
                         : 256;
}
MLPJIT_SM90_HOST_DEVICE constexpr int boxRowsB(const GemmConfig &c) {
  return c.tileN / c.clusterM < 256 ? c.tileN / c.clusterM : 256;
}
/// The first row (of the token tile) of the A slice of CTA rankN, for
/// slices of sliceRows (boxRowsA) rows.
MLPJIT_SM90_HOST_DEVICE constexpr int aSliceRow(int tileM, int sliceRows,
                                                int rankN) {
  return rankN * sliceRows < tileM - sliceRows ? rankN * sliceRows
                                               : tileM - sliceRows;
}

/// CTAs that fit on one SM: one for three warpgroups (registers: 384 x 168),
/// else up to two if shared memory allows and the accumulators are small
/// (<= 32 registers a thread); a guess only, the kernel is right for any grid.
MLPJIT_SM90_HOST_DEVICE constexpr unsigned ctasPerSm(const GemmConfig &c) {
  if (threads(c) > 256 || mmaCols(c) > 64)
    return 1u;
  return sharedBytes(c) * 2u + 2048u <= 228u * 1024u ? 2u : 1u;
}

/// Whether the GEMM's weights (N x K) outgrow the L2 of the GPUs the kernels
/// target (H100, H200: 50 MiB), so that every pass over them streams from
/// HBM: the rasterization (groupUnitsM) and the planner's price of the
/// plain ping-pong (KernelHeuristic.cpp) differ there.
MLPJIT_SM90_HOST_DEVICE constexpr bool weightsOutgrowL2(const GemmConfig &c) {
  return c.n * c.k * c.elementBytes > (50ll << 20);
}

/// Token tiles (cluster units) per rasterization group (tile_schedule.h's
/// tileCoordinates). Ping-pong's 64-row tiles group 16, so its groups span
/// as many tokens (1024) as the 128-row tiles' 8 do and the weight tiles in
/// flight fit L2 (with groups of 8 tiles, 33 weight tiles of 2 MiB: up to
/// 1.24x slower). The cooperative kernel's 64-row tiles do too where the
/// weights outgrow the L2 (weightsOutgrowL2): gemma-7b's 151 MB down GEMM
/// at 560 tokens in groups of 8 read 1.64x the DRAM bytes of its ping-pong
/// twin and ran 1.5x its time (ncu, session 40); in groups of 16 its forward
/// ran 0.84x the time. With weights that stay in L2 (gpt2, qwen2.5-0.5b)
/// groups of 16 ran the forward up to 1.18x slower.
MLPJIT_SM90_HOST_DEVICE constexpr unsigned groupUnitsM(const GemmConfig &c) {
  return !c.swapAB && c.tileM * c.clusterM == 64 &&
                 (c.pingPong || weightsOutgrowL2(c))
             ? 16u
             : unsigned(kGroupTilesM);
}

/// Without split-K: a persistent grid of min(work units, resident CTAs)
/// CTAs, each walking units blockIdx.x, blockIdx.x + gridDim.x, ...; the
/// next unit's loads overlap the epilogue (H100: up to 15% faster at
/// m >= 1024). Stream-K: the same persistent grid over the k-tiles of all
/// tiles (streamKSplit). With split-K (uneven units: the last split also
/// runs the epilogue) and for numSMs <= 0: one CTA per unit (a cluster's
/// clusterCtas per cluster unit), which the hardware balances dynamically
/// (measured up to 1.3x faster than the static walk there). Resident CTAs:
/// `residentCtas` when the caller asked the driver
/// (cuOccupancyMaxActiveClusters: a GPC with an odd number of free SMs holds
/// one 2x1 cluster fewer than numSMs / 2), else numSMs x ctasPerSm. The kernel
/// is right for any grid size.
MLPJIT_SM90_HOST_DEVICE inline abi::LaunchShape
launchShape(const GemmConfig &c, int m, int numSMs, int residentCtas = 0) {
  abi::LaunchShape s{};
  const unsigned long long cluster = (unsigned long long)clusterCtas(c);
  unsigned long long units = workUnits(c, m);
  unsigned long long clusters =
      residentCtas > 0 ? (unsigned long long)residentCtas / cluster
                       : (unsigned long long)numSMs / cluster * ctasPerSm(c);
  if (clusters == 0)
    clusters = 1;
  unsigned long long grid = units * cluster;
  if (numSMs > 0 && isStreamK(c)) {
    unsigned long long iters =
        tilesN(c) * tilesM(c, m > 0 ? m : 1) *
        (unsigned long long)((c.k + c.tileK - 1) / c.tileK);
    grid = iters < clusters ? iters : clusters;
  } else if (numSMs > 0 && c.splitK == 1) {
    grid = (units < clusters ? units : clusters) * cluster;
  }
  s.grid[0] = unsigned(grid);
  s.grid[1] = 1;
  s.grid[2] = 1;
  s.block[0] = threads(c);
  s.block[1] = s.block[2] = 1;
  s.cluster[0] = unsigned(cluster);
  s.cluster[1] = s.cluster[2] = 1;
  s.sharedBytes = sharedBytes(c);
  return s;
}

/// nullptr when the template implements `c`, else why not.
MLPJIT_SM90_HOST_DEVICE constexpr const char *supports(const GemmConfig &c) {
  if (c.elementBytes != 2)
    return "only 16-bit elements (bf16, fp16)";
  if (c.tileK != 64)
    return "tileK must be 64 (one 128-byte swizzle row of 16-bit elements)";
  if (!c.swapAB && c.tileM != 64 && c.tileM != 128)
    return "tileM must be 64 or 128 (one or two consumer warpgroups)";
  if (!c.swapAB && !isWgmmaN(c.tileN))
    return "tileN must be a wgmma N of wgmma.cuh (8 to 48 in steps of 8 or "
           "16, 64 to 256 in steps of 8)";
  if (c.swapAB && !isWgmmaN(c.tileM))
    return "with swapAB, tileM must be a wgmma N of wgmma.cuh (8 to 48 in "
           "steps of 8 or 16, 64 to 256 in steps of 8)";
  if (!c.swapAB && c.tileN < 64)
    return "tileN must be at least 64";
  if (c.swapAB && c.tileN != 64 && c.tileN != 128 && c.tileN != 256)
    return "with swapAB, tileN must be 64 or 128 (64 weight rows per "
           "consumer warpgroup) or 256 (wide: 128 per consumer warpgroup)";
  if (twoMmaRows(c) && c.tileM > kWideSwapTokens)
    return "wide and ping-pong swapAB tiles hold at most 192 tokens (two "
           "MMAs' accumulators per thread)";
  if (swapPingPong(c) && c.tileM > kPingPongSwapTokens)
    return "ping-pong swapAB tiles hold at most 176 tokens";
  if (twoMmaRows(c) && !storesWithTma(c))
    return "wide and ping-pong swapAB tiles store with TMA: tmaStore on and "
           "output rows a multiple of 8 elements";
  if (c.stages < 2 || c.stages > 8)
    return "stages must be 2 to 8";
  if ((c.clusterM != 1 && c.clusterM != 2) ||
      (c.clusterN != 1 && c.clusterN != 2 && c.clusterN != 4))
    return "clusters must be 1 or 2 token tiles (sharing the multicast weight "
           "tile) by 1, 2 or 4 weight tiles (sharing the multicast token tile)";
  if (c.clusterM == 2 && ((c.swapAB && c.tileN == 64) || c.splitK == 0))
    return "2x1 clusters need no stream-K and, with swapAB, 128 or 256 "
           "weight rows (each CTA multicasts a 64-row slice or more)";
  if (c.clusterN > 1 &&
      (c.splitK == 0 || c.pingPong || c.tileM < 16 * c.clusterN ||
       c.n % c.tileN != 0 || tilesN(c) % (unsigned long long)c.clusterN != 0))
    return "clusters of 2 or 4 weight tiles need no stream-K, no ping-pong, "
           "whole weight "
           "tiles in a multiple of the cluster (n a multiple of tileN x "
           "clusterN) and a token tile of 16 rows per CTA or more";
  if (c.splitK < 0 || c.splitK > 16)
    return "splitK must be 1 to 16, or 0 for stream-K";
  if (c.n <= 0 || c.k <= 0 || c.n % 8 != 0 || c.k % 8 != 0)
    return "n and k must be positive multiples of 8";
  if (c.n > 2147483647LL || c.k > 2147483647LL)
    return "n and k must fit in 32 bits (TMA coordinates)";
  if (c.gated && (c.gateUpBlock < 8 || c.gateUpBlock > 64 ||
                  (c.gateUpBlock & (c.gateUpBlock - 1)) != 0 ||
                  c.tileN % (2 * c.gateUpBlock) != 0))
    return "gated tiles hold whole gate/up block pairs: tileN a multiple of "
           "twice the block (8, 16, 32 or 64 rows)";
  if (c.gated && c.swapAB && c.tileN == 64)
    return "gated swapAB tiles are 128 or 256 weight rows";
  if (c.pingPong &&
      (c.splitK != 1 ||
       (c.swapAB ? c.tileN != 128 || c.clusterM != 1 : c.tileM != 64)))
    return "ping-pong consumers take whole tiles: splitK 1 and tileM 64, or "
           "with swapAB tileN 128 (two m64 MMAs) and no cluster";
  if (c.pingPong && c.gated && c.hasBias && c.tileN > 128)
    return "ping-pong gated tiles with a bias are at most 128 wide (wider "
           "ones spill under the 168-register cap)";
  return sharedRuleRejection(c, sharedBytes(c));
}

} // namespace sm90
} // namespace mlpjit

#endif // MLPJIT_SM90_LAUNCH_H
