//===- CandidatePlans.h - the tuner's search space around a plan ----------===//
//
// `mlpjit-bench --tune` compiles, checks and times these plans for one GEMM
// of one token bucket and stores the fastest (TunedPlans.h). They live next to
// the heuristic because they are its alternatives: the cost model's own
// candidates (sm90Candidates, KernelHeuristic.h), its favourites first.
// MLIR-free.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TRANSFORMS_CANDIDATEPLANS_H
#define MLPJIT_TRANSFORMS_CANDIDATEPLANS_H

#include "mlpjit/KernelDesc.h"
#include "mlpjit/Transforms/KernelHeuristic.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mlpjit {

/// The GEMM a kernel computes, as the planner sees it (its token range too)
/// on `device`.
GemmProblem problemOf(const KernelDesc &desc, const DeviceModel &device = {});

/// The candidate kernels tried for `desc` at m tokens: desc itself first,
/// then at most maxCandidates of the planner's candidates that its template
/// family implements: half the cost model's favourites, half spread evenly
/// over the rest of its ranking (the fastest plan is found where the model is
/// off, and a calibration log sees the whole space); then, beyond
/// maxCandidates, sm90TunerOnlyCandidates. Only the sm90 family has a search
/// space. Ranked by the cost model of `device`.
std::vector<KernelDesc> candidatePlans(const KernelDesc &desc, int64_t m,
                                       size_t maxCandidates = 16,
                                       const DeviceModel &device = {});

} // namespace mlpjit

#endif // MLPJIT_TRANSFORMS_CANDIDATEPLANS_H
