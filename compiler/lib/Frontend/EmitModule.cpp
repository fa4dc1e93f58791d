//===- EmitModule.cpp - MlpSpec -> the textbook MLP in the mlp dialect ----===//
#include "mlpjit/Frontend/EmitModule.h"

#include "mlpjit/Dialect/Mlp/MlpDialect.h"
#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/StringSet.h"

using namespace mlpjit;

namespace {

/// The function's location: the spec's "file:line" when it has one.
mlir::Location locationOf(mlir::MLIRContext &context, const MlpSpec &spec) {
  llvm::StringRef file = spec.source;
  unsigned line = 0;
  auto [head, tail] = file.rsplit(':');
  if (!tail.empty() && !tail.getAsInteger(10, line)) {
    file = head;
  }
  if (file.empty())
    return mlir::NameLoc::get(mlir::StringAttr::get(&context, spec.name));
  return mlir::FileLineColLoc::get(&context, file, line, 1);
}

/// The activation op's kind for `a` (the gate's, for gated activations).
mlp::ActivationKind pointwiseKind(Activation a) {
  // Indexed by Activation: swiglu, geglu_tanh, geglu_erf, reglu, gelu_tanh,
  // gelu_erf, relu, silu.
  static constexpr mlp::ActivationKind kKinds[] = {
      mlp::ActivationKind::silu,      mlp::ActivationKind::gelu_tanh,
      mlp::ActivationKind::gelu_erf,  mlp::ActivationKind::relu,
      mlp::ActivationKind::gelu_tanh, mlp::ActivationKind::gelu_erf,
      mlp::ActivationKind::relu,      mlp::ActivationKind::silu};
  static_assert(std::size(kKinds) == size_t(Activation::silu) + 1,
                "an activation without a kind");
  return kKinds[size_t(a)];
}

void emitFunction(mlir::OpBuilder &b, const MlpSpec &spec) {
  mlir::MLIRContext *context = b.getContext();
  mlir::Location loc = locationOf(*context, spec);
  mlir::Type element = spec.dtype == DType::bf16 ? mlir::Type(b.getBF16Type())
                                                 : mlir::Type(b.getF16Type());
  int64_t h = spec.hidden, i = spec.intermediate;
  auto tensor = [&](llvm::ArrayRef<int64_t> shape) {
    return mlir::RankedTensorType::get(shape, element);
  };
  const int64_t dyn = mlir::ShapedType::kDynamic;
  bool gated = isGated(spec.activation);

  // Arguments in order, each with its role.
  llvm::SmallVector<std::pair<llvm::StringRef, mlir::Type>> args;
  args.push_back({"x", tensor({dyn, h})});
  if (gated)
    args.push_back({"gate", tensor({i, h})});
  args.push_back({"up", tensor({i, h})});
  args.push_back({"down", tensor({h, i})});
  if (spec.bias) {
    if (gated)
      args.push_back({"gate_bias", tensor({i})});
    args.push_back({"up_bias", tensor({i})});
    args.push_back({"down_bias", tensor({h})});
  }
  llvm::SmallVector<mlir::Type> argTypes;
  for (auto &arg : args)
    argTypes.push_back(arg.second);
  mlir::Type resultType = tensor({dyn, h});

  auto func = mlir::func::FuncOp::create(
      b, loc, spec.funcName(), b.getFunctionType(argTypes, resultType));
  for (auto [index, arg] : llvm::enumerate(args))
    func.setArgAttr(index, "mlp.role", b.getStringAttr(arg.first));
  func->setAttr("mlp.token_range",
                b.getDenseI64ArrayAttr({spec.tokensMin, spec.tokensMax}));
  if (!spec.arch.empty())
    func->setAttr("mlp.arch", b.getStringAttr(spec.arch));
  if (spec.packedGateUp)
    func->setAttr("mlp.packed_gate_up", b.getUnitAttr());
  // The textbook (unsharded) block; mlp-shard-tensor-parallel splits it.
  if (spec.tensorParallel > 1)
    func->setAttr("mlp.tensor_parallel",
                  b.getI64IntegerAttr(spec.tensorParallel));

  mlir::Block *entry = func.addEntryBlock();
  mlir::OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(entry);
  llvm::StringMap<mlir::Value> byRole;
  for (auto [index, arg] : llvm::enumerate(args))
    byRole[arg.first] = entry->getArgument(index);
  auto bias = [&](llvm::StringRef role) {
    return spec.bias ? byRole[role] : mlir::Value();
  };
  auto linear = [&](mlir::Value input, llvm::StringRef weight,
                    llvm::StringRef biasRole, int64_t n) {
    return mlp::LinearOp::create(b, loc, tensor({dyn, n}), input,
                                 byRole[weight], bias(biasRole),
                                 mlir::ArrayAttr())
        .getResult();
  };

  mlir::Value x = byRole["x"];
  mlp::ActivationKind kind = pointwiseKind(spec.activation);
  mlir::Value hiddenActs;
  if (gated) {
    mlir::Value g = linear(x, "gate", "gate_bias", i);
    mlir::Value u = linear(x, "up", "up_bias", i);
    mlir::Value a = mlp::ActivationOp::create(b, loc, kind, g).getResult();
    hiddenActs = mlp::MulOp::create(b, loc, a, u).getResult();
  } else {
    mlir::Value u = linear(x, "up", "up_bias", i);
    hiddenActs = mlp::ActivationOp::create(b, loc, kind, u).getResult();
  }
  mlir::Value y = linear(hiddenActs, "down", "down_bias", h);
  mlir::func::ReturnOp::create(b, loc, y);
}

} // namespace

mlir::OwningOpRef<mlir::ModuleOp>
mlpjit::emitModule(mlir::MLIRContext &context, llvm::ArrayRef<MlpSpec> specs) {
  context.loadDialect<mlp::MlpDialect, mlir::func::FuncDialect>();
  mlir::OpBuilder b(&context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(b.getUnknownLoc());
  b.setInsertionPointToEnd(module->getBody());
  llvm::StringSet<> names;
  for (const MlpSpec &spec : specs) {
    if (llvm::Error err = validateSpec(spec)) {
      mlir::emitError(locationOf(context, spec))
          << llvm::toString(std::move(err));
      return nullptr;
    }
    if (!names.insert(spec.funcName()).second) {
      mlir::emitError(locationOf(context, spec))
          << "two specs become the function @" << spec.funcName();
      return nullptr;
    }
    emitFunction(b, spec);
  }
  if (mlir::failed(mlir::verify(*module)))
    return nullptr;
  return module;
}
