//===- PipelineCLOptionsTest.cpp - runDefaultPipeline honours CL options --===//
//
// Its own executable: it registers and sets process-wide pass-manager
// options (--mlir-print-ir-after-all) that must not leak into other tests.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Frontend/EmitModule.h"
#include "mlpjit/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"

#include <gtest/gtest.h>

using namespace mlpjit;

namespace {

TEST(DefaultPipelineCLOptions, PrintIrAfterAllIsHonoured) {
  mlir::registerPassManagerCLOptions();
  const char *argv[] = {"test", "--mlir-print-ir-after-all"};
  ASSERT_TRUE(llvm::cl::ParseCommandLineOptions(2, argv, "", &llvm::errs()));

  MlpSpec spec;
  spec.name = "cl";
  spec.hidden = 64;
  spec.intermediate = 128;
  mlir::MLIRContext context;
  auto module = emitModule(context, spec);
  ASSERT_TRUE(module);
  testing::internal::CaptureStderr();
  bool ok = mlir::succeeded(runDefaultPipeline(*module, {}));
  std::string dumped = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(ok);
  for (const char *pass :
       {"ConcatGateUp (mlp-concat-gate-up)", "Canonicalizer (canonicalize)",
        "FuseGluEpilogue (mlp-fuse-glu-epilogue)",
        "PlanKernels (mlp-plan-kernels)"})
    EXPECT_NE(dumped.find(std::string("IR Dump After ") + pass),
              std::string::npos)
        << pass << " in\n"
        << dumped;
}

} // namespace
