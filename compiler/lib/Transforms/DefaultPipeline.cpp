//===- DefaultPipeline.cpp - the passes in order, and their registration --===//
#include "mlpjit/Transforms/Passes.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace mlpjit {
#define GEN_PASS_REGISTRATION
#include "mlpjit/Transforms/Passes.h.inc"
} // namespace mlpjit

using namespace mlir;
using namespace mlpjit;

namespace {

/// One step of the pipeline: the name printed after it and how to add it.
struct Stage {
  const char *argument;
  std::function<void(OpPassManager &)> add;
};

std::vector<Stage> stages(const DefaultPipelineOptions &options) {
  return {
      {"mlp-shard-tensor-parallel",
       [options](OpPassManager &pm) {
         ShardTensorParallelOptions o;
         o.tp = options.tensorParallel;
         o.output = options.tensorParallelOutput;
         pm.addNestedPass<func::FuncOp>(createShardTensorParallel(o));
       }},
      {"mlp-concat-gate-up",
       [options](OpPassManager &pm) {
         ConcatGateUpOptions o;
         o.layout = options.layout;
         o.blockRows = options.blockRows;
         o.maxBlockRows = options.maxBlockRows;
         pm.addNestedPass<func::FuncOp>(createConcatGateUp(o));
       }},
      // Drops anything the concatenation left dead.
      {"canonicalize",
       [](OpPassManager &pm) { pm.addPass(createCanonicalizerPass()); }},
      {"mlp-fuse-glu-epilogue",
       [](OpPassManager &pm) {
         pm.addNestedPass<func::FuncOp>(createFuseGluEpilogue());
       }},
      {"mlp-plan-kernels",
       [options](OpPassManager &pm) {
         PlanKernelsOptions o;
         o.arch = options.arch;
         o.tuningFile = options.tuningFile;
         o.smCount = options.smCount;
         o.memoryGBs = options.memoryGBs;
         pm.addNestedPass<func::FuncOp>(
             options.planner ? createPlanKernelsWithPlanner(options.planner, o)
                             : createPlanKernels(o));
       }},
  };
}

struct DefaultPipelineCLOptions
    : public PassPipelineOptions<DefaultPipelineCLOptions> {
  Option<int64_t> tp{*this, "tp",
                     llvm::cl::desc("tensor-parallel degree (0 = each "
                                    "function's mlp.tensor_parallel)"),
                     llvm::cl::init(0)};
  Option<std::string> tpOutput{*this, "tp-output",
                               llvm::cl::desc("all-reduce|reduce-scatter"),
                               llvm::cl::init("all-reduce")};
  Option<std::string> layout{*this, "layout",
                             llvm::cl::desc("interleaved|stacked"),
                             llvm::cl::init("interleaved")};
  Option<int64_t> blockRows{*this, "block-rows",
                            llvm::cl::desc("rows per interleave block (0: "
                                           "the largest of 64, 32, 16, 8 "
                                           "up to max-block-rows that "
                                           "divides N)"),
                            llvm::cl::init(0)};
  Option<int64_t> maxBlockRows{
      *this, "max-block-rows",
      llvm::cl::desc("with block-rows=0, the largest block considered"),
      llvm::cl::init(kDefaultGateUpBlock)};
  Option<std::string> arch{
      *this, "arch", llvm::cl::desc("arch for functions without mlp.arch"),
      llvm::cl::init("sm_90a")};
  Option<std::string> tuningFile{
      *this, "tuning-file",
      llvm::cl::desc(
          "measured plans (mlpjit-bench --tune) over the heuristic")};
  Option<int64_t> smCount{
      *this, "sm-count",
      llvm::cl::desc("the target GPU's SM count (0: the H200's 132)"),
      llvm::cl::init(0)};
  Option<double> memoryGBs{*this, "memory-gbs",
                           llvm::cl::desc("the target GPU's peak DRAM "
                                          "bandwidth, GB/s (0: the H200's)"),
                           llvm::cl::init(0)};
};

} // namespace

void mlpjit::buildDefaultPipeline(OpPassManager &pm,
                                  const DefaultPipelineOptions &options) {
  for (const Stage &stage : stages(options))
    stage.add(pm);
}

LogicalResult mlpjit::runDefaultPipeline(ModuleOp module,
                                         const DefaultPipelineOptions &options,
                                         llvm::raw_ostream *printAfterEach) {
  MLIRContext *context = module.getContext();
  context->loadDialect<mlp::MlpDialect, func::FuncDialect>();
  // applyPassManagerCLOptions fails when the caller did not register the
  // options (then there is nothing to apply) and reports its own conflicts.
  auto configure = [&](PassManager &pm) {
    (void)applyPassManagerCLOptions(pm);
    return success();
  };
  if (!printAfterEach) {
    PassManager pm(context);
    if (failed(configure(pm)))
      return failure();
    buildDefaultPipeline(pm, options);
    return pm.run(module);
  }
  // One pass manager per stage, so the whole module (every function) is
  // printed between stages rather than one function at a time.
  for (const Stage &stage : stages(options)) {
    PassManager pm(context);
    if (failed(configure(pm)))
      return failure();
    stage.add(pm);
    if (failed(pm.run(module)))
      return failure();
    *printAfterEach << "// -----// IR after " << stage.argument
                    << " //----- //\n";
    module->print(*printAfterEach);
    *printAfterEach << "\n";
  }
  return success();
}

void mlpjit::registerMlpTransforms() {
  registerMlpTransformsPasses();
  PassPipelineRegistration<DefaultPipelineCLOptions>(
      "mlp-default-pipeline",
      "shard-tensor-parallel, concat-gate-up, canonicalize, "
      "fuse-glu-epilogue, plan-kernels",
      [](OpPassManager &pm, const DefaultPipelineCLOptions &cl) {
        // In DefaultPipelineOptions' member order; no planner object from
        // the command line, only a tuning file.
        buildDefaultPipeline(
            pm, DefaultPipelineOptions{cl.tp, cl.tpOutput, cl.layout,
                                       cl.blockRows, cl.arch, cl.smCount,
                                       cl.memoryGBs, /*planner=*/nullptr,
                                       cl.tuningFile, cl.maxBlockRows});
      });
}
