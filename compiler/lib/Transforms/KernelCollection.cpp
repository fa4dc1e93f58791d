//===- KernelCollection.cpp - planned IR -> runtime KernelDescs -----------===//
#include "mlpjit/Transforms/KernelCollection.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"

using namespace mlir;
using namespace mlpjit;

namespace {

llvm::Error collectError(func::FuncOp func, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "@" + func.getSymName() + ": " + msg);
}

DType dtypeOf(RankedTensorType type) {
  return type.getElementType().isBF16() ? DType::bf16 : DType::f16;
}

/// Appends one KernelDesc per plan of `op`.
llvm::Error appendKernels(func::FuncOp func, Operation *op, KernelRole role,
                          Epilogue epilogue, int64_t interleaveRows,
                          std::vector<KernelDesc> &out) {
  auto plans = op->getAttrOfType<ArrayAttr>("plans");
  if (!plans || plans.empty())
    return collectError(func, "'" + op->getName().getStringRef() +
                                  "' has no kernel plans; run "
                                  "mlp-plan-kernels first");
  auto weight = cast<RankedTensorType>(op->getOperand(1).getType());
  bool hasBias = op->getNumOperands() > 2;
  std::string arch = "sm_90a";
  if (auto a = func->getAttrOfType<StringAttr>("mlp.arch"))
    arch = a.str();
  std::vector<KernelPlan> planned;
  for (Attribute attr : plans)
    planned.push_back(planOf(cast<mlp::KernelPlanAttr>(attr)));
  for (const KernelPlan &plan : planned) {
    KernelDesc d;
    d.plan() = plan;
    // Token ranges planned alike share one kernel, named for the first and
    // last token it serves: compiled and cached once (the planner gives a
    // GEMM 30-70 ranges and a third as many distinct plans).
    int64_t first = plan.mMin, last = plan.mMax;
    for (const KernelPlan &other : planned)
      if (other.sameConstants(plan)) {
        first = std::min(first, other.mMin);
        last = std::max(last, other.mMax);
      }
    d.name = (func.getSymName() + "_" + toString(role) + "_m" +
              llvm::Twine(first) + "_" + llvm::Twine(last))
                 .str();
    d.arch = arch;
    d.role = role;
    d.epilogue = epilogue;
    d.dtype = dtypeOf(weight);
    d.hasBias = hasBias;
    d.n = weight.getDimSize(0);
    d.k = weight.getDimSize(1);
    d.interleaveRows = interleaveRows;
    out.push_back(std::move(d));
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::vector<KernelDesc>>
mlpjit::collectKernels(ModuleOp module) {
  std::vector<KernelDesc> kernels;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    SmallVector<Operation *> gemms;
    for (Operation &op : func.getBody().getOps()) {
      if (isa<mlp::LinearOp, mlp::FusedLinearOp>(op)) {
        gemms.push_back(&op);
        continue;
      }
      // Weight concatenation is done once, when the weights are loaded;
      // tensor-parallel collectives are the runtime's NCCL calls.
      if (isa<mlp::ConcatWeightsOp, mlp::AllReduceOp, mlp::ReduceScatterOp,
              func::ReturnOp>(op))
        continue;
      return collectError(func, "'" + op.getName().getStringRef() +
                                    "' is left after the pipeline (not "
                                    "fused into a GEMM epilogue: see "
                                    "docs/passes.md for when the passes "
                                    "leave IR alone); only GEMM kernels can "
                                    "run");
    }
    auto first = gemms.empty() ? mlp::FusedLinearOp()
                               : dyn_cast<mlp::FusedLinearOp>(gemms.front());
    if (gemms.size() != 2 || !first || !isa<mlp::LinearOp>(gemms.back()) ||
        gemms.back()->getOperand(0) != first.getResult())
      return collectError(func, "expected a fused_linear feeding the down "
                                "linear, found " +
                                    llvm::Twine(gemms.size()) + " GEMM ops");
    auto epilogue = static_cast<Epilogue>(first.getEpilogue());
    int64_t rows = first.isGated() ? first.getBlockRows() : 0;
    if (first.isGated() && first.getLayout() != mlp::WeightLayout::interleaved)
      return collectError(func, "the runtime expects interleaved gate/up "
                                "weights");
    if (llvm::Error e = appendKernels(func, first, KernelRole::gate_up,
                                      epilogue, rows, kernels))
      return e;
    if (llvm::Error e = appendKernels(func, gemms.back(), KernelRole::down,
                                      Epilogue::none, 0, kernels))
      return e;
  }
  return kernels;
}

mlp::KernelPlanAttr mlpjit::planAttr(MLIRContext *context,
                                     const KernelPlan &p) {
  return mlp::KernelPlanAttr::get(context, p.templateName, p.mMin, p.mMax,
                                  p.tileM, p.tileN, p.tileK, p.stages,
                                  p.clusterM, p.clusterN, p.splitK, p.swapAB);
}

KernelPlan mlpjit::planOf(mlp::KernelPlanAttr attr) {
  KernelPlan p;
  p.templateName = attr.getTemplateName().str();
  p.mMin = attr.getMMin();
  p.mMax = attr.getMMax();
  p.tileM = attr.getTileM();
  p.tileN = attr.getTileN();
  p.tileK = attr.getTileK();
  p.stages = attr.getStages();
  p.clusterM = attr.getClusterM();
  p.clusterN = attr.getClusterN();
  p.splitK = attr.getSplitK();
  p.swapAB = attr.getSwapAB();
  return p;
}

llvm::Expected<MlpShape> mlpjit::describeFunc(func::FuncOp func) {
  auto fail = [&](const llvm::Twine &msg) -> llvm::Error {
    return collectError(func, msg);
  };
  SmallVector<Operation *> gemms;
  mlp::ActivationKind act = mlp::ActivationKind::silu;
  bool sawActivation = false, sawMul = false;
  func.walk([&](Operation *op) {
    if (isa<mlp::LinearOp, mlp::FusedLinearOp>(op))
      gemms.push_back(op);
    if (auto a = dyn_cast<mlp::ActivationOp>(op)) {
      act = a.getKind();
      sawActivation = true;
    }
    if (isa<mlp::MulOp>(op))
      sawMul = true;
  });
  if (gemms.empty() || func.getNumArguments() == 0)
    return fail("no GEMM");
  auto x = dyn_cast<RankedTensorType>(func.getArgument(0).getType());
  Operation *down = gemms.back();
  if (!x || x.getRank() != 2 || !isa<mlp::LinearOp>(down))
    return fail("expected x as the first argument and a down linear last");
  auto downWeight = cast<RankedTensorType>(down->getOperand(1).getType());
  MlpShape shape;
  shape.hidden = x.getDimSize(1);
  shape.intermediate = downWeight.getDimSize(1);
  shape.dtype = dtypeOf(x);
  shape.bias = down->getNumOperands() > 2;
  if (auto fused = dyn_cast<mlp::FusedLinearOp>(gemms.front())) {
    shape.epilogue = static_cast<Epilogue>(fused.getEpilogue());
    return shape;
  }
  if (!sawActivation)
    return fail("no activation");
  shape.epilogue = static_cast<Epilogue>(sawMul ? mlp::gatedEpilogue(act)
                                                : mlp::plainEpilogue(act));
  return shape;
}
