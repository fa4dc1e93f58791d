//===- PlansAcceptedByCodegenTest.cpp - the heuristic's plans can be built ===//
//
// Every kernel the default pipeline plans for a real model must pass the
// code generator's own rules (validateKernel: template constraints, shared
// memory, gated layout), on Hopper and on Ampere/Ada.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/Frontend/EmitModule.h"
#include "mlpjit/Transforms/KernelCollection.h"
#include "mlpjit/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace mlpjit;

namespace {

TEST(PlansAcceptedByCodegen, EveryModelFixtureOnEveryArch) {
  std::error_code ec;
  int models = 0;
  for (llvm::sys::fs::directory_iterator it(MLPJIT_MODELS_DIR, ec), end;
       it != end && !ec; it.increment(ec)) {
    if (llvm::sys::path::extension(it->path()) != ".json")
      continue;
    auto specs = loadSpecFile(it->path());
    ASSERT_TRUE(bool(specs)) << llvm::toString(specs.takeError());
    ++models;
    for (const char *arch : {"sm_90a", "sm_86", "sm_80"}) {
      for (MlpSpec spec : *specs) {
        spec.arch = arch;
        // A small upper bound too: the single-bucket case.
        for (int64_t tokensMax : {int64_t(8), spec.tokensMax}) {
          spec.tokensMax = std::max(spec.tokensMin, tokensMax);
          mlir::MLIRContext context;
          auto module = emitModule(context, spec);
          ASSERT_TRUE(module) << it->path();
          ASSERT_TRUE(mlir::succeeded(runDefaultPipeline(*module, {})));
          auto kernels = collectKernels(*module);
          ASSERT_TRUE(bool(kernels)) << llvm::toString(kernels.takeError());
          for (const KernelDesc &k : *kernels)
            if (llvm::Error e = codegen::validateKernel(k))
              ADD_FAILURE() << it->path() << " " << arch << " " << k.name
                            << ": " << llvm::toString(std::move(e));
        }
      }
    }
  }
  EXPECT_GE(models, 7);
}

} // namespace
