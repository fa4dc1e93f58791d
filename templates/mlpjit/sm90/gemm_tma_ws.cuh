//===- sm90/gemm_tma_ws.cuh - Hopper GEMM: TMA + WGMMA, warp-specialized -===//
//
// D[m, nOut] = Epi(A[m, K] · B[N, K]ᵀ (+ bias)), 16-bit in and out, fp32
// accumulation. One CTA per output tile (grouped order, launch.h) and K split.
//
// The kernel composes its roles, one header each: gemm_traits.cuh (the
// constants), tile_scheduler.cuh (which units a CTA runs, split-K and
// stream-K partials), mainloop.cuh (the TMA ring and the wgmma k-loop),
// epilogue_store.cuh (D from the accumulators), ptx.cuh (the instructions).
// This file lays out shared memory, starts the barriers, splits the
// warpgroups into producer and consumers and runs them over the units.
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
//                   Wide (TileN 256, TileM <= 192): two consumer
//                   warpgroups of 128 weight rows, two m64 MMAs each.
//
// Gated (GateUpBlock = B): weight rows alternate B gate rows and B up rows.
// Without swapAB a thread holds each gate column and its up column (B
// columns later) in its own registers. Narrow swapAB (128 weight rows): for
// B = 8 too; for B >= 16 the up rows sit in another warp or warpgroup and
// cross over in shared memory (epilogue_store.cuh). Wide swapAB loads the
// weight tile as its gate rows, then its up rows (a 4-D tmaB), so a
// thread's two MMAs hold each gate value and its up value.
//
// Ping-pong (PingPong, 64-row tiles): the two consumer warpgroups take
// alternate units, each a whole tile, so one's epilogue runs while the
// other's k-loop keeps the tensor cores busy. Both read the one ring in unit
// order; a turn barrier per consumer lets a k-loop start only once the other
// has waited on every earlier stage, so each consumer waits on a slot's full
// barrier at most one phase ahead (the parity protocol needs that), and the
// k-loops run one after the other as the ring delivers them.
//
// Epilogue (epilogue_store.cuh): TMA stores through swizzled shared-memory
// subtiles, drained while the next tile's k-loop runs; TMA clips the tile
// at m and nOut.
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

#include "mlpjit/epilogue.cuh"
#include "mlpjit/kernel_abi.h"
#include "mlpjit/sm90/epilogue_store.cuh"
#include "mlpjit/sm90/gemm_traits.cuh"
#include "mlpjit/sm90/mainloop.cuh"
#include "mlpjit/sm90/ptx.cuh"
#include "mlpjit/sm90/tile_scheduler.cuh"

namespace mlpjit {
namespace sm90 {

template <typename Element, typename Epi, int TileM, int TileN, int TileK,
          int Stages, int ClusterM, int ClusterN, int SplitK, bool SwapAB,
          bool HasBias, long long N, long long K, int GateUpBlock,
          bool TmaStore = true, bool PingPong = false>
struct GemmTmaWs : GemmTraits<Element, Epi, TileM, TileN, TileK, Stages,
                              ClusterM, ClusterN, SplitK, SwapAB, HasBias, N, K,
                              GateUpBlock, TmaStore, PingPong> {
  using G = GemmTraits<Element, Epi, TileM, TileN, TileK, Stages, ClusterM,
                       ClusterN, SplitK, SwapAB, HasBias, N, K, GateUpBlock,
                       TmaStore, PingPong>;
  using Scheduler = TileScheduler<G>;
  using Unit = typename Scheduler::Unit;
  using Loop = Mainloop<G>;
  using Store = EpilogueStore<G>;
  using G::kAccRegs;
  using G::kBarrierBytes;
  using G::kCluster;
  using G::kConfig;
  using G::kConsumerThreads;
  using G::kConsumerWarpgroups;
  using G::kKTiles;
  using G::kReduces;
  using G::kStageBytes;
  using G::kStagingBytes;
  using G::kStoreIssuerStride;
  using G::kStreamKSchedule;
  using G::kThreads;
  using G::kTileFloats;
  using G::kTmaStore;
  using G::kUnitStep;

  static __device__ __forceinline__ void run(const abi::GemmParams &p) {
    extern __shared__ unsigned char sharedRaw[];
    const unsigned rawAddr = ptx::sharedAddress(sharedRaw);
    const unsigned base = (rawAddr + 1023u) & ~1023u;
    unsigned char *sharedBase = sharedRaw + (base - rawAddr);
    const unsigned staging = base + Stages * kStageBytes;
    const unsigned barriers = staging + kStagingBytes;
    auto fullBar = [&](int s) { return Loop::fullBar(barriers, s); };
    auto emptyBar = [&](int s) { return Loop::emptyBar(barriers, s); };
    volatile unsigned *lastFlag = reinterpret_cast<volatile unsigned *>(
        sharedBase + (barriers - base) + 16 * Stages);
    // Ping-pong: consumer c's turn barrier, after the verdict word.
    auto turnBar = [&](int c) {
      return barriers + 16u * unsigned(Stages) + 16u + 8u * unsigned(c);
    };
    float *exchange = reinterpret_cast<float *>(sharedBase + (barriers - base) +
                                                kBarrierBytes);

    const unsigned rank = blockIdx.x % unsigned(kCluster); // in the cluster
    const int warpgroup = int(threadIdx.x) / 128;
    if (threadIdx.x == 0) {
      ptx::prefetchTensorMap(&p.tmaA);
      if (p.aLastRows > 0)
        ptx::prefetchTensorMap(&p.tmaALast);
      ptx::prefetchTensorMap(&p.tmaB);
      if constexpr (kTmaStore)
        ptx::prefetchTensorMap(&p.tmaD);
      for (int s = 0; s < Stages; ++s) {
        ptx::mbarrierInit(fullBar(s), 1);
        // Every reader of every CTA whose producer multicasts into this
        // slot frees it.
        ptx::mbarrierInit(emptyBar(s),
                          stageReaders(kConfig) * Loop::kSlotWriters);
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
        Scheduler::forEachUnit(p.m, rank, 0, 1, [&](const Unit &w) {
          Loop::load(p, w, rank, base, barriers, it);
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
      Scheduler::forEachUnit(p.m, rank, first, kUnitStep, [&](const Unit &w) {
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
        Loop::mma(acc, w.kCount, consumer, tid, rank, base, barriers, it);
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
        if (w.kCount > 0)
          Loop::releaseSlot(emptyBar((it - 1) % Stages), rank, tid % 128);

        if constexpr (kReduces) {
          if (w.pieces > 1) {
            // A cluster's padding CTA (its token tile past m) only shared
            // the weight loads: it has no partial, counter or output.
            if (ClusterM > 1 && w.m0 >= p.m)
              return;
            if (!Scheduler::storePartial(p, acc, w, tid, lastFlag))
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
              Store::store(
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
        Store::store(
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
