//===- PlanBlockKernels.cpp - buckets that run as one block kernel --------===//
#include "mlpjit/Transforms/KernelCollection.h"
#include "mlpjit/Transforms/Passes.h"

#include "TemplateFamily.h"
#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/IR/Builders.h"

namespace mlpjit {
#define GEN_PASS_DEF_PLANBLOCKKERNELS
#include "mlpjit/Transforms/Passes.h.inc"
} // namespace mlpjit

using namespace mlir;
using namespace mlpjit;

namespace {

/// The block kernel saves a launch and its prologue, a few µs: it is for the
/// small buckets (13-50 µs forwards), not the gated narrow swapAB plans of
/// 129-224 tokens (55-75 µs), where it was never timed.
constexpr int64_t kBlockKernelMaxTokens = 128;

struct PlanBlockKernelsPass
    : mlpjit::impl::PlanBlockKernelsBase<PlanBlockKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // The GEMM kernels as the collection will emit them; a function of
    // another form (or not planned yet) has no bucket to pair.
    func->removeAttr(kBlockKernelsAttr);
    auto kernels = collectFuncKernels(func);
    if (!kernels) {
      llvm::consumeError(kernels.takeError());
      return;
    }
    SmallVector<int64_t> ranges;
    for (const KernelDesc &gateUp : *kernels) {
      if (gateUp.role != KernelRole::gate_up)
        continue;
      for (const KernelDesc &down : *kernels) {
        if (down.role != KernelRole::down || down.mMin != gateUp.mMin ||
            down.mMax != gateUp.mMax || gateUp.mMax > kBlockKernelMaxTokens)
          continue;
        if (llvm::Error e = checkBlockSupported(
                blockDesc(gateUp, down.plan(), gateUp.name))) {
          llvm::consumeError(std::move(e)); // this bucket runs two kernels
          continue;
        }
        ranges.append({gateUp.mMin, gateUp.mMax});
      }
    }
    if (!ranges.empty())
      func->setAttr(kBlockKernelsAttr,
                    DenseI64ArrayAttr::get(func.getContext(), ranges));
  }
};

} // namespace
