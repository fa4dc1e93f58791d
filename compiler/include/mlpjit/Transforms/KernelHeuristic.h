//===- KernelHeuristic.h - template and constants of one GEMM --*- C++ -*-===//
//
// MLIR-free so a tuned table (or a tool) can implement KernelPlanner without
// the dialect. mlp-plan-kernels turns each KernelPlan (KernelDesc.h) into a
// #mlp.plan.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TRANSFORMS_KERNELHEURISTIC_H
#define MLPJIT_TRANSFORMS_KERNELHEURISTIC_H

#include "mlpjit/KernelDesc.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlpjit {

/// One GEMM (GemmShape, KernelDesc.h) to plan for M in [mMin, mMax].
struct GemmProblem : GemmShape {
  int64_t mMin = 1, mMax = 65536;
};

class KernelPlanner {
public:
  virtual ~KernelPlanner();
  /// Plans covering [mMin, mMax] without gaps or overlap, in increasing M;
  /// an error (a sentence, no location) when no template serves `problem`.
  virtual llvm::Expected<std::vector<KernelPlan>>
  plan(const GemmProblem &problem) const = 0;
};

/// The hand-written table of docs/passes.md ("Kernel heuristic"):
/// sm_90/sm_90a -> sm90_tma_ws in four M buckets, sm_80..sm_89 -> sm80_mma
/// in two.
class HeuristicKernelPlanner : public KernelPlanner {
public:
  llvm::Expected<std::vector<KernelPlan>>
  plan(const GemmProblem &problem) const override;
};

/// The split-K rule of the table: with t = ceil(n / tileN) * tilesM output
/// tiles, 1 when t >= 96, else the largest power of two s <= 8 with
/// t * s <= 132 (one wave of H100 SMs); then lowered to the largest power of
/// two whose s * tileK divides k.
int64_t chooseSplitK(int64_t n, int64_t k, int64_t tileN, int64_t tileK,
                     int64_t tilesM = 1);

} // namespace mlpjit

#endif // MLPJIT_TRANSFORMS_KERNELHEURISTIC_H
