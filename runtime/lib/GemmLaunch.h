//===- GemmLaunch.h - launching one generated GEMM kernel -----------------===//
//
// Maps a KernelDesc plus run-time operands to a launch: the template family's
// launch rules (TemplateFamily.h), the TMA descriptors of kernel_abi.h for
// families that take them, the split-K scratch, and argument checks that turn
// misuse into an llvm::Error instead of a launch. Internal to the build.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_RUNTIME_GEMMLAUNCH_H
#define MLPJIT_RUNTIME_GEMMLAUNCH_H

#include "TemplateFamily.h"

#include "mlpjit/Driver.h"
#include "mlpjit/KernelDesc.h"

#include <cstddef>
#include <cstdint>

namespace mlpjit {

/// Checks that `desc` names a template family that implements its constants
/// (checkSupported) and that its token range is valid.
llvm::Error checkLaunchable(const KernelDesc &desc);

/// Grid, block, cluster and dynamic shared memory for `m` tokens on a GPU
/// of `numSMs` SMs that holds `residentCtas` of the kernel's CTAs at once
/// (LoadedKernel::residentCtas; 0: the family's guess).
llvm::Expected<abi::LaunchShape> gemmLaunchShape(const KernelDesc &desc,
                                                 int64_t m, int numSMs,
                                                 int residentCtas);

/// Device pointers of one GEMM: D[m, nOut] = epi(A[m, k] · B[n, k]ᵀ + bias).
/// Split-K scratch comes in two parts because its users share them
/// differently: the partial sums are dead between launches (one buffer can
/// serve every kernel of a stream), the arrival counters must start at zero
/// (zeroed once by whoever allocates them; every launch leaves them zero), so
/// each kernel gets its own.
struct GemmOperands {
  const void *a = nullptr;
  const void *b = nullptr;
  const void *bias = nullptr; // required iff desc.hasBias
  void *d = nullptr;
  void *workspace = nullptr; // gemmWorkspaceBytes(...); split-K, stream-K
  void *counters = nullptr;  // gemmCounterBytes(desc), zeroed; split-K and stream-K
  /// The arrival counters of the GEMM launched next on the stream, which
  /// this kernel zeroes (an MLP's gate-up zeroes its down GEMM's, so a
  /// forward needs no memset); nextCounterBytes a multiple of 4.
  void *nextCounters = nullptr;
  size_t nextCounterBytes = 0;
  int64_t m = 0;
  /// Rows A's and D's tensor maps declare (sm90), at least m: more where
  /// the buffer holds whole token tiles (an MLP's intermediate with
  /// LoadOptions::padIntermediate, the default), so that no TMA box crosses the
  /// tensor's last row. The kernel still computes and stores only m rows of D's
  /// caller-visible result; rows past m are whatever the tiles produce.
  int64_t aRows = 0, dRows = 0;
  /// A's ragged last token tile (aRows not a whole number of tiles) loads
  /// through a second tensor map whose box holds just its rows
  /// (kernel_abi.h's tmaALast; sm90). MlpKernels::LoadOptions::exactLastTile.
  bool exactLastTileA = false;
  /// Launch as a programmatic dependent of the stream's previous kernel
  /// (PDL): this kernel's prologue overlaps that kernel's tail; the
  /// templates wait for it (griddepcontrol.wait) before touching memory.
  bool dependent = false;
};

/// Bytes of fp32 partial sums a split-K launch with `m` tokens needs (0
/// without split-K). Grows with m: size it for the largest m.
/// Stream-K (splitK 0): the pieces depend on the grid, so pass exactly what
/// the launch gets (numSMs, residentCtas): a smaller grid here would size
/// too few partial slots for the launch.
size_t gemmWorkspaceBytes(const KernelDesc &desc, int64_t m, int numSMs,
                          int residentCtas);
/// Bytes of arrival counters for any m up to desc.mMax, rounded up to 256
/// so that consecutive kernels' counters stay 16-byte aligned (0 without
/// split-K).
size_t gemmCounterBytes(const KernelDesc &desc);

/// The arguments of cuTensorMapEncodeTiled for one row-major operand of
/// `rows` x `cols` 16-bit elements, 2-D, or 4-D for the gate/up split load
/// of gated wide swapAB tiles: kept apart so it is testable without a GPU.
struct TensorMapArgs {
  uint32_t rank = 2;
  uint64_t globalDim[4];    // {cols, rows, ...}, innermost first
  uint64_t globalStride[3]; // bytes between rows, ...
  uint32_t boxDim[4];       // {boxCols (A, B: tileK), boxRows, ...}
  uint32_t swizzleBytes;    // 128, 64 or 32: CU_TENSOR_MAP_SWIZZLE_*B
};
TensorMapArgs tensorMapArgs(uint64_t rows, uint64_t cols, uint32_t boxRows,
                            uint32_t boxCols);

/// The TMA operands of an sm90 kernel per kernel_abi.h: A is {k, m} with a
/// box of sm90::boxRowsA rows, B is {k, n} with sm90::boxRowsB rows (gated
/// wide swapAB: {k, B, 2, n / 2B}, box {tileK, B, 1, 128 / B}), D (when the
/// epilogue stores with TMA) is {nOut, m} with a box of 64 rows and 64, 32
/// or 16 columns (the widest that divides the output tile; wide swapAB: 16
/// columns by tileM rows) swizzled by its row's bytes.
TensorMapArgs tensorMapArgsA(const KernelDesc &desc, int64_t rows);
TensorMapArgs tensorMapArgsB(const KernelDesc &desc);
TensorMapArgs tensorMapArgsD(const KernelDesc &desc, int64_t rows);

/// The ragged last token tile of an A of `rows` rows: its first row and its
/// rows (0 when `rows` is whole token tiles, or a tile is more than one box:
/// over 256 rows, or slices multicast in clusters of weight tiles).
struct ExactLastTile {
  int64_t m0 = 0, rows = 0;
};
ExactLastTile exactLastTileOf(const KernelDesc &desc, int64_t rows);

/// m rounded up to whole token tiles of `desc` (tileM x clusterM rows): the
/// rows an operand must hold for none of the kernel's A (or D) boxes to
/// cross its end.
int64_t wholeTileRows(const KernelDesc &desc, int64_t m);
/// The checks launchGemm makes before touching the driver: m within
/// [mMin, mMax], aRows and dRows at least m, non-null 16-byte aligned pointers,
/// a bias exactly when planned, counters and workspace exactly when split-K,
/// next counters aligned and whole words.
llvm::Error checkGemmOperands(const KernelDesc &desc, const GemmOperands &ops);

/// Checks the operands, encodes the tensor maps, and launches `fn`
/// asynchronously on `stream` with cuLaunchKernelEx (a cluster attribute for
/// clusters > 1). Never synchronizes, never allocates (graph-capturable).
/// `numSMs` is the device's SM count.
llvm::Error launchGemm(const Driver &driver, CUfunction fn,
                       const KernelDesc &desc, const GemmOperands &ops,
                       CUstream stream, int numSMs, int residentCtas);

} // namespace mlpjit

#endif // MLPJIT_RUNTIME_GEMMLAUNCH_H
