//===- MlpOps.cpp - ops of the mlp dialect --------------------------------===//
#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlpjit::mlp;

bool mlpjit::mlp::isGatedEpilogue(EpilogueKind kind) {
  switch (kind) {
  case EpilogueKind::swiglu:
  case EpilogueKind::geglu_tanh:
  case EpilogueKind::geglu_erf:
  case EpilogueKind::reglu:
    return true;
  default:
    return false;
  }
}

// Indexed by ActivationKind (silu, gelu_tanh, gelu_erf, relu).
static constexpr EpilogueKind kPlainEpilogues[] = {
    EpilogueKind::silu, EpilogueKind::gelu_tanh, EpilogueKind::gelu_erf,
    EpilogueKind::relu};
static constexpr EpilogueKind kGatedEpilogues[] = {
    EpilogueKind::swiglu, EpilogueKind::geglu_tanh, EpilogueKind::geglu_erf,
    EpilogueKind::reglu};
static_assert(std::size(kPlainEpilogues) ==
                  size_t(ActivationKind::relu) + 1 &&
                  std::size(kGatedEpilogues) == size_t(ActivationKind::relu) + 1,
              "an activation without an epilogue");

EpilogueKind mlpjit::mlp::plainEpilogue(ActivationKind kind) {
  return kPlainEpilogues[size_t(kind)];
}

EpilogueKind mlpjit::mlp::gatedEpilogue(ActivationKind kind) {
  return kGatedEpilogues[size_t(kind)];
}

bool FusedLinearOp::isGated() { return isGatedEpilogue(getEpilogue()); }

static bool isSupportedElementType(Type t) { return t.isBF16() || t.isF16(); }

/// Checks the operand/result shapes shared by linear and fused_linear:
/// input [M, K], weight [N, K], bias [N], result [M, N / resultDivisor].
static LogicalResult verifyProjection(Operation *op, RankedTensorType input,
                                      RankedTensorType weight, Value bias,
                                      RankedTensorType result,
                                      int64_t resultDivisor) {
  if (input.getRank() != 2 || weight.getRank() != 2 || result.getRank() != 2)
    return op->emitOpError("expects rank-2 input, weight and result, got ranks ")
           << input.getRank() << ", " << weight.getRank() << ", "
           << result.getRank();
  Type elt = input.getElementType();
  if (!isSupportedElementType(elt))
    return op->emitOpError("element type must be bf16 or f16, got ") << elt;
  if (weight.getElementType() != elt || result.getElementType() != elt)
    return op->emitOpError("input, weight and result must share one element "
                           "type");
  if (weight.isDynamicDim(0) || weight.isDynamicDim(1))
    return op->emitOpError("weight shape must be static, got ") << weight;
  int64_t n = weight.getDimSize(0), k = weight.getDimSize(1);
  if (!input.isDynamicDim(1) && input.getDimSize(1) != k)
    return op->emitOpError("input has K = ")
           << input.getDimSize(1) << " but weight has K = " << k;
  if (n % resultDivisor != 0)
    return op->emitOpError("gated epilogue needs an even number of weight "
                           "rows, got ")
           << n;
  if (!result.isDynamicDim(1) && result.getDimSize(1) != n / resultDivisor)
    return op->emitOpError("result has ")
           << result.getDimSize(1) << " columns, expected " << n / resultDivisor;
  if (!input.isDynamicDim(0) && !result.isDynamicDim(0) &&
      input.getDimSize(0) != result.getDimSize(0))
    return op->emitOpError("result rows (")
           << result.getDimSize(0) << ") differ from input rows ("
           << input.getDimSize(0) << ")";
  if (bias) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != n ||
        biasType.getElementType() != elt)
      return op->emitOpError("bias must be ")
             << RankedTensorType::get({n}, elt) << ", got " << biasType;
  }
  return success();
}

static LogicalResult verifyPlans(Operation *op, std::optional<ArrayAttr> plans) {
  if (!plans)
    return success();
  for (Attribute a : *plans)
    if (!isa<KernelPlanAttr>(a))
      return op->emitOpError("plans must be #mlp.plan attributes, got ") << a;
  return success();
}

LogicalResult LinearOp::verify() {
  if (failed(verifyProjection(*this, getInput().getType(),
                              getWeight().getType(), getBias(),
                              getResult().getType(), 1)))
    return failure();
  return verifyPlans(*this, getPlans());
}

LogicalResult FusedLinearOp::verify() {
  if (getBlockRows() <= 0)
    return emitOpError("block_rows must be positive, got ") << getBlockRows();
  int64_t divisor = isGated() ? 2 : 1;
  if (failed(verifyProjection(*this, getInput().getType(),
                              getWeight().getType(), getBias(),
                              getResult().getType(), divisor)))
    return failure();
  int64_t n = getWeight().getType().getDimSize(0);
  if (isGated() && getLayout() == WeightLayout::interleaved &&
      (n / 2) % getBlockRows() != 0)
    return emitOpError("interleave block of ")
           << getBlockRows() << " rows does not divide " << n / 2;
  return verifyPlans(*this, getPlans());
}

/// Shared by concat_weights and split: the block must divide the half size.
static LogicalResult verifyLayout(Operation *op, WeightLayout layout,
                                  int64_t blockRows, int64_t half) {
  if (blockRows <= 0)
    return op->emitOpError("block_rows must be positive, got ") << blockRows;
  if (layout == WeightLayout::interleaved && half % blockRows != 0)
    return op->emitOpError("interleave block of ")
           << blockRows << " rows does not divide " << half;
  return success();
}

LogicalResult ConcatWeightsOp::verify() {
  auto g = getGate().getType(), u = getUp().getType(), r = getResult().getType();
  if (g != u)
    return emitOpError("gate and up must have the same type, got ")
           << g << " and " << u;
  if (g.getRank() < 1 || g.getRank() > 2 || !g.hasStaticShape())
    return emitOpError("expects static rank-1 (bias) or rank-2 (weight) "
                       "operands, got ")
           << g;
  SmallVector<int64_t> shape(g.getShape());
  shape[0] *= 2;
  if (r.getShape() != ArrayRef<int64_t>(shape) ||
      r.getElementType() != g.getElementType())
    return emitOpError("result must be ")
           << RankedTensorType::get(shape, g.getElementType()) << ", got " << r;
  return verifyLayout(*this, getLayout(), getBlockRows(), g.getDimSize(0));
}

LogicalResult SplitOp::verify() {
  auto in = getInput().getType();
  auto g = getGate().getType(), u = getUp().getType();
  if (g != u)
    return emitOpError("both halves must have the same type");
  if (in.getRank() != 2 || g.getRank() != 2)
    return emitOpError("expects rank-2 tensors");
  if (in.isDynamicDim(1) || in.getDimSize(1) % 2 != 0)
    return emitOpError("split dimension must be static and even, got ") << in;
  if (g.getDimSize(1) != in.getDimSize(1) / 2 ||
      g.getElementType() != in.getElementType() ||
      g.getDimSize(0) != in.getDimSize(0))
    return emitOpError("halves must be ")
           << in.getDimSize(1) / 2 << " columns of the input's rows and type";
  return verifyLayout(*this, getLayout(), getBlockRows(), in.getDimSize(1) / 2);
}

#define GET_OP_CLASSES
#include "mlpjit/Dialect/Mlp/MlpOps.cpp.inc"

/// A group of 1 is legal (the sum of one tensor); the bound matches the
/// spec's `tp` limit.
static LogicalResult verifyRanks(Operation *op, int64_t ranks) {
  if (ranks < 1 || ranks > 1024)
    return op->emitOpError("ranks must be between 1 and 1024, got ") << ranks;
  return success();
}

LogicalResult AllReduceOp::verify() { return verifyRanks(*this, getRanks()); }

LogicalResult ReduceScatterOp::verify() {
  if (failed(verifyRanks(*this, getRanks())))
    return failure();
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (input.getRank() != 2 || result.getRank() != 2)
    return emitOpError("expects rank-2 input and result, got ranks ")
           << input.getRank() << ", " << result.getRank();
  if (input.getElementType() != result.getElementType())
    return emitOpError("input and result must share one element type");
  if (input.getDimSize(1) != result.getDimSize(1))
    return emitOpError("result has ")
           << result.getDimSize(1) << " columns, expected "
           << input.getDimSize(1);
  int64_t ranks = getRanks();
  if (input.isDynamicDim(0))
    return success();
  if (input.getDimSize(0) % ranks != 0)
    return emitOpError("input rows (")
           << input.getDimSize(0) << ") do not split into " << ranks
           << " equal blocks";
  if (!result.isDynamicDim(0) &&
      result.getDimSize(0) != input.getDimSize(0) / ranks)
    return emitOpError("result has ")
           << result.getDimSize(0) << " rows, expected "
           << input.getDimSize(0) / ranks;
  return success();
}
