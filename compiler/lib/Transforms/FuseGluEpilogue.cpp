//===- FuseGluEpilogue.cpp - activation (and gating) into the GEMM --------===//
#include "mlpjit/Transforms/Passes.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/IR/Builders.h"

namespace mlpjit {
#define GEN_PASS_DEF_FUSEGLUEPILOGUE
#include "mlpjit/Transforms/Passes.h.inc"
} // namespace mlpjit

using namespace mlir;
using namespace mlpjit;

namespace {

/// mul(act(split.gate), split.up) with split(linear): everything between the
/// linear and the mul used once, by the next op of the pattern.
LogicalResult fuseGated(mlp::MulOp mul) {
  for (int actIndex : {0, 1}) {
    auto act = mul->getOperand(actIndex).getDefiningOp<mlp::ActivationOp>();
    Value upHalf = mul->getOperand(1 - actIndex);
    auto split = upHalf.getDefiningOp<mlp::SplitOp>();
    if (!act || !split || mlp::soleUser(act.getResult()) != mul)
      continue;
    // The activation must read the gate half of the same split.
    if (act.getInput() != split.getGate() || upHalf != split.getUp())
      continue;
    if (mlp::soleUser(split.getGate()) != act ||
        mlp::soleUser(split.getUp()) != mul)
      continue;
    auto linear = split.getInput().getDefiningOp<mlp::LinearOp>();
    if (!linear || mlp::soleUser(linear.getResult()) != split ||
        linear.getPlans())
      continue;

    OpBuilder b(mul);
    Location loc =
        FusedLoc::get(b.getContext(), {linear.getLoc(), split.getLoc(),
                                       act.getLoc(), mul.getLoc()});
    auto fused = mlp::FusedLinearOp::create(
        b, loc, mul.getType(), linear.getInput(), linear.getWeight(),
        linear.getBias(),
        mlp::EpilogueKindAttr::get(b.getContext(),
                                   mlp::gatedEpilogue(act.getKind())),
        split.getLayoutAttr(), split.getBlockRowsAttr(), ArrayAttr());
    mul.getResult().replaceAllUsesWith(fused.getResult());
    mul.erase();
    act.erase();
    split.erase();
    linear.erase();
    return success();
  }
  return failure();
}

/// act(linear) where the activation is the linear's only user.
LogicalResult fusePlain(mlp::ActivationOp act) {
  auto linear = act.getInput().getDefiningOp<mlp::LinearOp>();
  if (!linear || mlp::soleUser(linear.getResult()) != act || linear.getPlans())
    return failure();
  OpBuilder b(act);
  Location loc = FusedLoc::get(b.getContext(), {linear.getLoc(), act.getLoc()});
  auto fused = mlp::FusedLinearOp::create(
      b, loc, act.getType(), linear.getInput(), linear.getWeight(),
      linear.getBias(),
      mlp::EpilogueKindAttr::get(b.getContext(),
                                 mlp::plainEpilogue(act.getKind())),
      mlp::WeightLayoutAttr::get(b.getContext(), mlp::WeightLayout::stacked),
      b.getI64IntegerAttr(1), ArrayAttr());
  act.getResult().replaceAllUsesWith(fused.getResult());
  act.erase();
  linear.erase();
  return success();
}

struct FuseGluEpiloguePass
    : mlpjit::impl::FuseGluEpilogueBase<FuseGluEpiloguePass> {
  using Base::Base;

  void runOnOperation() override {
    // Gated first: its activation must not be taken by the plain pattern
    // (it cannot be, its input is a split, but the order documents intent).
    SmallVector<mlp::MulOp> muls;
    getOperation().walk([&](mlp::MulOp mul) { muls.push_back(mul); });
    for (mlp::MulOp mul : muls)
      (void)fuseGated(mul);
    SmallVector<mlp::ActivationOp> acts;
    getOperation().walk([&](mlp::ActivationOp act) { acts.push_back(act); });
    for (mlp::ActivationOp act : acts)
      (void)fusePlain(act);
  }
};

} // namespace
