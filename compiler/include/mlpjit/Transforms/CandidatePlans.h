//===- CandidatePlans.h - the tuner's search space around a plan ----------===//
//
// `mlpjit-bench --tune` compiles, checks and times these plans for one GEMM
// of one token bucket and stores the fastest (TunedPlans.h). They live next to
// the heuristic because they are its alternatives: tile shapes, swap-AB,
// split-K and clusters, each the deepest pipeline its family accepts.
// MLIR-free.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TRANSFORMS_CANDIDATEPLANS_H
#define MLPJIT_TRANSFORMS_CANDIDATEPLANS_H

#include "mlpjit/KernelDesc.h"

#include <cstdint>
#include <vector>

namespace mlpjit {

/// The candidate kernels tried for `desc` at m tokens: desc itself first,
/// then variants of its plan that its template family implements (only the
/// sm90 family has a search space so far).
std::vector<KernelDesc> candidatePlans(const KernelDesc &desc, int64_t m);

} // namespace mlpjit

#endif // MLPJIT_TRANSFORMS_CANDIDATEPLANS_H
