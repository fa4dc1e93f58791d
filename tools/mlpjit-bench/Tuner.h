//===- Tuner.h - mlpjit-bench --tune: measure candidate plans per bucket --===//
//
// For each token bucket of a block's plan that holds one of the benchmark's
// token counts, and for each of its two GEMMs: compile the candidate plans
// around the heuristic's (candidatePlans, Transforms/CandidatePlans.h), check
// each candidate's whole forward against cuBLASLt, time
// the GEMM (or the forward around it: TuneTiming), and store the fastest in
// a TunedPlanTable.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TOOLS_TUNER_H
#define MLPJIT_TOOLS_TUNER_H

#include "GpuSession.h"

#include "mlpjit/Frontend/MlpSpec.h"
#include "mlpjit/Transforms/KernelHeuristic.h"
#include "mlpjit/Transforms/TunedPlans.h"

#include "llvm/Support/raw_ostream.h"

namespace mlpjit::harness {

/// How the tuner times a GEMM's candidates. Interleaved (timeInterleaved):
/// all at one clock, the one their mix holds. Alone: one after another, each
/// with its own warm-up and settle, so each at the clock it holds by itself
/// under the power cap, as the plan a user runs does. Both: the two in one
/// process, picking by the interleaved times and logging both. Forward:
/// interleaved as well, then each candidate's whole forward (the other GEMM
/// the heuristic's) interleaved, picking by the forward: the GEMM as the
/// block runs it, its input just written by gate-up and the L2 holding the
/// other GEMM's weights, not its own from the previous replay.
enum class TuneTiming { Interleaved, Alone, Both, Forward };

struct TuneSettings {
  int warmup = 5, reps = 30;
  double settleMs = 0; // timeWithGraph's settle before each candidate
  TuneTiming timing = TuneTiming::Interleaved;
  size_t maxCandidates = 16;
  /// Weight copies the timed calls rotate through; 0: coldWeightCopies of
  /// the block's smaller GEMM (Timing.h), so weights are timed from memory.
  int weightCopies = 0;
  /// When set, one JSON line per timed candidate (plan, the cost model's
  /// estimate, the median): the data the model's constants are fitted to.
  llvm::raw_ostream *calibration = nullptr;
};

/// Tunes `spec` (named `label` in the log) on `gpu` at the given token counts
/// and inserts the winners into `table`.
llvm::Error tuneBlock(GpuSession &gpu, llvm::StringRef label,
                      const MlpSpec &spec, llvm::ArrayRef<int64_t> tokens,
                      const TuneSettings &settings, TunedPlanTable &table,
                      llvm::raw_ostream &log);

} // namespace mlpjit::harness

#endif // MLPJIT_TOOLS_TUNER_H
