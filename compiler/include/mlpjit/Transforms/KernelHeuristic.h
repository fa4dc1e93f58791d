//===- KernelHeuristic.h - template and constants of one GEMM --*- C++ -*-===//
//
// MLIR-free so a tuned table (or a tool) can implement KernelPlanner without
// the dialect. mlp-plan-kernels turns each KernelPlan into a #mlp.plan.
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

/// What the Hopper cost model assumes of the GPU: an H200 (132 SMs, HBM3e).
/// The constants are fitted (scripts/fit_cost_model.py) to the GEMM timings
/// of `mlpjit-bench --tune --tune-log` on the H200 over ../shared/models'
/// benchmark shapes (docs/results/2026-12-02-h200/calib.jsonl); HBM
/// bandwidth and saturation are priors. Effective rates, not datasheet ones.
struct DeviceModel {
  int smCount = 132;
  double mmaTflops = 786;           // 16-bit MMA rate of 128-row tiles
  double mmaColumnOverhead = 14.7;  // wgmma N costs like N + this
  double oneWarpgroupEfficiency = 0.820; // 64-row tiles: one consumer
  double nonPowerOfTwoEfficiency = 0.870; // wgmma N of 24, 48, 96, 160...
  double fewStagePenalty = 0.433;   // per stage under 4, on the k-loop
  double hbmGBs = 4200;             // streaming bandwidth (prior, not fitted)
  int hbmSaturatingSms = 100;       // fewer active CTAs leave HBM idle (prior)
  double l2GBs = 12121;             // L2 -> shared memory, all SMs together
  double smLoadGBs = 1100;          // one SM's TMA rate from L2
  double epilogueUsPerElement = 1.57e-4; // activation + store, per element
  double splitKFixedUs = 3.28;      // a split-K partial's handshake
  double fixedUs = 6;               // launch, prologue, fill and drain
};

/// One GEMM D[M, N'] = epilogue(A[M, K] · W[N, K]ᵀ) for M in [mMin, mMax].
struct GemmProblem {
  int64_t n = 0, k = 0; // n: weight rows (gate and up together when gated)
  Epilogue epilogue = Epilogue::none;
  DType dtype = DType::bf16;
  int64_t mMin = 1, mMax = 65536;
  std::string arch = "sm_90a";
  /// Gated epilogues: rows per gate/up block of W; 0 when W is stacked.
  int64_t interleaveRows = 0;
  DeviceModel device;
};

/// The constants of one kernel for M in [mMin, mMax] (= #mlp.plan).
struct KernelPlan {
  std::string templateName;
  int64_t mMin = 1, mMax = 1;
  int64_t tileM = 0, tileN = 0, tileK = 0;
  int64_t stages = 0;
  int64_t clusterM = 1, clusterN = 1;
  int64_t splitK = 1;
  bool swapAB = false;
};

class KernelPlanner {
public:
  virtual ~KernelPlanner();
  /// Plans covering [mMin, mMax] without gaps or overlap, in increasing M;
  /// an error (a sentence, no location) when no template serves `problem`.
  virtual llvm::Expected<std::vector<KernelPlan>>
  plan(const GemmProblem &problem) const = 0;
};

/// The default planner (docs/passes.md, "Kernel heuristic"): for sm_90a the
/// cheapest candidate of the cost model per token range, neighbouring ranges
/// merged where one plan is within 3% of the best; sm_80..sm_89 a two-row
/// table.
class HeuristicKernelPlanner : public KernelPlanner {
public:
  llvm::Expected<std::vector<KernelPlan>>
  plan(const GemmProblem &problem) const override;
};

/// Every sm90 plan the planner considers at m tokens (tile shapes, swapAB,
/// split-K; the deepest pipeline that fits), each valid for the template;
/// empty for other architectures. The tuner times these.
std::vector<KernelPlan> candidatePlans(const GemmProblem &problem, int64_t m);

/// The cost model's time for `plan` (an sm90 plan) at m tokens, in µs.
double estimateMicros(const GemmProblem &problem, const KernelPlan &plan,
                      int64_t m);

/// The split-K rule of the sm80 table: with t = ceil(n / tileN) * tilesM output
/// tiles, 1 when t >= 96, else the largest power of two s <= 8 with
/// t * s <= 132 (one wave of H100 SMs); then lowered to the largest power of
/// two whose s * tileK divides k.
int64_t chooseSplitK(int64_t n, int64_t k, int64_t tileN, int64_t tileK,
                     int64_t tilesM = 1);

} // namespace mlpjit

#endif // MLPJIT_TRANSFORMS_KERNELHEURISTIC_H
