//===- PlanKernels.cpp - attach #mlp.plan arrays to every GEMM ------------===//
#include "mlpjit/Transforms/KernelCollection.h"
#include "mlpjit/Transforms/KernelHeuristic.h"
#include "mlpjit/Transforms/Passes.h"
#include "mlpjit/Transforms/TunedPlans.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/IR/Builders.h"

#include <set>

namespace mlpjit {
#define GEN_PASS_DEF_PLANKERNELS
#include "mlpjit/Transforms/Passes.h.inc"
} // namespace mlpjit

using namespace mlir;
using namespace mlpjit;

// KernelDesc.h promises the same order as the dialect's enum.
static_assert(static_cast<int>(Epilogue::none) ==
                      static_cast<int>(mlp::EpilogueKind::none) &&
                  static_cast<int>(Epilogue::relu) ==
                      static_cast<int>(mlp::EpilogueKind::relu) &&
                  static_cast<int>(Epilogue::reglu) ==
                      static_cast<int>(mlp::EpilogueKind::reglu),
              "mlpjit::Epilogue and mlp::EpilogueKind diverged");

namespace {

/// Token range when the function does not say.
constexpr int64_t kDefaultTokensMin = 1, kDefaultTokensMax = 65536;

struct PlanKernelsPass : mlpjit::impl::PlanKernelsBase<PlanKernelsPass> {
  using Base::Base;
  PlanKernelsPass(std::shared_ptr<const KernelPlanner> planner,
                  const PlanKernelsOptions &options)
      : Base(options), planner(std::move(planner)) {}

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!planner) {
      std::shared_ptr<const KernelPlanner> heuristic =
          std::make_shared<HeuristicKernelPlanner>();
      planner = heuristic;
      if (!tuningFile.empty()) {
        auto table = TunedPlanTable::load(tuningFile);
        if (!table) {
          func.emitError(llvm::toString(table.takeError()));
          return signalPassFailure();
        }
        planner = std::make_shared<TunedKernelPlanner>(std::move(*table),
                                                       heuristic);
      }
    }

    if (smCount < 0 || memoryGBs < 0) {
      func.emitError("sm-count and memory-gbs must not be negative");
      return signalPassFailure();
    }
    GemmProblem problem;
    problem.device = DeviceModel::forGpu(int(smCount), memoryGBs);
    problem.mMin = kDefaultTokensMin;
    problem.mMax = kDefaultTokensMax;
    if (Attribute range = func->getAttr("mlp.token_range")) {
      auto values = dyn_cast<DenseI64ArrayAttr>(range);
      if (!values || values.size() != 2 || values[0] < 1 ||
          values[1] < values[0]) {
        func.emitError("mlp.token_range must be array<i64: min, max> with "
                       "1 <= min <= max, got ")
            << range;
        return signalPassFailure();
      }
      problem.mMin = values[0];
      problem.mMax = values[1];
    }
    problem.arch = arch;
    if (Attribute a = func->getAttr("mlp.arch")) {
      auto name = dyn_cast<StringAttr>(a);
      if (!name) {
        func.emitError("mlp.arch must be a string, got ") << a;
        return signalPassFailure();
      }
      problem.arch = name.str();
    }

    std::vector<std::pair<Operation *, std::vector<KernelPlan>>> planned;
    WalkResult result = func.walk([&](Operation *op) {
      if (auto linear = dyn_cast<mlp::LinearOp>(op)) {
        problem.epilogue = Epilogue::none;
        problem.interleaveRows = 0;
        problem.hasBias = bool(linear.getBias());
        return plan(op, linear.getWeight().getType(), problem, planned);
      }
      if (auto fused = dyn_cast<mlp::FusedLinearOp>(op)) {
        problem.epilogue = static_cast<Epilogue>(fused.getEpilogue());
        problem.hasBias = bool(fused.getBias());
        problem.interleaveRows =
            fused.isGated() &&
                    fused.getLayout() == mlp::WeightLayout::interleaved
                ? fused.getBlockRows()
                : 0;
        return plan(op, fused.getWeight().getType(), problem, planned);
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    alignRanges(planned);
    for (auto &[op, plans] : planned) {
      SmallVector<Attribute> attrs;
      for (const KernelPlan &p : plans)
        attrs.push_back(planAttr(op->getContext(), p));
      op->setAttr("plans", ArrayAttr::get(op->getContext(), attrs));
    }
  }

  /// The runtime switches all kernels of a block at the same token counts
  /// (one bucket = one kernel per GEMM), so every GEMM's plans are split at
  /// the union of all their range ends.
  static void alignRanges(
      std::vector<std::pair<Operation *, std::vector<KernelPlan>>> &planned) {
    std::set<int64_t> ends;
    for (auto &[op, plans] : planned)
      for (const KernelPlan &p : plans)
        ends.insert(p.mMax);
    for (auto &[op, plans] : planned) {
      std::vector<KernelPlan> split;
      for (const KernelPlan &p : plans) {
        int64_t lo = p.mMin;
        for (auto it = ends.lower_bound(p.mMin);
             it != ends.end() && *it <= p.mMax; ++it) {
          split.push_back(p);
          split.back().mMin = lo;
          split.back().mMax = *it;
          lo = *it + 1;
        }
      }
      plans = std::move(split);
    }
  }

  WalkResult
  plan(Operation *op, RankedTensorType weight, GemmProblem &problem,
       std::vector<std::pair<Operation *, std::vector<KernelPlan>>> &planned) {
    problem.n = weight.getDimSize(0);
    problem.k = weight.getDimSize(1);
    problem.dtype = weight.getElementType().isBF16() ? DType::bf16 : DType::f16;
    auto plans = planner->plan(problem);
    if (!plans) {
      op->emitError("no kernel plan: ") << llvm::toString(plans.takeError());
      return WalkResult::interrupt();
    }
    planned.push_back({op, std::move(*plans)});
    return WalkResult::advance();
  }

  std::shared_ptr<const KernelPlanner> planner;
};

} // namespace

std::unique_ptr<Pass> mlpjit::createPlanKernelsWithPlanner(
    std::shared_ptr<const KernelPlanner> planner, PlanKernelsOptions options) {
  return std::make_unique<PlanKernelsPass>(std::move(planner), options);
}
