//===- ConcatGateUp.cpp - one GEMM for the gate and up projections --------===//
#include "mlpjit/Transforms/Passes.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"
#include "mlpjit/KernelDesc.h"

#include "mlir/IR/Builders.h"

namespace mlpjit {
#define GEN_PASS_DEF_CONCATGATEUP
#include "mlpjit/Transforms/Passes.h.inc"
} // namespace mlpjit

using namespace mlir;
using namespace mlpjit;

namespace {

/// A gated pair: act(gate) * up with gate and up plain linears.
struct GatedPair {
  mlp::LinearOp gate, up;
};

/// Matches `mul` = act(linear a) * linear b (either operand order) where the
/// linears share input, weight type and bias presence, and the linears and
/// the activation have no other users. Anything looser would leave a split
/// half that someone reads unconcatenated, i.e. a materialized copy.
std::optional<GatedPair> matchGatedPair(mlp::MulOp mul) {
  for (int actIndex : {0, 1}) {
    auto act = mul->getOperand(actIndex).getDefiningOp<mlp::ActivationOp>();
    auto up = mul->getOperand(1 - actIndex).getDefiningOp<mlp::LinearOp>();
    if (!act || !up || mlp::soleUser(act.getResult()) != mul)
      continue;
    auto gate = act.getInput().getDefiningOp<mlp::LinearOp>();
    if (!gate || gate == up || mlp::soleUser(gate.getResult()) != act ||
        mlp::soleUser(up.getResult()) != mul)
      continue;
    if (gate.getInput() != up.getInput() ||
        gate.getWeight().getType() != up.getWeight().getType() ||
        bool(gate.getBias()) != bool(up.getBias()) ||
        gate.getResult().getType() != up.getResult().getType())
      continue;
    if (gate.getPlans() || up.getPlans())
      continue; // already planned separately: not ours to change
    return GatedPair{gate, up};
  }
  return std::nullopt;
}

/// The op that comes later in the block, so every operand dominates it.
Operation *later(Operation *a, Operation *b) {
  return a->isBeforeInBlock(b) ? b : a;
}

struct ConcatGateUpPass : mlpjit::impl::ConcatGateUpBase<ConcatGateUpPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<mlp::WeightLayout> kind =
        mlp::symbolizeWeightLayout(layout.getValue());
    if (!kind) {
      getOperation().emitError("mlp-concat-gate-up: layout must be "
                               "'interleaved' or 'stacked', got '")
          << layout.getValue() << "'";
      return signalPassFailure();
    }
    if (blockRows < 0) {
      getOperation().emitError("mlp-concat-gate-up: block-rows must be "
                               "positive (or 0 for the largest block that "
                               "divides N), got ")
          << blockRows.getValue();
      return signalPassFailure();
    }
    if (!isSupportedGateUpBlock(maxBlockRows)) {
      getOperation().emitError("mlp-concat-gate-up: max-block-rows must be "
                               "8, 16, 32 or 64, got ")
          << maxBlockRows.getValue();
      return signalPassFailure();
    }
    SmallVector<GatedPair> pairs;
    getOperation().walk([&](mlp::MulOp mul) {
      if (auto pair = matchGatedPair(mul))
        pairs.push_back(*pair);
    });
    for (GatedPair &pair : pairs)
      rewrite(pair, *kind);
  }

  void rewrite(GatedPair pair, mlp::WeightLayout kind) {
    auto weightType = pair.gate.getWeight().getType();
    int64_t n = weightType.getDimSize(0);
    // Stacked ignores the block, but the attribute is printed: keep it
    // meaningful (1) there.
    int64_t block = 1;
    if (kind == mlp::WeightLayout::interleaved)
      block =
          blockRows != 0 ? int64_t(blockRows) : gateUpBlockFor(n, maxBlockRows);
    if (block == 0 || n % block != 0)
      return;
    if (pair.gate->getBlock() != pair.up->getBlock())
      return;

    OpBuilder b(later(pair.gate, pair.up));
    Location loc =
        FusedLoc::get(b.getContext(), {pair.gate.getLoc(), pair.up.getLoc()});
    auto layoutAttr = mlp::WeightLayoutAttr::get(b.getContext(), kind);
    auto concat = [&](Value g, Value u) {
      auto type = cast<RankedTensorType>(g.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape[0] *= 2;
      return mlp::ConcatWeightsOp::create(
                 b, loc, RankedTensorType::get(shape, type.getElementType()), g,
                 u, layoutAttr, b.getI64IntegerAttr(block))
          .getResult();
    };
    Value weight = concat(pair.gate.getWeight(), pair.up.getWeight());
    Value bias = pair.gate.getBias()
                     ? concat(pair.gate.getBias(), pair.up.getBias())
                     : Value();
    auto half = pair.gate.getResult().getType();
    SmallVector<int64_t> wide(half.getShape());
    wide[1] *= 2;
    auto linear = mlp::LinearOp::create(
        b, loc, RankedTensorType::get(wide, half.getElementType()),
        pair.gate.getInput(), weight, bias, ArrayAttr());
    auto split = mlp::SplitOp::create(b, loc, half, half, linear.getResult(),
                                      layoutAttr, b.getI64IntegerAttr(block));
    // With `act(gate)` written before the up linear, the activation now
    // precedes the split it reads; its only user, the product, comes after
    // both linears, so just before the product is a valid place.
    Operation *act = *pair.gate.getResult().user_begin();
    Operation *mul = *pair.up.getResult().user_begin();
    if (act->isBeforeInBlock(split))
      act->moveBefore(mul);
    pair.gate.getResult().replaceAllUsesWith(split.getGate());
    pair.up.getResult().replaceAllUsesWith(split.getUp());
    pair.gate.erase();
    pair.up.erase();
  }
};

} // namespace
