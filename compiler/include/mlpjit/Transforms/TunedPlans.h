//===- TunedPlans.h - measured kernel plans in the heuristic's place -----===//
//
// `mlpjit-bench --tune` times candidate plans of every GEMM on the GPU and
// stores the fastest here; mlp-plan-kernels then takes a stored plan over
// the heuristic's wherever one matches. The file is JSON (tuning.json in the
// kernel cache directory by default):
//
//   {"format": "mlpjit-tuning-1", "plans": [
//     {"arch": "sm_90a", "epilogue": "swiglu", "dtype": "bf16",
//      "n": 7168, "k": 8192, "interleaveRows": 64, "m": 256, "us": 51.3,
//      "device": "NVIDIA H100",
//      "plan": {"template": "sm90_tma_ws", "mMin": 65, "mMax": 256,
//               "tileM": 128, "tileN": 256, "tileK": 64, "stages": 4,
//               "clusterM": 1, "clusterN": 1, "splitK": 1, "swapAB": false}}]}
//
// The shape and the plan are KernelDesc.h's JSON mapping (interleaveRows,
// mMin and mMax may be left out). A stored plan replaces the heuristic's
// plan, for the same arch, epilogue, dtype, n and k, in the planner range
// that holds its token count `m` (plannerRangeOf, KernelHeuristic.h: the
// finest ranges, before neighbours merge into buckets); the rest of the
// bucket keeps the heuristic's plan (a measurement at one token count says
// nothing of a bucket's other end). Of two entries in one planner range,
// the one of the lower m is taken. Entries of another GPU than the one
// planned for are set aside (keepDevice); entries without a device apply
// anywhere.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TRANSFORMS_TUNEDPLANS_H
#define MLPJIT_TRANSFORMS_TUNEDPLANS_H

#include "mlpjit/Transforms/KernelHeuristic.h"

#include <memory>

namespace mlpjit {

/// The fastest plan measured for one GEMM shape at `m` tokens.
struct TunedPlan : GemmShape {
  int64_t m = 0;      // the token count it was measured at
  double us = 0;      // its median time there
  std::string device; // the GPU it was measured on
  KernelPlan plan;    // mMin/mMax: the bucket it was measured for
};

class TunedPlanTable {
public:
  /// Reads `path`; a missing file is an empty table, anything malformed an
  /// error naming the file and the entry.
  static llvm::Expected<TunedPlanTable> load(llvm::StringRef path);
  /// Writes `path` through a temporary file renamed into place.
  llvm::Error save(llvm::StringRef path) const;

  /// Replaces the entry with the same arch, epilogue, dtype, n, k,
  /// interleaveRows, m and device.
  void insert(const TunedPlan &plan);
  /// Drops the entries measured on a GPU other than `device` (those without
  /// a device stay: e.g. plans pinned by hand); returns how many.
  size_t keepDevice(llvm::StringRef device);
  /// The entries for `problem` whose m lies in [mMin, mMax] and whose
  /// gate/up block is the problem's (or unset), in increasing m.
  std::vector<const TunedPlan *> find(const GemmProblem &problem, int64_t mMin,
                                      int64_t mMax) const;
  const std::vector<TunedPlan> &entries() const { return plans; }

private:
  std::vector<TunedPlan> plans;
};

/// The fallback planner's buckets, with the table's plans in the planner
/// ranges they were measured in (a bucket split around them).
class TunedKernelPlanner : public KernelPlanner {
public:
  TunedKernelPlanner(TunedPlanTable table,
                     std::shared_ptr<const KernelPlanner> fallback);
  llvm::Expected<std::vector<KernelPlan>>
  plan(const GemmProblem &problem) const override;

private:
  TunedPlanTable table;
  std::shared_ptr<const KernelPlanner> fallback;
};

} // namespace mlpjit

#endif // MLPJIT_TRANSFORMS_TUNEDPLANS_H
