//===- Passes.h - the mlp graph passes and the default pipeline -*- C++ -*-===//
//
// mlp-shard-tensor-parallel, mlp-concat-gate-up, mlp-fuse-glu-epilogue and
// mlp-plan-kernels (see Passes.td and docs/passes.md), and the pipeline that
// runs them in order.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TRANSFORMS_PASSES_H
#define MLPJIT_TRANSFORMS_PASSES_H

#include "mlpjit/KernelDesc.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>

namespace mlpjit {

class KernelPlanner;

#define GEN_PASS_DECL
#include "mlpjit/Transforms/Passes.h.inc"

/// mlp-plan-kernels with a planner other than the built-in heuristic (e.g. a
/// tuned table); `options.tuningFile` is not read.
std::unique_ptr<mlir::Pass>
createPlanKernelsWithPlanner(std::shared_ptr<const KernelPlanner> planner,
                             PlanKernelsOptions options = {});

struct DefaultPipelineOptions {
  /// mlp-shard-tensor-parallel: the degree (0 = each function's
  /// mlp.tensor_parallel, absent = 1) and how partial sums are combined
  /// ("all-reduce" or "reduce-scatter").
  int64_t tensorParallel = 0;
  std::string tensorParallelOutput = "all-reduce";
  /// mlp-concat-gate-up: "interleaved" or "stacked", and its block (0: the
  /// largest of 64, 32, 16, 8 rows up to maxBlockRows that divides the
  /// intermediate size).
  std::string layout = "interleaved";
  int64_t blockRows = 0;
  /// mlp-plan-kernels: arch for functions without `mlp.arch`, and the GPU
  /// the cost model is scaled to (0: the H200 it was fitted on).
  std::string arch = "sm_90a";
  int64_t smCount = 0;
  double memoryGBs = 0;
  /// mlp-plan-kernels: the planner; null = the heuristic, with the plans of
  /// `tuningFile` (TunedPlans.h) over it when that is set.
  std::shared_ptr<const KernelPlanner> planner;
  std::string tuningFile;
  int64_t maxBlockRows = kDefaultGateUpBlock;
};

/// shard-tensor-parallel, concat-gate-up, canonicalize, fuse-glu-epilogue,
/// plan-kernels; the
/// function passes are nested under `pm` (anchored on builtin.module).
void buildDefaultPipeline(mlir::OpPassManager &pm,
                          const DefaultPipelineOptions &options);

/// Runs the default pipeline on `module`. When `printAfterEach` is set, the
/// module is printed after each pass, headed by
/// `// -----// IR after <pass-arg> //----- //`. Honours
/// mlir::applyPassManagerCLOptions when the caller registered those options
/// (e.g. --mlir-print-ir-after-all). Errors are emitted on the context.
mlir::LogicalResult
runDefaultPipeline(mlir::ModuleOp module, const DefaultPipelineOptions &options,
                   llvm::raw_ostream *printAfterEach = nullptr);

/// Registers the passes and `mlp-default-pipeline` (options tp, tp-output,
/// layout, block-rows, arch, tuning-file, sm-count, memory-gbs) for mlir-opt
/// style command lines.
void registerMlpTransforms();

} // namespace mlpjit

#endif // MLPJIT_TRANSFORMS_PASSES_H
