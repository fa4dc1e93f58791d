//===- sm90/mainloop.cuh - the sm90 GEMM's k-loop: TMA ring and wgmma ----===//
//
// A ring of Stages shared-memory slots, each an A k-tile (64 wide, 128-byte
// swizzled) and a B k-tile, guarded by a "full" mbarrier (TMA transaction
// bytes) and an "empty" one (one arrival per consumer warpgroup reading the
// slot, from every CTA of a cluster that writes into it). The producer's one
// thread fills slots with TMA (in clusters each CTA loads a slice of the
// tiles it shares and multicasts it: of B to the CTAs of its weight tile,
// of A to those of its token tile; gated wide swapAB loads B as the tile's
// gate rows, then its up rows: a 4-D box);
// each consumer warpgroup runs wgmma m64nNk16 on its 64 (wide: 128) rows of
// the MMA's M side with both operands read through shared-memory
// descriptors, one k-tile's MMAs in flight while the previous slot goes
// back. The ring position `it` runs on across work units.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM90_MAINLOOP_CUH
#define MLPJIT_SM90_MAINLOOP_CUH

#include "mlpjit/kernel_abi.h"
#include "mlpjit/sm90/ptx.cuh"
#include "mlpjit/sm90/wgmma.cuh"

namespace mlpjit {
namespace sm90 {

/// G: GemmTraits.
template <typename G> struct Mainloop : G {
  using G::ClusterM;
  using G::ClusterN;
  using G::kAccRegs;
  using G::kAStageBytes;
  using G::kATileBytes;
  using G::kBlock;
  using G::kBSliceBytes;
  using G::kBTileBytes;
  using G::kCluster;
  using G::kMmaAccRegs;
  using G::kMmaN;
  using G::kMmas;
  using G::kSplitGateUp;
  using G::kStageBytes;
  using G::kTwoMmaRows;
  using G::rankM;
  using G::rankN;
  using G::rowBlock;
  using G::Stages;
  using G::SwapAB;
  using G::TileK;
  using G::TileM;
  using G::TileN;
  using typename G::Traits;

  /// Slot s's full and empty mbarriers, in the barrier block at `barriers`.
  static __device__ __forceinline__ unsigned fullBar(unsigned barriers, int s) {
    return barriers + 8u * unsigned(s);
  }
  static __device__ __forceinline__ unsigned emptyBar(unsigned barriers,
                                                      int s) {
    return barriers + 8u * unsigned(Stages + s);
  }
  /// The 64-row block of the MMA's M operand (the shared tile) that MMA h
  /// of warpgroup `consumer` reads: its own block, or with two MMAs
  /// (twoMmaRows; c = rowBlock(consumer), 0 ping-pong) block 2c + h of the
  /// weight tile, gated h (TileN / 128) + c: its gate rows, then the
  /// matching up rows, TileN / 2 further.
  static __device__ __forceinline__ int mmaRowBlock(int consumer, int h) {
    if constexpr (kSplitGateUp)
      return h * (TileN / 128) + rowBlock(consumer);
    else if constexpr (kTwoMmaRows)
      return 2 * rowBlock(consumer) + h;
    else
      return rowBlock(consumer);
  }

  /// The CTAs that receive this CTA's multicast slices: those on its weight
  /// tile (B) and those on its token tile (A).
  static __device__ __forceinline__ unsigned short bPeers(unsigned rank) {
    return (unsigned short)(((1u << ClusterM) - 1u)
                            << (rankN(rank) * unsigned(ClusterM)));
  }
  static __device__ __forceinline__ unsigned short aPeers(unsigned rank) {
    unsigned mask = 0;
#pragma unroll
    for (int j = 0; j < ClusterN; ++j)
      mask |= 1u << (unsigned(j * ClusterM) + rankM(rank));
    return (unsigned short)mask;
  }
  /// Arrivals each empty barrier waits for per round: every reader of every
  /// CTA whose producer writes into this CTA's slots (its B and A peers).
  static constexpr int kSlotWriters = ClusterM + ClusterN - 1;

  /// Frees a slot in every CTA that writes into it (this one included):
  /// warpgroup thread `t` (0..127; every thread of the warpgroup calls it,
  /// after its wgmma reads of the slot are done) signals cluster CTA t, so
  /// the remote arrivals leave in parallel from one warp (CUTLASS's
  /// signalling threads) instead of one after another.
  static __device__ __forceinline__ void releaseSlot(unsigned emptyBarrier,
                                                     unsigned rank, int t) {
    if constexpr (kCluster == 1) {
      if (t == 0)
        ptx::mbarrierArrive(emptyBarrier);
    } else {
      const unsigned peers = unsigned(bPeers(rank) | aPeers(rank));
      if (t < kCluster && ((peers >> t) & 1u))
        ptx::mbarrierArriveCluster(emptyBarrier, unsigned(t));
    }
  }

  /// Producer: loads unit w's k-tiles into the ring at `base` from ring
  /// position `it` on (advanced past them).
  template <typename Unit>
  static __device__ __forceinline__ void
  load(const abi::GemmParams &p, const Unit &w, unsigned rank, unsigned base,
       unsigned barriers, int &it) {
    auto fullBar = [&](int s) { return Mainloop::fullBar(barriers, s); };
    auto emptyBar = [&](int s) { return Mainloop::emptyBar(barriers, s); };
    // The ragged last token tile loads only A's rows that exist
    // (kernel_abi.h's tmaALast; not in clusters sharing A, whose boxes are
    // slices); its other rows of the stage keep stale values, which reach
    // only output rows past A's last.
    const bool aLast = ClusterN == 1 && p.aLastRows > 0 && w.m0 == p.aLastM0;
    const abi::TmaDescriptor *tmaA = aLast ? &p.tmaALast : &p.tmaA;
    const unsigned stageTx =
        aLast ? kStageBytes - kATileBytes + unsigned(p.aLastRows) * TileK * 2u
              : kAStageBytes + kBTileBytes;
    const unsigned bRank = rankM(rank);
    const int aRow = aSliceRow(TileM, G::kASliceRows, int(rankN(rank)));
    for (int j = 0; j < w.kCount; ++j, ++it) {
      const int s = it % Stages;
      const unsigned round = unsigned(it / Stages);
      // A fresh barrier counts as having completed the phase before
      // phase 0, so round 0 passes at once.
      ptx::mbarrierWait(emptyBar(s), (round & 1u) ^ 1u);
      ptx::mbarrierArriveExpectTx(fullBar(s), stageTx);
      const unsigned stage = base + unsigned(s) * kStageBytes;
      const int k0 = (w.kBegin + j) * TileK;
      if constexpr (ClusterN == 1)
        ptx::tmaLoad2d(stage, tmaA, fullBar(s), k0, w.m0);
      else
        ptx::tmaLoad2dMulticast(stage + unsigned(aRow) * TileK * 2u, tmaA,
                                fullBar(s), k0, w.m0 + aRow, aPeers(rank));
      if constexpr (kSplitGateUp && ClusterM == 1) {
        // Gate rows then up rows of block pairs n0 / 2B, ... (tmaB
        // is {K, B, gate|up, N / 2B}): the tile's first half is its
        // gate rows in output order, the second its up rows.
        for (int h = 0; h < 2; ++h)
          ptx::tmaLoad4d(stage + kATileBytes + unsigned(h) * (kBTileBytes / 2),
                         &p.tmaB, fullBar(s), k0, 0, h, w.n0 / (2 * kBlock));
      } else if constexpr (kSplitGateUp) {
        // In a 2x1 cluster CTA r loads half r (gate or up rows) and
        // multicasts it to both.
        ptx::tmaLoad4dMulticast(stage + kATileBytes + bRank * kBSliceBytes,
                                &p.tmaB, fullBar(s), k0, 0, int(bRank),
                                w.n0 / (2 * kBlock), bPeers(rank));
      } else if constexpr (ClusterM == 1) {
        ptx::tmaLoad2d(stage + kATileBytes, &p.tmaB, fullBar(s), k0, w.n0);
      } else {
        ptx::tmaLoad2dMulticast(
            stage + kATileBytes + bRank * kBSliceBytes, &p.tmaB, fullBar(s), k0,
            w.n0 + int(bRank) * (TileN / ClusterM), bPeers(rank));
      }
    }
  }

  /// Consumer warpgroup `consumer` (thread tid of the consumers): kCount
  /// k-tiles from ring position `it` on into acc. Returns with the last
  /// k-tile's MMAs in flight and its slot held (finish waits and frees it).
  static __device__ __forceinline__ void mma(float (&acc)[kAccRegs], int kCount,
                                             int consumer, int tid,
                                             unsigned rank, unsigned base,
                                             unsigned barriers, int &it) {
    auto fullBar = [&](int s) { return Mainloop::fullBar(barriers, s); };
    auto emptyBar = [&](int s) { return Mainloop::emptyBar(barriers, s); };
    for (int j = 0; j < kCount; ++j, ++it) {
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
              ptx::sharedDescriptor(
                  mOperand + unsigned(mmaRowBlock(consumer, h)) * 64u * 128u) +
                  2ull * kk,
              descN + 2ull * kk);
      ptx::wgmmaCommit();
#pragma unroll
      for (int i = 0; i < kAccRegs; ++i)
        ptx::fenceRegister(acc[i]);
      // Keep this k-tile's MMAs in flight; the previous ones are done,
      // so their slot goes back to the producer.
      ptx::wgmmaWait<1>();
      if (j > 0)
        releaseSlot(emptyBar((it - 1) % Stages), rank, tid % 128);
    }
  }
};

} // namespace sm90
} // namespace mlpjit

#endif // MLPJIT_SM90_MAINLOOP_CUH
