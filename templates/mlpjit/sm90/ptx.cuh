//===- sm90/ptx.cuh - the PTX instructions of the sm90 GEMM ---------------===//
//
// One inline-asm wrapper per instruction the GEMM's roles issue: mbarriers,
// TMA loads (multicast across a cluster) and stores, wgmma issue and wait,
// register reallocation, named barriers, stmatrix, programmatic dependent
// launch, and the wgmma shared-memory descriptor.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM90_PTX_CUH
#define MLPJIT_SM90_PTX_CUH

namespace mlpjit {
namespace sm90 {

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
  asm volatile(
      "{\n\t.reg .b32 remote;\n\t"
      "mapa.shared::cluster.u32 remote, %0, %1;\n\t"
      "mbarrier.arrive.shared::cluster.b64 _, [remote];\n\t}" ::"r"(bar),
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

} // namespace sm90
} // namespace mlpjit

#endif // MLPJIT_SM90_PTX_CUH
