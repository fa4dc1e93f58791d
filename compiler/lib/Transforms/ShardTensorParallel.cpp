//===- ShardTensorParallel.cpp - one rank's shard of an N-way MLP ---------===//
//
// Megatron-style split: gate/up column-parallel, down row-parallel, one
// collective at the end. The rewrite propagates a sharding state through the
// function and refuses anything whose meaning it cannot keep.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Transforms/Passes.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"
#include "mlpjit/MlpProgram.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSwitch.h"

namespace mlpjit {
#define GEN_PASS_DEF_SHARDTENSORPARALLEL
#include "mlpjit/Transforms/Passes.h.inc"
} // namespace mlpjit

using namespace mlir;
using namespace mlpjit;

namespace {

/// How one rank's value relates to the unsharded value.
enum class Sharding {
  replicated, // every rank holds all of it
  columns,    // rank r holds columns [r*n/N, (r+1)*n/N) of the last dimension
  partial,    // the unsharded value is the sum over ranks
};

/// The `mlp.shard` of an argument of role `role`; empty for unknown roles.
llvm::StringRef shardOfRole(llvm::StringRef role) {
  return llvm::StringSwitch<llvm::StringRef>(role)
      .Case("x", "replicated")
      .Case("gate", "rows")
      .Case("up", "rows")
      .Case("gate_bias", "rows")
      .Case("up_bias", "rows")
      .Case("down", "cols")
      .Case("down_bias", "first_rank")
      .Default("");
}

struct ShardTensorParallelPass
    : public mlpjit::impl::ShardTensorParallelBase<ShardTensorParallelPass> {
  using ShardTensorParallelBase::ShardTensorParallelBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    int64_t ranks = tp;
    auto attr = func->getAttrOfType<IntegerAttr>("mlp.tensor_parallel");
    if (ranks == 0)
      ranks = attr ? attr.getInt() : 1;
    if (ranks < 1 || ranks > MlpProgram::kMaxTensorParallel) {
      func.emitError("mlp-shard-tensor-parallel: degree must be between 1 "
                     "and ")
          << MlpProgram::kMaxTensorParallel << ", got " << ranks;
      return signalPassFailure();
    }
    if (output != "all-reduce" && output != "reduce-scatter") {
      func.emitError("mlp-shard-tensor-parallel: output must be all-reduce "
                     "or reduce-scatter, got '")
          << output << "'";
      return signalPassFailure();
    }
    if (isSharded(func)) {
      // Idempotent for the same degree, so the pipeline can run on IR that
      // was sharded by hand or by an earlier run.
      if (attr && attr.getInt() != ranks && tp != 0) {
        func.emitError("mlp-shard-tensor-parallel: function is already "
                       "sharded ")
            << attr.getInt() << " ways, asked for " << ranks;
        return signalPassFailure();
      }
      return;
    }
    if (ranks == 1)
      return;
    if (failed(shard(func, ranks)))
      return signalPassFailure();
  }

  static bool isSharded(func::FuncOp func) {
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      if (func.getArgAttr(i, "mlp.shard"))
        return true;
    return false;
  }

  LogicalResult shard(func::FuncOp func, int64_t ranks) {
    if (!func.getBody().hasOneBlock())
      return func.emitError("mlp-shard-tensor-parallel: expects a function "
                            "with one block");
    Block &entry = func.getBody().front();
    Builder b(func.getContext());
    llvm::DenseMap<Value, Sharding> state;

    // Arguments: slice by role.
    for (BlockArgument arg : entry.getArguments()) {
      unsigned index = arg.getArgNumber();
      auto role = func.getArgAttrOfType<StringAttr>(index, "mlp.role");
      llvm::StringRef shard = role ? shardOfRole(role.getValue()) : "";
      if (shard.empty())
        return func.emitError("mlp-shard-tensor-parallel: argument #")
               << index << " needs an mlp.role of x, gate, up, down, "
               << "gate_bias, up_bias or down_bias";
      auto type = cast<RankedTensorType>(arg.getType());
      SmallVector<int64_t> shape(type.getShape());
      int64_t dim = shard == "rows" ? 0 : shard == "cols" ? 1 : -1;
      if (dim >= 0) {
        if (dim >= type.getRank() || ShapedType::isDynamic(shape[dim]) ||
            shape[dim] % ranks != 0)
          return func.emitError("mlp-shard-tensor-parallel: ")
                 << role.getValue() << " " << type << " does not split "
                 << ranks << " ways along dimension " << dim;
        shape[dim] /= ranks;
        arg.setType(type.clone(shape));
      }
      func.setArgAttr(index, "mlp.shard", b.getStringAttr(shard));
      // Weights and biases are read through their mlp.shard below; their
      // state only keeps them from passing for replicated data.
      state[arg] = shard == "replicated"   ? Sharding::replicated
                   : shard == "first_rank" ? Sharding::partial
                                           : Sharding::columns;
    }

    auto stateOf = [&](Value v) { return state.lookup(v); };
    auto weightShard = [&](Value w) -> llvm::StringRef {
      auto arg = dyn_cast<BlockArgument>(w);
      if (!arg)
        return "";
      auto s =
          func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "mlp.shard");
      return s ? s.getValue() : "";
    };

    for (Operation &op : llvm::make_early_inc_range(entry)) {
      if (auto linear = dyn_cast<mlp::LinearOp>(op)) {
        llvm::StringRef w = weightShard(linear.getWeight());
        llvm::StringRef bias =
            linear.getBias() ? weightShard(linear.getBias()) : "";
        Sharding in = stateOf(linear.getInput());
        Sharding out;
        if (w == "rows" && in == Sharding::replicated &&
            (!linear.getBias() || bias == "rows"))
          out = Sharding::columns; // column-parallel
        else if (w == "cols" && in == Sharding::columns &&
                 (!linear.getBias() || bias == "first_rank"))
          out = Sharding::partial; // row-parallel
        else
          return linear.emitError("mlp-shard-tensor-parallel: cannot split "
                                  "this linear (needs x with a gate/up "
                                  "weight, or the gated product with the down "
                                  "weight)");
        auto weight = cast<RankedTensorType>(linear.getWeight().getType());
        auto result = cast<RankedTensorType>(linear.getType());
        linear.getResult().setType(
            result.clone({result.getDimSize(0), weight.getDimSize(0)}));
        state[linear.getResult()] = out;
        continue;
      }
      if (auto act = dyn_cast<mlp::ActivationOp>(op)) {
        if (stateOf(act.getInput()) == Sharding::partial)
          return act.emitError("mlp-shard-tensor-parallel: activation of a "
                               "partial sum");
        act.getResult().setType(act.getInput().getType());
        state[act.getResult()] = stateOf(act.getInput());
        continue;
      }
      if (auto mul = dyn_cast<mlp::MulOp>(op)) {
        Sharding lhs = stateOf(mul.getLhs()), rhs = stateOf(mul.getRhs());
        if (lhs != rhs || lhs == Sharding::partial)
          return mul.emitError("mlp-shard-tensor-parallel: product of "
                               "differently split operands");
        mul.getResult().setType(mul.getLhs().getType());
        state[mul.getResult()] = lhs;
        continue;
      }
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        if (ret.getNumOperands() != 1 ||
            stateOf(ret.getOperand(0)) != Sharding::partial)
          return ret.emitError("mlp-shard-tensor-parallel: expects one "
                               "result, the output of the down linear");
        Value partialResult = ret.getOperand(0);
        OpBuilder builder(ret);
        Value combined;
        auto type = cast<RankedTensorType>(partialResult.getType());
        if (output == "all-reduce") {
          combined = mlp::AllReduceOp::create(builder, ret.getLoc(),
                                              partialResult, ranks);
        } else {
          auto rows = type.isDynamicDim(0) ? ShapedType::kDynamic
                                           : type.getDimSize(0) / ranks;
          combined = mlp::ReduceScatterOp::create(
              builder, ret.getLoc(), type.clone({rows, type.getDimSize(1)}),
              partialResult, ranks);
        }
        ret->setOperand(0, combined);
        continue;
      }
      return op.emitError("mlp-shard-tensor-parallel: cannot split '")
             << op.getName()
             << "' (the pass runs before mlp-concat-gate-up, on linear, "
                "activation and mul)";
    }
    func.setType(FunctionType::get(func.getContext(), entry.getArgumentTypes(),
                                   entry.getTerminator()->getOperandTypes()));
    func->setAttr("mlp.tensor_parallel", b.getI64IntegerAttr(ranks));
    return success();
  }
};

} // namespace
