//===- sm90/gemm_tma_ws.cuh - Hopper GEMM: TMA + WGMMA, warp-specialized -===//
//
// D[m, nOut] = Epi(A[m, K] · B[N, K]ᵀ (+ bias)), 16-bit in and out, fp32
// accumulation. One CTA per output tile (grouped order, launch.h) and K split.
//
// Warpgroup 0 is the producer: one thread streams A and B k-tiles (64 wide,
// 128-byte swizzled) into a ring of Stages shared-memory slots with TMA, each
// slot guarded by a "full" mbarrier (TMA transaction bytes) and an "empty"
// one (one arrival per consumer warpgroup). Warpgroups 1.. are consumers:
// each owns 64 rows of the MMA's M side and issues wgmma m64nNk16 with both
// operands read from shared memory through descriptors.
//
//   SwapAB = false: MMA M = tokens (TileM 64|128), MMA N = weights (TileN,
//                   any wgmma N from 64 to 256 of wgmma.cuh).
//   SwapAB = true:  MMA M = weights (TileN 64|128), MMA N = tokens (TileM,
//                   a wgmma N from 8 to 256); the accumulator is Dᵀ.
//                   Wide (TileN 256, TileM <= 160): two consumer
//                   warpgroups of 128 weight rows, two m64 MMAs each.
//
// Gated (GateUpBlock = B): weight rows alternate B gate rows and B up rows.
// Without swapAB a thread holds each gate column and its up column (B
// columns later) in its own registers. With swapAB and B = 64, warpgroup 0
// holds the gate rows and warpgroup 1 hands it the up rows through shared
// memory; smaller blocks stage the whole tile there ([weight row][token]).
// Wide swapAB loads the weight tile as its gate rows, then its up rows (a
// 4-D tmaB), so a thread's two MMAs hold each gate value and its up value.
//
// Ping-pong (PingPong, 64-row tiles): the two consumer warpgroups take
// alternate units, each a whole tile, so one's epilogue runs while the
// other's k-loop keeps the tensor cores busy. Both read the one ring in unit
// order; a turn barrier per consumer lets a k-loop start only once the other
// has waited on every earlier stage, so each consumer waits on a slot's full
// barrier at most one phase ahead (the parity protocol needs that), and the
// k-loops run one after the other as the ring delivers them.
//
// Epilogue: without swapAB, each consumer warpgroup writes its 64 rows of the
// output tile as subtiles of 64 rows x 64, 32 or 16 columns into shared
// memory (two buffers, swizzled as the TMA map says) and one of its threads
// stores each with TMA (p.tmaD); the store
// drains while the next tile's k-loop runs, and TMA clips the tile at m and
// nOut. swapAB tiles store each warp's 16 output columns by all the tile's
// tokens the same way (stmatrix.trans transposes Dᵀ's fragments), but for
// gated narrow ones (128 weight rows), whose gate and up rows sit in
// different warpgroups: they meet in shared memory and store from
// registers.
//
// PDL: every CTA waits for the stream's previous grid (griddepcontrol.wait)
// after its prologue and lets its dependents launch; both are no-ops unless
// the runtime launches with programmatic serialization (MLPJIT_PDL=1). CTA 0
// then zeroes the next GEMM's split-K counters (p.nextCounters).
//
// Split-K: CTA z reduces k-tiles [z*per, (z+1)*per); every CTA stores its
// fp32 partial to p.workspace in fragment order, the last one to arrive on
// the tile's counter sums z = 0..SplitK-1 in order (deterministic), runs the
// epilogue and resets the counter.
//
// Stream-K (SplitK = 0): the persistent grid takes whole tiles for the full
// waves and cuts the rest along K into aligned pieces dealt round robin
// (tile_schedule.h, streamKSplit); a tile covered by several CTAs is
// reduced like a split-K tile, its pieces in order. No CTA ever waits for
// another, so any grid size is safe.
//
// TMA contract (kernel_abi.h): tmaA over {K, m} with box {64, TileM}, tmaB
// over {N, K}ᵀ i.e. {K, N} with box {64, TileN}, 128-byte swizzle, OOB zero.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM90_GEMM_TMA_WS_CUH
#define MLPJIT_SM90_GEMM_TMA_WS_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "mlpjit/epilogue.cuh"
#include "mlpjit/gemm_config.h"
#include "mlpjit/kernel_abi.h"
#include "mlpjit/sm90/launch.h"
#include "mlpjit/sm90/wgmma.cuh"

namespace mlpjit {
namespace sm90 {

/// Element conversions, so the kernel is written once for bf16 and fp16.
template <typename Element> struct ElementTraits;
template <> struct ElementTraits<__nv_bfloat16> {
  static constexpr bool kBf16 = true;
  using Pair = __nv_bfloat162;
  static __device__ __forceinline__ float toFloat(__nv_bfloat16 x) {
    return __bfloat162float(x);
  }
  static __device__ __forceinline__ __nv_bfloat16 fromFloat(float x) {
    return __float2bfloat16_rn(x);
  }
  static __device__ __forceinline__ Pair pack(float a, float b) {
    return __floats2bfloat162_rn(a, b);
  }
};
template <> struct ElementTraits<__half> {
  static constexpr bool kBf16 = false;
  using Pair = __half2;
  static __device__ __forceinline__ float toFloat(__half x) {
    return __half2float(x);
  }
  static __device__ __forceinline__ __half fromFloat(float x) {
    return __float2half_rn(x);
  }
  static __device__ __forceinline__ Pair pack(float a, float b) {
    return __floats2half2_rn(a, b);
  }
};

/// The PTX the kernel needs, as inline asm (NVRTC has no CUTLASS/CuTe).
namespace ptx {
__device__ __forceinline__ unsigned sharedAddress(const void *p) {
  return unsigned(__cvta_generic_to_shared(p));
}
__device__ __forceinline__ void mbarrierInit(unsigned bar, unsigned count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(bar), "r"(count)
               : "memory");
}
__device__ __forceinline__ void mbarrierArriveExpectTx(unsigned bar,
                                                       unsigned bytes) {
  asm volatile(
      "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(bar),
      "r"(bytes)
      : "memory");
}
__device__ __forceinline__ void mbarrierArrive(unsigned bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" ::"r"(bar)
               : "memory");
}
/// Spins until the phase with the given parity has completed.
__device__ __forceinline__ void mbarrierWait(unsigned bar, unsigned parity) {
  unsigned done;
  do {
    asm volatile("{\n\t.reg .pred p;\n\t"
                 "mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n\t"
                 "selp.u32 %0, 1, 0, p;\n\t}"
                 : "=r"(done)
                 : "r"(bar), "r"(parity)
                 : "memory");
  } while (!done);
}
__device__ __forceinline__ void tmaLoad2d(unsigned dst, const void *map,
                                          unsigned bar, int c0, int c1) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.tile."
      "mbarrier::complete_tx::bytes [%0], [%1, {%3, %4}], [%2];" ::"r"(dst),
      "l"(map), "r"(bar), "r"(c0), "r"(c1)
      : "memory");
}
/// A 4-D box ({c0, c1, c2, c3}, innermost first): gated wide swapAB loads
/// a weight tile's gate rows and its up rows as two such boxes.
__device__ __forceinline__ void tmaLoad4d(unsigned dst, const void *map,
                                          unsigned bar, int c0, int c1, int c2,
                                          int c3) {
  asm volatile(
      "cp.async.bulk.tensor.4d.shared::cluster.global.tile."
      "mbarrier::complete_tx::bytes [%0], [%1, {%3, %4, %5, %6}], [%2];" ::"r"(
          dst),
      "l"(map), "r"(bar), "r"(c0), "r"(c1), "r"(c2), "r"(c3)
      : "memory");
}
/// tmaLoad4d's box into every CTA of the cluster in ctaMask (same offsets).
__device__ __forceinline__ void
tmaLoad4dMulticast(unsigned dst, const void *map, unsigned bar, int c0, int c1,
                   int c2, int c3, unsigned short ctaMask) {
  asm volatile("cp.async.bulk.tensor.4d.shared::cluster.global.tile."
               "mbarrier::complete_tx::bytes.multicast::cluster"
               " [%0], [%1, {%3, %4, %5, %6}], [%2], %7;" ::"r"(dst),
               "l"(map), "r"(bar), "r"(c0), "r"(c1), "r"(c2), "r"(c3),
               "h"(ctaMask)
               : "memory");
}
/// The same box, written at the same shared offset (and signalling the
/// mbarrier at the same offset) in every CTA of the cluster in ctaMask.
__device__ __forceinline__ void tmaLoad2dMulticast(unsigned dst,
                                                   const void *map,
                                                   unsigned bar, int c0, int c1,
                                                   unsigned short ctaMask) {
  asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.tile."
               "mbarrier::complete_tx::bytes.multicast::cluster"
               " [%0], [%1, {%3, %4}], [%2], %5;" ::"r"(dst),
               "l"(map), "r"(bar), "r"(c0), "r"(c1), "h"(ctaMask)
               : "memory");
}
/// Arrives on the mbarrier at shared offset `bar` of cluster CTA `rank`.
__device__ __forceinline__ void mbarrierArriveCluster(unsigned bar,
                                                      unsigned rank) {
  asm volatile("{\n\t.reg .b32 remote;\n\t"
               "mapa.shared::cluster.u32 remote, %0, %1;\n\t"
               "mbarrier.arrive.shared::cluster.b64 _, [remote];\n\t}" ::"r"(
                   bar),
               "r"(rank)
               : "memory");
}
/// All threads of all CTAs of the cluster.
__device__ __forceinline__ void clusterSync() {
  asm volatile("barrier.cluster.arrive.release;\n\t"
               "barrier.cluster.wait.acquire;" ::
                   : "memory");
}
/// Programmatic dependent launch: the next kernel in the stream (launched
/// with the programmatic-serialization attribute) may start its prologue
/// once every CTA of this grid has executed launchDependents or exited;
/// waitPrimary blocks until the previous grid has finished and its writes
/// are visible (a no-op when this grid was launched without the attribute).
__device__ __forceinline__ void launchDependents() {
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
}
__device__ __forceinline__ void waitPrimary() {
  asm volatile("griddepcontrol.wait;" ::: "memory");
}
__device__ __forceinline__ void prefetchTensorMap(const void *map) {
  asm volatile("prefetch.tensormap [%0];" ::"l"(map) : "memory");
}
__device__ __forceinline__ void fenceBarrierInit() {
  asm volatile("fence.mbarrier_init.release.cluster;\n\t"
               "fence.proxy.async.shared::cta;" ::
                   : "memory");
}
__device__ __forceinline__ void wgmmaFence() {
  asm volatile("wgmma.fence.sync.aligned;" ::: "memory");
}
__device__ __forceinline__ void wgmmaCommit() {
  asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory");
}
template <int Pending> __device__ __forceinline__ void wgmmaWait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;" ::"n"(Pending) : "memory");
}
/// Keeps the compiler from moving accumulator accesses across wgmma issue
/// and wait points (the registers are written asynchronously).
__device__ __forceinline__ void fenceRegister(float &r) {
  asm volatile("" : "+f"(r)::"memory");
}
template <int Count> __device__ __forceinline__ void setMaxRegistersDec() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;" ::"n"(Count));
}
template <int Count> __device__ __forceinline__ void setMaxRegistersInc() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;" ::"n"(Count));
}
/// Barrier among the consumer warpgroups only (id 0 is __syncthreads).
__device__ __forceinline__ void consumerBarrier(unsigned threads) {
  asm volatile("bar.sync 1, %0;" ::"r"(threads) : "memory");
}
/// Barrier among the 128 threads of consumer warpgroup `consumer` (ids 2
/// and 3). With one consumer warpgroup the id is an immediate, so ptxas
/// reserves 3 barriers, not all 16 (such CTAs may share an SM); a branch on
/// the id instead made the 128x256 gated f16 + bias epilogue spill.
template <int ConsumerWarpgroups>
__device__ __forceinline__ void warpgroupBarrier(int consumer) {
  if constexpr (ConsumerWarpgroups == 1)
    asm volatile("bar.sync 2, 128;" ::: "memory");
  else
    asm volatile("bar.sync %0, 128;" ::"r"(2 + consumer) : "memory");
}
/// Shared-memory writes of this thread become visible to TMA (async proxy).
__device__ __forceinline__ void fenceProxyAsync() {
  asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
}
/// Stores the box at shared `src` to the tensor at {c0, c1} (the in-bounds
/// part only), as one bulk async-group.
__device__ __forceinline__ void tmaStore2d(const void *map, unsigned src,
                                           int c0, int c1) {
  asm volatile("cp.async.bulk.tensor.2d.global.shared::cta.bulk_group"
               " [%0, {%2, %3}], [%1];\n\t"
               "cp.async.bulk.commit_group;" ::"l"(map),
               "r"(src), "r"(c0), "r"(c1)
               : "memory");
}
/// Waits until at most `Pending` of this thread's bulk stores still read
/// shared memory.
template <int Pending> __device__ __forceinline__ void bulkWaitRead() {
  asm volatile("cp.async.bulk.wait_group.read %0;" ::"n"(Pending) : "memory");
}
/// Stores two (x2) or four (x4) 8x8 16-bit matrices transposed: register j
/// holds matrix j as an MMA fragment (row lane / 4, columns 2 * (lane % 4)
/// and + 1), and lane 8j + r gives the address of the 16-byte row r of
/// matrix j as stored, i.e. of the fragment's column r.
__device__ __forceinline__ void stmatrixX4Trans(unsigned addr, unsigned r0,
                                                unsigned r1, unsigned r2,
                                                unsigned r3) {
  asm volatile("stmatrix.sync.aligned.m8n8.x4.trans.shared.b16 [%0], {%1, %2, "
               "%3, %4};" ::"r"(addr),
               "r"(r0), "r"(r1), "r"(r2), "r"(r3)
               : "memory");
}
__device__ __forceinline__ void stmatrixX2Trans(unsigned addr, unsigned r0,
                                                unsigned r1) {
  asm volatile(
      "stmatrix.sync.aligned.m8n8.x2.trans.shared.b16 [%0], {%1, %2};" ::"r"(
          addr),
      "r"(r0), "r"(r1)
      : "memory");
}
/// Waits until this thread's bulk stores are complete.
__device__ __forceinline__ void bulkWaitAll() {
  asm volatile("cp.async.bulk.wait_group 0;" ::: "memory");
}
/// wgmma shared-memory descriptor of a K-major tile whose rows are 128
/// bytes, 128-byte swizzled, 8-row groups 1024 bytes apart (SBO); LBO is
/// unused for swizzled K-major layouts. Base must be 1024-byte aligned;
/// +2 on the address field advances 32 bytes (k16) inside the swizzle row.
__device__ __forceinline__ unsigned long long sharedDescriptor(unsigned addr) {
  return (unsigned long long)((addr & 0x3FFFF) >> 4) | (1ull << 16) |
         (64ull << 32) | (1ull << 62);
}
} // namespace ptx

template <typename Element, typename Epi, int TileM, int TileN, int TileK,
          int Stages, int ClusterM, int ClusterN, int SplitK, bool SwapAB,
          bool HasBias, long long N, long long K, int GateUpBlock,
          bool TmaStore = true, bool PingPong = false>
struct GemmTmaWs {
  static constexpr GemmConfig kConfig{TileM,
                                      TileN,
                                      TileK,
                                      Stages,
                                      ClusterM,
                                      ClusterN,
                                      SplitK,
                                      SwapAB,
                                      Epi::kGated,
                                      HasBias,
                                      int(sizeof(Element)),
                                      N,
                                      K,
                                      GateUpBlock,
                                      TmaStore,
                                      PingPong};
  static_assert(supports(kConfig) == nullptr,
                "configuration rejected by sm90::supports (launch.h)");

  using Traits = ElementTraits<Element>;
  static constexpr bool kGated = Epi::kGated;
  static constexpr long long kOutCols = kGated ? N / 2 : N;
  static constexpr int kConsumerWarpgroups = consumerWarpgroups(kConfig);
  static constexpr int kConsumerThreads = 128 * kConsumerWarpgroups;
  static constexpr int kMmaN = mmaCols(kConfig);
  // Wide swapAB (launch.h): each consumer warpgroup runs two m64 MMAs.
  static constexpr bool kWideSwap = wideSwap(kConfig);
  // swapAB tiles that store Dᵀ with TMA (launch.h transposedStore).
  static constexpr bool kTransposedStore =
      transposedStore(kConfig) && storesWithTma(kConfig);
  static constexpr bool kSplitGateUp = splitsGateUp(kConfig);
  static constexpr int kMmas = consumerRows(kConfig) / 64;
  static constexpr int kMmaAccRegs = kMmaN / 2;        // per thread and MMA
  static constexpr int kAccRegs = kMmas * kMmaAccRegs; // per consumer thread
  static constexpr int kThreads = 128 * (1 + kConsumerWarpgroups);
  static constexpr int kSharedBytes = int(sharedBytes(kConfig));
  static_assert(kThreads == int(threads(kConfig)), "launch.h disagrees");
  // Threads holding one tile's accumulators (ping-pong: one warpgroup).
  static constexpr int kTileThreads = PingPong ? 128 : kConsumerThreads;
  static_assert(kTileThreads * kAccRegs == TileM * TileN,
                "the accumulators (and split-K partials) cover the tile");
  static_assert(!(SwapAB && kGated) || TileN >= 128,
                "gated swapAB tiles are 128 or 256 weight rows");
  // Gated: gate rows [2jB, 2jB + B) and up rows [2jB + B, 2(j+1)B) of the
  // weight tile produce output columns [jB, (j+1)B) (supports() checks
  // that B is 8, 16, 32 or 64 and the tile holds whole pairs).
  static constexpr int kBlock = GateUpBlock;
  static_assert(!exchangesGateUp(kConfig) || kConsumerThreads == 256,
                "the gate/up exchange pairs 128 threads with 128");

  static constexpr unsigned kATileBytes = unsigned(TileM) * TileK * 2u;
  static constexpr unsigned kBTileBytes = unsigned(TileN) * TileK * 2u;
  static constexpr unsigned kStageBytes = kATileBytes + kBTileBytes;
  static_assert(kStageBytes == stageBytes(kConfig), "launch.h disagrees");
  static_assert(kATileBytes % 1024 == 0 && kBTileBytes % 1024 == 0,
                "tiles are whole 1024-byte swizzle atoms");
  static constexpr unsigned kBarrierBytes = barrierBytes(kConfig);
  // The TMA-store epilogue (launch.h, storesWithTma): per consumer
  // warpgroup kStoreBuffers subtiles of 64 rows x kStoreCols columns, each
  // row one swizzle span of kSwizzleBytes.
  static constexpr bool kTmaStore = storesWithTma(kConfig);
  static constexpr int kStoreBuffers = storeBuffers(kConfig);
  static constexpr int kStoreCols = storeSubtileCols(kConfig);
  static constexpr int kSwizzleBytes = storeSwizzleBytes(kConfig);
  static constexpr unsigned kSubtileBytes = subtileBytes(kConfig);
  // A subtile holds whole gate/up pairs: the output tile is whole blocks,
  // so its widest power-of-two divisor up to 64 is a multiple of B.
  static_assert(!kTmaStore || !kGated || kWideSwap ||
                    kStoreCols % (kBlock > 0 ? kBlock : 1) == 0,
                "TMA-store subtiles hold whole gate/up blocks");
  static constexpr unsigned kStagingBytes = stagingBytes(kConfig);
  // Threads that issue TMA stores and wait for them: one per consumer
  // warpgroup, or one per warp (transposed stores: each warp its own).
  static constexpr int kStoreIssuerStride = kTransposedStore ? 32 : 128;
  // Clusters of ClusterM CTAs on adjacent token tiles share the weight tile:
  // each loads 1/ClusterM of it and multicasts the slice to all of them.
  static constexpr int kCluster = ClusterM * ClusterN;
  static_assert(ClusterN == 1 && (ClusterM == 1 || !SwapAB || TileN >= 128),
                "clusters: ClusterM x 1, swapAB with 128 or 256 weight rows");
  static constexpr unsigned kBSliceBytes = kBTileBytes / ClusterM;
  static_assert(kBSliceBytes % 1024 == 0, "slices are whole swizzle atoms");
  static constexpr int kKTiles = int((K + TileK - 1) / TileK);
  static constexpr bool kStreamKSchedule = SplitK == mlpjit::kStreamK;
  static_assert(!PingPong || (SplitK == 1 && !SwapAB && TileM == 64),
                "ping-pong: whole 64-row tiles (units of kKTiles)");
  // Consumers take every unit (cooperative) or every other (ping-pong).
  static constexpr int kUnitStep = PingPong ? 2 : 1;
  static_assert(!kStreamKSchedule || kCluster == 1,
                "stream-K runs without clusters");
  // Units whose partials are summed through p.workspace exist.
  static constexpr bool kReduces = SplitK != 1;
  static constexpr int kKTilesPerSplit =
      kStreamKSchedule ? kKTiles : (kKTiles + SplitK - 1) / SplitK;

  static __device__ __forceinline__ void run(const abi::GemmParams &p) {
    extern __shared__ unsigned char sharedRaw[];
    const unsigned rawAddr = ptx::sharedAddress(sharedRaw);
    const unsigned base = (rawAddr + 1023u) & ~1023u;
    unsigned char *sharedBase = sharedRaw + (base - rawAddr);
    const unsigned staging = base + Stages * kStageBytes;
    const unsigned barriers = staging + kStagingBytes;
    auto fullBar = [&](int s) { return barriers + 8u * unsigned(s); };
    auto emptyBar = [&](int s) { return barriers + 8u * unsigned(Stages + s); };
    volatile unsigned *lastFlag = reinterpret_cast<volatile unsigned *>(
        sharedBase + (barriers - base) + 16 * Stages);
    // Ping-pong: consumer c's turn barrier, after the verdict word.
    auto turnBar = [&](int c) {
      return barriers + 16u * unsigned(Stages) + 16u + 8u * unsigned(c);
    };
    float *exchange = reinterpret_cast<float *>(sharedBase + (barriers - base) +
                                                kBarrierBytes);

    const unsigned rank = blockIdx.x % unsigned(ClusterM); // in the cluster
    const int warpgroup = int(threadIdx.x) / 128;
    if (threadIdx.x == 0) {
      ptx::prefetchTensorMap(&p.tmaA);
      ptx::prefetchTensorMap(&p.tmaB);
      if constexpr (kTmaStore)
        ptx::prefetchTensorMap(&p.tmaD);
      for (int s = 0; s < Stages; ++s) {
        ptx::mbarrierInit(fullBar(s), 1);
        // Every reader of the cluster frees the slot: each CTA multicasts
        // into all of them.
        ptx::mbarrierInit(emptyBar(s), stageReaders(kConfig) * kCluster);
      }
      if constexpr (PingPong) {
        ptx::mbarrierInit(turnBar(0), 1);
        ptx::mbarrierInit(turnBar(1), 1);
      }
      ptx::fenceBarrierInit();
    }
    if constexpr (kCluster > 1)
      ptx::clusterSync(); // peers' barriers exist before anyone signals them
    else
      __syncthreads();
    // The prologue above overlaps the previous kernel's tail (PDL); A, D and
    // the split-K scratch may be that kernel's, so nothing touches them
    // before it is done. This grid's dependents may start their prologues
    // as soon as SMs free up: every CTA is resident or finished by then.
    ptx::waitPrimary();
    ptx::launchDependents();
    // Every thread but the producer's (it goes straight to its loads).
    if (threadIdx.x != 0)
      abi::clearNextCounters(p, int(threadIdx.x) - 1, kThreads - 1);

    // Persistent: CTA b takes work units b, b + gridDim.x, ...; the ring
    // position `it` runs on across units, so the producer fills the next
    // unit's stages while the consumers run the previous unit's epilogue.
    if (warpgroup == 0) {
      // Producer. The register budget moves to the consumers (only pays,
      // and is only valid, with two consumer warpgroups: 3 x 128 threads).
      if constexpr (kConsumerWarpgroups == 2)
        ptx::setMaxRegistersDec<40>();
      if (threadIdx.x == 0) {
        int it = 0;
        forEachUnit(p.m, rank, 0, 1, [&](const Unit &w) {
          for (int j = 0; j < w.kCount; ++j, ++it) {
            const int s = it % Stages;
            const unsigned round = unsigned(it / Stages);
            // A fresh barrier counts as having completed the phase before
            // phase 0, so round 0 passes at once.
            ptx::mbarrierWait(emptyBar(s), (round & 1u) ^ 1u);
            ptx::mbarrierArriveExpectTx(fullBar(s), kStageBytes);
            const unsigned stage = base + unsigned(s) * kStageBytes;
            const int k0 = (w.kBegin + j) * TileK;
            ptx::tmaLoad2d(stage, &p.tmaA, fullBar(s), k0, w.m0);
            if constexpr (kSplitGateUp && kCluster == 1) {
              // Gate rows then up rows of block pairs n0 / 2B, ... (tmaB
              // is {K, B, gate|up, N / 2B}): the tile's first half is its
              // gate rows in output order, the second its up rows.
              for (int h = 0; h < 2; ++h)
                ptx::tmaLoad4d(
                    stage + kATileBytes + unsigned(h) * (kBTileBytes / 2),
                    &p.tmaB, fullBar(s), k0, 0, h, w.n0 / (2 * kBlock));
            } else if constexpr (kSplitGateUp) {
              // In a 2x1 cluster CTA r loads half r (gate or up rows) and
              // multicasts it to both.
              ptx::tmaLoad4dMulticast(stage + kATileBytes + rank * kBSliceBytes,
                                      &p.tmaB, fullBar(s), k0, 0, int(rank),
                                      w.n0 / (2 * kBlock),
                                      (unsigned short)((1u << kCluster) - 1u));
            } else if constexpr (kCluster == 1) {
              ptx::tmaLoad2d(stage + kATileBytes, &p.tmaB, fullBar(s), k0,
                             w.n0);
            } else {
              ptx::tmaLoad2dMulticast(
                  stage + kATileBytes + rank * kBSliceBytes, &p.tmaB,
                  fullBar(s), k0, w.n0 + int(rank) * (TileN / ClusterM),
                  (unsigned short)((1u << kCluster) - 1u));
            }
          }
        });
      }
    } else {
      if constexpr (kConsumerWarpgroups == 2)
        ptx::setMaxRegistersInc<232>();
      const int consumer = warpgroup - 1;
      const int tid = int(threadIdx.x) - 128; // 0 .. kConsumerThreads-1
      // Ping-pong: consumer c takes this CTA's units c, c + 2, ...; each
      // is whole (kKTiles of the ring), so unit i starts at ring position
      // i * kKTiles. Cooperative: every unit, `it` runs on.
      int it = 0;
      const int first = PingPong ? consumer : 0;
      forEachUnit(p.m, rank, first, kUnitStep, [&](const Unit &w) {
        if constexpr (PingPong) {
          it = w.ordinal * kKTiles;
          // Consumer 0's first unit goes first; every later k-loop waits
          // for the other consumer's previous one to have seen its stages
          // (the turn barrier's phase (ordinal + consumer - 2) / 2).
          if (w.ordinal > 0)
            ptx::mbarrierWait(turnBar(consumer),
                              unsigned((w.ordinal + consumer - 2) >> 1) & 1u);
        }
        float acc[kAccRegs];
#pragma unroll
        for (int i = 0; i < kAccRegs; ++i)
          acc[i] = 0.0f;
        for (int j = 0; j < w.kCount; ++j, ++it) {
          const int s = it % Stages;
          ptx::mbarrierWait(fullBar(s), unsigned(it / Stages) & 1u);
          const unsigned stage = base + unsigned(s) * kStageBytes;
          // The MMA's M operand (rows of 128 bytes) and its N operand.
          const unsigned mOperand = SwapAB ? stage + kATileBytes : stage;
          const unsigned nOperand = SwapAB ? stage : stage + kATileBytes;
          const unsigned long long descN = ptx::sharedDescriptor(nOperand);
#pragma unroll
          for (int i = 0; i < kAccRegs; ++i)
            ptx::fenceRegister(acc[i]);
          ptx::wgmmaFence();
#pragma unroll
          for (int kk = 0; kk < TileK / 16; ++kk)
#pragma unroll
            for (int h = 0; h < kMmas; ++h)
              wgmma::Mma<kMmaN, Traits::kBf16>::run(
                  acc + h * kMmaAccRegs,
                  ptx::sharedDescriptor(mOperand +
                                        unsigned(mmaRowBlock(consumer, h)) *
                                            64u * 128u) +
                      2ull * kk,
                  descN + 2ull * kk);
          ptx::wgmmaCommit();
#pragma unroll
          for (int i = 0; i < kAccRegs; ++i)
            ptx::fenceRegister(acc[i]);
          // Keep this k-tile's MMAs in flight; the previous ones are done,
          // so their slot goes back to the producer.
          ptx::wgmmaWait<1>();
          if (j > 0 && tid % 128 == 0)
            releaseSlot(emptyBar((it - 1) % Stages));
        }
        // Every stage of this unit has arrived: the other consumer's next
        // k-loop may start (its MMAs queue behind this unit's last ones).
        if constexpr (PingPong)
          if (tid % 128 == 0)
            ptx::mbarrierArrive(turnBar(1 - consumer));
        ptx::wgmmaWait<0>();
#pragma unroll
        for (int i = 0; i < kAccRegs; ++i)
          ptx::fenceRegister(acc[i]);
        // The unit's last slot is free before the epilogue, so the producer
        // can run ahead into the next unit.
        if (w.kCount > 0 && tid % 128 == 0)
          releaseSlot(emptyBar((it - 1) % Stages));

        if constexpr (kReduces) {
          if (w.pieces > 1) {
            // A cluster's padding CTA (its token tile past m) only shared
            // the weight loads: it has no partial, counter or output.
            if (ClusterM > 1 && w.m0 >= p.m)
              return;
            if (!storePartial(p, acc, w, tid, lastFlag))
              return;
            // The last CTA sums every piece's partial, its own included, in
            // piece order: the same bits whichever CTA is last.
            const float *partials =
                p.workspace + w.slotBase * kTileFloats + tid;
            if constexpr (kStreamKSchedule) {
              // A run-time piece count: sum into acc a chunk of registers
              // at a time, so one piece's loads are independent and
              // overlap (a loop over pieces inside each element made a
              // dependent chain: 2.4x slower than no split at all), and
              // stay within the register budget.
              constexpr int kChunk = 16;
#pragma unroll
              for (int c = 0; c < kAccRegs; c += kChunk) {
                for (int z = 0; z < w.pieces; ++z) {
#pragma unroll
                  for (int i = c; i < c + kChunk && i < kAccRegs; ++i) {
                    const float v = __ldcg(partials + z * kTileFloats +
                                           i * kConsumerThreads);
                    acc[i] = z == 0 ? v : acc[i] + v;
                  }
                }
              }
            } else {
              // SplitK is a constant: the unrolled sums stream from L2 and
              // the accumulator registers stay free (nothing spills).
              epilogue(
                  p,
                  [&](int i) {
                    float sum = 0.0f;
#pragma unroll
                    for (int z = 0; z < SplitK; ++z) {
                      float v = __ldcg(partials + z * kTileFloats +
                                       i * kConsumerThreads);
                      sum = z == 0 ? v : sum + v;
                    }
                    return sum;
                  },
                  consumer, tid, w.m0, w.n0, exchange, staging);
              return;
            }
          }
        }
        epilogue(
            p, [&](int i) { return acc[i]; }, consumer, tid, w.m0, w.n0,
            exchange, staging);
      });
      // Shared memory stays until the last stores have read it.
      if constexpr (kTmaStore)
        if (tid % kStoreIssuerStride == 0)
          ptx::bulkWaitAll();
    }
    // Peers may still multicast into this CTA's shared memory or arrive on
    // its barriers until they are done too.
    if constexpr (kCluster > 1)
      ptx::clusterSync();
  }

  /// The 64-row block of the tile that consumer warpgroup `consumer` holds
  /// (ping-pong: each holds a whole 64-row tile).
  static __device__ __forceinline__ int rowBlock(int consumer) {
    return PingPong ? 0 : consumer;
  }
  /// The 64-row block of the MMA's M operand (the shared tile) that MMA h
  /// of warpgroup `consumer` reads: its own block, or with wide swapAB
  /// block 2c + h of the weight tile, gated 2h + c (gate rows c, up rows c).
  static __device__ __forceinline__ int mmaRowBlock(int consumer, int h) {
    if constexpr (kSplitGateUp)
      return 2 * h + consumer;
    else if constexpr (kWideSwap)
      return 2 * consumer + h;
    else
      return rowBlock(consumer);
  }

  static __device__ __forceinline__ void releaseSlot(unsigned emptyBarrier) {
    if constexpr (kCluster == 1) {
      ptx::mbarrierArrive(emptyBarrier);
    } else {
#pragma unroll
      for (int c = 0; c < kCluster; ++c)
        ptx::mbarrierArriveCluster(emptyBarrier, unsigned(c));
    }
  }

  static constexpr unsigned kTilesAlongN = unsigned((N + TileN - 1) / TileN);
  // Token units per rasterization group: ping-pong keeps two 64-row tiles
  // per CTA in flight, so its groups span as many tokens (1024) as the
  // cooperative 128-row tiles' do and the weight tiles in flight fit L2
  // (with groups of 8 tiles, 33 weight tiles of 2 MiB: up to 1.24x slower).
  static constexpr unsigned kGroupUnitsM =
      PingPong ? unsigned(1024 / (TileM * ClusterM)) : unsigned(kGroupTilesM);

  /// One work unit: an output tile, or one piece of its K range.
  struct Unit {
    int m0, n0;    // first token and first weight row
    int kBegin;    // first k-tile
    int kCount;    // k-tiles (0 when splitK exceeds the k-tiles)
    unsigned tile; // linear tile index (split-K counters)
    // The tile's K pieces (1: whole), this unit's, and the workspace slot
    // of piece 0 (the pieces' slots are consecutive).
    int piece, pieces;
    unsigned long long slotBase;
    int ordinal; // among this CTA's units (whole-tile schedules)
  };

  /// Calls f(unit) for each unit of this CTA, in order (the producer and
  /// the consumers walk the same sequence); with first/step (whole-tile
  /// schedules only), for units first, first + step, ... of that sequence.
  template <typename F>
  static __device__ __forceinline__ void
  forEachUnit(int m, unsigned rank, int first, int step, F &&f) {
    // Units are per cluster: a group of ClusterM adjacent token tiles (the
    // last group may reach past m: its loads read zeros, its stores are
    // skipped) with one weight tile and K split.
    const unsigned groupsAlongM =
        unsigned((m + TileM * ClusterM - 1) / (TileM * ClusterM));
    if constexpr (kStreamKSchedule) {
      const unsigned ctas = gridDim.x;
      const StreamKSplit s =
          streamKSplit((unsigned long long)groupsAlongM * kTilesAlongN,
                       unsigned(kKTiles), ctas);
      for (unsigned t = blockIdx.x; t < s.wholeTiles; t += ctas)
        f(tileUnit(t, groupsAlongM, 0, kKTiles, 0, 1, 0ull));
      const unsigned units = s.streamTiles * s.pieces;
      for (unsigned q = blockIdx.x; q < units; q += ctas) {
        const StreamKPiece piece = streamKPiece(s, unsigned(kKTiles), q);
        f(tileUnit(s.wholeTiles + piece.tile, groupsAlongM, piece.kBegin,
                   piece.kCount, piece.piece, piece.pieces, piece.slotBase));
      }
    } else {
      const unsigned units = groupsAlongM * kTilesAlongN * unsigned(SplitK);
      const unsigned stride = gridDim.x / unsigned(ClusterM);
      for (int i = first;; i += step) {
        const unsigned u =
            blockIdx.x / unsigned(ClusterM) + unsigned(i) * stride;
        if (u >= units)
          break;
        const int split = int(u % unsigned(SplitK));
        const int kBegin = split * kKTilesPerSplit;
        const int kEnd = kBegin + kKTilesPerSplit < kKTiles
                             ? kBegin + kKTilesPerSplit
                             : kKTiles;
        // The splits of a tile use slots tile * SplitK + z, keyed by the
        // CTA's own tile (below tilesM x tilesN when inside m): in clusters
        // the unit names a group of ClusterM tiles, each with its partials.
        Unit w = tileUnit(u / unsigned(SplitK), groupsAlongM, kBegin,
                          kEnd > kBegin ? kEnd - kBegin : 0, split, SplitK,
                          0ull, rank);
        w.slotBase = (unsigned long long)w.tile * unsigned(SplitK);
        w.ordinal = i;
        f(w);
      }
    }
  }
  /// The unit of grouped tile index `id` (a cluster's group of ClusterM
  /// token tiles; this CTA's is `rank`) covering k-tiles [kBegin, kBegin +
  /// kCount) as piece `piece` of `pieces`, whose partials use workspace
  /// slots slotBase + 0, 1, ...
  static __device__ __forceinline__ Unit tileUnit(
      unsigned id, unsigned groupsAlongM, int kBegin, int kCount, int piece,
      int pieces, unsigned long long slotBase, unsigned rank = 0) {
    Unit w;
    unsigned groupM, tileN;
    tileCoordinates(id, groupsAlongM, kTilesAlongN, groupM, tileN,
                    kGroupUnitsM);
    const unsigned tileM = groupM * unsigned(ClusterM) + rank;
    w.m0 = int(tileM) * TileM;
    w.n0 = int(tileN) * TileN;
    w.kBegin = kBegin;
    w.kCount = kCount;
    w.tile = tileM * kTilesAlongN + tileN;
    w.piece = piece;
    w.pieces = pieces;
    w.slotBase = slotBase;
    w.ordinal = 0;
    return w;
  }

  static constexpr unsigned long long kTileFloats =
      (unsigned long long)TileM * TileN;

  /// Stores this piece's fp32 partial tile (fragment order, coalesced) and
  /// counts it in; true in the CTA that arrives last, which then sums the
  /// partials of pieces 0, 1, ... in that order (bitwise the same whichever
  /// CTA finishes last) and resets the counter for the next launch.
  static __device__ __forceinline__ bool
  storePartial(const abi::GemmParams &p, const float (&acc)[kAccRegs],
               const Unit &w, int tid, volatile unsigned *lastFlag) {
    const unsigned tile = w.tile;
    float *mine =
        p.workspace + (w.slotBase + unsigned(w.piece)) * kTileFloats + tid;
#pragma unroll
    for (int i = 0; i < kAccRegs; ++i)
      __stcg(mine + i * kConsumerThreads, acc[i]);
    __threadfence();
    ptx::consumerBarrier(kConsumerThreads);
    if (tid == 0) {
      unsigned arrived = atomicAdd(p.counters + tile, 1u);
      bool last = arrived == unsigned(w.pieces - 1);
      if (last)
        p.counters[tile] = 0;
      *lastFlag = last ? 1u : 0u;
    }
    ptx::consumerBarrier(kConsumerThreads);
    const bool last = *lastFlag != 0;
    __threadfence();
    return last;
  }

  /// bias[col], 0 past N (the TMA-store epilogue computes whole tiles).
  static __device__ __forceinline__ float biasAt(const abi::GemmParams &p,
                                                 long long col) {
    if constexpr (HasBias)
      return col < N
                 ? Traits::toFloat(static_cast<const Element *>(p.bias)[col])
                 : 0.0f;
    else
      return 0.0f;
  }

  /// Accumulator fragment of wgmma m64nN (per thread, i in [0, N/2)):
  /// row 16 * warp + lane / 4 + 8 * ((i / 2) % 2), column 8 * (i / 4) +
  /// 2 * (lane % 4) + i % 2, rows and columns of the MMA (M side, N side).
  /// value(i) is accumulator register i of this thread (bias not added).
  template <typename Value>
  static __device__ __forceinline__ void
  epilogue(const abi::GemmParams &p, Value value, int consumer, int tid, int m0,
           int n0, float *exchange, unsigned staging) {
    const int warp = (tid % 128) / 32, lane = tid % 32;
    const int fragRow = 16 * warp + lane / 4; // + 8 for the odd pairs
    const int fragCol = 2 * (lane % 4);
    [[maybe_unused]] Element *d = static_cast<Element *>(p.d);
    [[maybe_unused]] const int m = p.m;
    if constexpr (kTransposedStore) {
      // acc is Dᵀ: MMA h holds 64 weight rows by the tile's tokens (gated,
      // wide only: h = 0 the gate rows, h = 1 their up rows, register for
      // register).
      // Each warp stores its 16 rows of an MMA, i.e. 16 output columns by
      // every token, as one or two subtiles of kChunkTokens tokens (the
      // second ends at the tile's last token and may overlap the first:
      // those tokens are stored twice, with the same bytes): stmatrix.trans
      // writes each 8x8 fragment block as 8 token rows of 8 columns (16
      // bytes), 32-byte swizzled as tmaD says, and the warp's lane 0
      // stores the subtile with TMA.
      constexpr int kChunkTokens = storeBoxRows(kConfig);
      constexpr int kChunks = (TileM + kChunkTokens - 1) / kChunkTokens;
      constexpr int kTokenBlocks = kChunkTokens / 8; // per chunk
      constexpr int kSubtiles = kGated ? 1 : kMmas;
      const unsigned buffer =
          staging + unsigned(consumer * 4 + warp) * kSubtileBytes;
      // Stored row r of matrix j is addressed by lane 8j + r: matrix j is
      // token block 2x + j / 2 (x4), columns 8 (j % 2) .. + 8.
      const int rowToken = lane % 8 + 8 * (lane / 16);
      const int rowChunk = (lane / 8) % 2;
      const int r = lane / 4; // this thread's rows r and r + 8 of the warp's
#pragma unroll
      for (int h = 0; h < kSubtiles; ++h) {
        // Output column (in the tile) of the warp's row 0, and the bias of
        // this thread's rows (gated: gate g maps to weight row
        // (g / B) 2B + g % B, its up row is B further).
        const int col0 =
            kGated ? 64 * consumer + 16 * warp
                   : consumerRows(kConfig) * consumer + 64 * h + 16 * warp;
        float bias0[2], bias1[2];
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          const int c = col0 + r + 8 * e;
          const long long row =
              kGated ? n0 + (c / kBlock) * 2 * kBlock + c % kBlock : n0 + c;
          bias0[e] = biasAt(p, row);
          bias1[e] = kGated ? biasAt(p, row + kBlock) : 0.0f;
        }
        // Registers i, i + 1 of MMA h (row r + 8e), as a packed pair.
        auto packed = [&](int i, int e) {
          float v0, v1;
          if constexpr (kGated) {
            v0 = Epi::apply(value(i) + bias0[e],
                            value(kMmaAccRegs + i) + bias1[e]);
            v1 = Epi::apply(value(i + 1) + bias0[e],
                            value(kMmaAccRegs + i + 1) + bias1[e]);
          } else {
            v0 = Epi::apply(value(h * kMmaAccRegs + i) + bias0[e]);
            v1 = Epi::apply(value(h * kMmaAccRegs + i + 1) + bias0[e]);
          }
          const typename Traits::Pair pair = Traits::pack(v0, v1);
          return *reinterpret_cast<const unsigned *>(&pair);
        };
        // Row `row` of the subtile (a token of the chunk).
        auto rowAddress = [&](int row) {
          return buffer + unsigned(row) * 32u +
                 unsigned((rowChunk ^ ((row / 4) % 2)) * 16);
        };
#pragma unroll
        for (int q = 0; q < kChunks; ++q) {
          // The chunk's first token block.
          const int first = q * kTokenBlocks < TileM / 8 - kTokenBlocks
                                ? q * kTokenBlocks
                                : TileM / 8 - kTokenBlocks;
          if (lane == 0)
            ptx::bulkWaitRead<0>(); // the buffer's previous store read it
          __syncwarp();
#pragma unroll
          for (int b = 0; b + 1 < kTokenBlocks; b += 2) {
            const int i = 4 * (first + b);
            ptx::stmatrixX4Trans(rowAddress(8 * b + rowToken), packed(i, 0),
                                 packed(i + 2, 1), packed(i + 4, 0),
                                 packed(i + 6, 1));
          }
          if constexpr (kTokenBlocks % 2 == 1) {
            constexpr int b = kTokenBlocks - 1; // lanes 0-15 give addresses
            const int i = 4 * (first + b);
            ptx::stmatrixX2Trans(rowAddress(8 * b + lane % 8), packed(i, 0),
                                 packed(i + 2, 1));
          }
          ptx::fenceProxyAsync();
          __syncwarp();
          if (lane == 0)
            ptx::tmaStore2d(&p.tmaD, buffer, int((kGated ? n0 / 2 : n0) + col0),
                            m0 + 8 * first);
        }
      }
    } else if constexpr (kTmaStore) {
      // Subtile j holds output columns [Cj, Cj + C) of the tile (C =
      // kStoreCols): MMA columns [Cj, Cj + C), gated [2Cj, 2Cj + 2C) (whole
      // gate/up block pairs: C is a multiple of the block), i.e.
      // accumulator registers [Rj, R(j+1)).
      constexpr int kSubtiles = outputTileCols(kConfig) / kStoreCols;
      constexpr int kRegs = kGated ? kStoreCols : kStoreCols / 2;
      // Swizzle: 16-byte chunk q of row r sits at chunk q ^ ((r / kRowsPer)
      // % kChunks), the address bits [4, 4 + log2 kChunks) xor bits [7, ...)
      // of CU_TENSOR_MAP_SWIZZLE_{128,64,32}B; a warp's 8 rows then cover
      // all 32 banks.
      constexpr int kChunks = kSwizzleBytes / 16;
      constexpr int kRowsPer = 128 / kSwizzleBytes;
      const unsigned buffers =
          staging + unsigned(consumer * kStoreBuffers) * kSubtileBytes;
      const bool issuer = tid % 128 == 0;
#pragma unroll
      for (int j = 0; j < kSubtiles; ++j) {
        // The buffer's previous store (this tile's subtile j - 2, or j - 1
        // with one buffer, or the previous tile's) has read it.
        if (issuer) {
          if (j == 0 || kStoreBuffers == 1)
            ptx::bulkWaitRead<0>();
          else
            ptx::bulkWaitRead<1>();
        }
        ptx::warpgroupBarrier<kConsumerWarpgroups>(consumer);
        const unsigned buffer =
            buffers + unsigned(j % kStoreBuffers) * kSubtileBytes;
#pragma unroll
        for (int i = kRegs * j; i < kRegs * (j + 1); i += 2) {
          const int r = fragRow + 8 * ((i / 2) % 2); // row in the subtile
          const int c = 8 * (i / 4) + fragCol;       // MMA column in the tile
          float v0, v1;
          int col; // output column in the tile
          if constexpr (kGated) {
            // Register i + kBlock / 2 holds column c + kBlock of this thread.
            if (((i / 4) / (kBlock / 8)) % 2 == 1)
              continue; // up columns, consumed with their gate columns
            col = (c / (2 * kBlock)) * kBlock + c % (2 * kBlock);
            const long long gate = n0 + c;
            v0 = Epi::apply(value(i) + biasAt(p, gate),
                            value(i + kBlock / 2) + biasAt(p, gate + kBlock));
            v1 = Epi::apply(value(i + 1) + biasAt(p, gate + 1),
                            value(i + 1 + kBlock / 2) +
                                biasAt(p, gate + kBlock + 1));
          } else {
            col = c;
            v0 = Epi::apply(value(i) + biasAt(p, n0 + c));
            v1 = Epi::apply(value(i + 1) + biasAt(p, n0 + c + 1));
          }
          const int sc = col - kStoreCols * j;
          const unsigned at =
              buffer + unsigned(r) * unsigned(kSwizzleBytes) +
              unsigned(((sc / 8) ^ ((r / kRowsPer) % kChunks)) * 16 +
                       (sc % 8) * 2);
          const typename Traits::Pair pair = Traits::pack(v0, v1);
          asm volatile("st.shared.b32 [%0], %1;" ::"r"(at),
                       "r"(*reinterpret_cast<const unsigned *>(&pair))
                       : "memory");
        }
        ptx::fenceProxyAsync();
        ptx::warpgroupBarrier<kConsumerWarpgroups>(consumer);
        if (issuer) {
          const int outCol0 = int((kGated ? n0 / 2 : n0) + kStoreCols * j);
          ptx::tmaStore2d(&p.tmaD, buffer, outCol0,
                          m0 + 64 * rowBlock(consumer));
        }
      }
    } else if constexpr (!SwapAB) {
      const int rowBase = m0 + 64 * rowBlock(consumer) + fragRow;
#pragma unroll
      for (int i = 0; i < kAccRegs; i += 2) {
        const int row = rowBase + 8 * ((i / 2) % 2);
        const int c = 8 * (i / 4) + fragCol; // column inside the tile
        if constexpr (kGated) {
          // Register i + kBlock / 2 holds column c + kBlock of this thread.
          if (((i / 4) / (kBlock / 8)) % 2 == 1)
            continue; // up columns, consumed with their gate columns
          const long long gate = n0 + c;
          if (row >= m || gate >= N)
            continue;
          const long long out =
              n0 / 2 + (c / (2 * kBlock)) * kBlock + c % (2 * kBlock);
          float v0 =
              Epi::apply(value(i) + biasAt(p, gate),
                         value(i + kBlock / 2) + biasAt(p, gate + kBlock));
          float v1 = Epi::apply(value(i + 1) + biasAt(p, gate + 1),
                                value(i + 1 + kBlock / 2) +
                                    biasAt(p, gate + kBlock + 1));
          *reinterpret_cast<typename Traits::Pair *>(d + row * kOutCols + out) =
              Traits::pack(v0, v1);
        } else {
          const long long col = n0 + c;
          if (row >= m || col >= N)
            continue;
          float v0 = Epi::apply(value(i) + biasAt(p, col));
          float v1 = Epi::apply(value(i + 1) + biasAt(p, col + 1));
          *reinterpret_cast<typename Traits::Pair *>(d + row * kOutCols + col) =
              Traits::pack(v0, v1);
        }
      }
    } else {
      // acc is Dᵀ: MMA rows are weight rows, MMA columns are tokens.
      if constexpr (kGated) {
        // Gate row w (register i) meets its up row w + B in register i + 2
        // of this thread (B = 8) or, B >= 16, in register i of thread
        // tid + 2B, which hands it over through the exchange tile, kRound
        // registers a round (launch.h, exchangesGateUp).
        constexpr bool kExchanges = exchangesGateUp(kConfig);
        constexpr int kRound = exchangeRegs(kConfig);
        const bool gateRows = !kExchanges || holdsGateRows(kBlock, tid);
        [[maybe_unused]] const int slot = exchangeSlot(kBlock, tid);
        // This thread's first gate row and its output column; its rows 8
        // further on (registers with (i / 2) % 2 = 1) lie in the same block
        // for B >= 16, the output 8 columns further on.
        const int w0 = 64 * consumer + fragRow;
        const long long gate0 = n0 + w0;
        const long long out0 =
            n0 / 2 + (w0 / (2 * kBlock)) * kBlock + w0 % (2 * kBlock);
#pragma unroll
        for (int r0 = 0; r0 < kAccRegs; r0 += kRound) {
          if constexpr (kExchanges) {
            if (!gateRows) {
#pragma unroll
              for (int j = 0; j < kRound && r0 + j < kAccRegs; ++j)
                exchange[j * 128 + slot] = value(r0 + j);
            }
            ptx::consumerBarrier(kConsumerThreads);
          }
          if (gateRows) {
#pragma unroll
            for (int j = 0; j < kRound && r0 + j < kAccRegs; ++j) {
              const int i = r0 + j;
              if (!kExchanges && (i / 2) % 2 == 1)
                continue; // B = 8: the up rows of this thread's gate rows
              const int rowOffset = 8 * ((i / 2) % 2);
              const int row = m0 + 8 * (i / 4) + fragCol + i % 2;
              const long long gate = gate0 + rowOffset;
              if (row >= m || gate >= N)
                continue;
              float up;
              if constexpr (kExchanges)
                up = exchange[j * 128 + slot];
              else
                up = value(i + 2);
              const float v = Epi::apply(value(i) + biasAt(p, gate),
                                         up + biasAt(p, gate + kBlock));
              d[row * kOutCols + out0 + rowOffset] = Traits::fromFloat(v);
            }
          }
          // The tile is refilled by the next round, or the next unit.
          if constexpr (kExchanges)
            ptx::consumerBarrier(kConsumerThreads);
        }
      } else {
#pragma unroll
        for (int i = 0; i < kAccRegs; ++i) {
          const long long col =
              n0 + 64 * consumer + fragRow + 8 * ((i / 2) % 2);
          const int row = m0 + 8 * (i / 4) + fragCol + i % 2;
          if (row >= m || col >= N)
            continue;
          d[row * kOutCols + col] =
              Traits::fromFloat(Epi::apply(value(i) + biasAt(p, col)));
        }
      }
    }
  }
};

/// The ping-pong schedule (template sm90_tma_ws_pingpong): 64-row tiles on
/// alternate consumer warpgroups.
template <typename Element, typename Epi, int TileM, int TileN, int TileK,
          int Stages, int ClusterM, int ClusterN, int SplitK, bool SwapAB,
          bool HasBias, long long N, long long K, int GateUpBlock>
using GemmTmaWsPingPong =
    GemmTmaWs<Element, Epi, TileM, TileN, TileK, Stages, ClusterM, ClusterN,
              SplitK, SwapAB, HasBias, N, K, GateUpBlock, /*TmaStore=*/true,
              /*PingPong=*/true>;

} // namespace sm90
} // namespace mlpjit

#endif // MLPJIT_SM90_GEMM_TMA_WS_CUH
