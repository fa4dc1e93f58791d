//===- KernelDesc.h - what the runtime knows about a generated kernel -----===//
//
// The contract between the compiler (which plans and generates kernels) and
// the runtime (which loads and launches them). Deliberately MLIR-free: the
// runtime receives PTX plus one KernelDesc per kernel.
//
// One kernel is a GemmShape (what it computes) plus a KernelPlan (the
// template and its constants, = the dialect's #mlp.plan). The planners, the
// tuning file, program files, the cache manifest and `mlpjit-dump --json`
// all use these types and the one JSON mapping below.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_KERNELDESC_H
#define MLPJIT_KERNELDESC_H

#include "mlpjit/ElementKinds.h"

#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>

namespace mlpjit {

/// Gate/up interleave blocks the gated kernels implement: a power of two
/// from 8 to 64 rows. The pipeline picks the largest one up to
/// kDefaultGateUpBlock that divides the (per-rank) intermediate size, so
/// every multiple of 8 has one. 16 rather than 64: gated tiles must hold
/// whole block pairs, and blocks of 16 let them be any wgmma width from 64
/// to 256 rows in steps of 32 (192 and 224 fill the last wave where 256
/// leaves it short: llama-3-8b's gate-up at M = 256, 93 vs 103 us on the
/// H200); the swapAB epilogue, which with blocks under 64 pairs gate and up
/// through shared memory, measured as fast (docs/performance.md, v10).
constexpr int64_t kMaxGateUpBlock = 64;
constexpr int64_t kDefaultGateUpBlock = 16;
constexpr bool isSupportedGateUpBlock(int64_t rows) {
  return rows == 8 || rows == 16 || rows == 32 || rows == 64;
}
/// The largest supported block up to `maxBlock` dividing `intermediate`, or
/// 0 when there is none (intermediate not a positive multiple of 8).
constexpr int64_t gateUpBlockFor(int64_t intermediate,
                                 int64_t maxBlock = kDefaultGateUpBlock) {
  for (int64_t b = maxBlock; b >= 8; b /= 2)
    if (intermediate > 0 && intermediate % b == 0)
      return b;
  return 0;
}

/// Which projection of the MLP block a kernel computes.
enum class KernelRole : uint8_t { gate_up, down };

/// One GEMM D[M, Nout] = epilogue(A[M, K] · W[N, K]ᵀ), Nout = N/2 for gated
/// epilogues (W holds gate and up rows interleaved in blocks of
/// `interleaveRows`), else N.
struct GemmShape {
  std::string arch = "sm_90a"; // the target, parsed with Arch::parse
  Epilogue epilogue = Epilogue::none;
  DType dtype = DType::bf16;
  int64_t n = 0, k = 0;       // n: weight rows (gate and up together)
  int64_t interleaveRows = 0; // gated epilogues only; 0 when W is stacked

  int64_t outputColumns() const { return isGated(epilogue) ? n / 2 : n; }
};

/// The template and its compile-time constants for M in [mMin, mMax]
/// (= #mlp.plan).
struct KernelPlan {
  std::string templateName; // a TemplateFamily, e.g. "sm90_tma_ws"
  int64_t mMin = 1, mMax = 1;
  int64_t tileM = 128, tileN = 128, tileK = 64;
  int64_t stages = 4;
  int64_t clusterM = 1, clusterN = 1;
  int64_t splitK = 1; // 0: stream-K (kStreamK, mlpjit/tile_schedule.h)
  bool swapAB = false;

  /// splitK 0: stream-K (kStreamK of mlpjit/tile_schedule.h).
  bool streamK() const { return splitK == 0; }
  /// The same template and constants, whatever the token range.
  bool sameConstants(const KernelPlan &other) const;
};

/// One generated kernel: D[M, Nout] = epilogue(A · Wᵀ (+ bias[N])) with M a
/// run-time argument in [mMin, mMax]; everything else is a constant of the
/// kernel.
struct KernelDesc : GemmShape, KernelPlan {
  /// The entry point symbol. Token ranges of one role planned alike share
  /// it (and the PTX): one kernel, named for the first and last token it
  /// serves.
  std::string name;
  KernelRole role = KernelRole::gate_up;
  bool hasBias = false;

  /// The same GEMM and plan, whatever the token range: one compiled kernel.
  bool sameKernel(const KernelDesc &other) const;

  const GemmShape &shape() const { return *this; }
  const KernelPlan &plan() const { return *this; }
  GemmShape &shape() { return *this; }
  KernelPlan &plan() { return *this; }
};

const char *toString(DType);
const char *toString(Epilogue);
const char *toString(KernelRole);

// The JSON mapping. Keys are the member names except `template` for
// templateName; enums are written with toString. fromJSON reports the first
// problem at its path (llvm::json::Path), e.g. "expected integer at
// program.kernels[0].desc.tileM".
llvm::json::Value toJSON(DType);
llvm::json::Value toJSON(Epilogue);
llvm::json::Value toJSON(KernelRole);
bool fromJSON(const llvm::json::Value &, DType &, llvm::json::Path);
bool fromJSON(const llvm::json::Value &, Epilogue &, llvm::json::Path);
bool fromJSON(const llvm::json::Value &, KernelRole &, llvm::json::Path);

/// arch, epilogue, dtype, n, k, interleaveRows (optional on reading: 0).
llvm::json::Value toJSON(const GemmShape &);
bool fromJSON(const llvm::json::Value &, GemmShape &, llvm::json::Path);
/// template, mMin, mMax, tileM, tileN, tileK, stages, clusterM, clusterN,
/// splitK, swapAB (mMin and mMax optional on reading: 1).
llvm::json::Value toJSON(const KernelPlan &);
bool fromJSON(const llvm::json::Value &, KernelPlan &, llvm::json::Path);
/// The shape's and the plan's keys in one object, plus name, role, hasBias.
llvm::json::Value toJSON(const KernelDesc &);
bool fromJSON(const llvm::json::Value &, KernelDesc &, llvm::json::Path);

} // namespace mlpjit

#endif // MLPJIT_KERNELDESC_H
