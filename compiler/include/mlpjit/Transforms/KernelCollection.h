//===- KernelCollection.h - planned IR -> runtime KernelDescs ---*- C++ -*-===//
#ifndef MLPJIT_TRANSFORMS_KERNELCOLLECTION_H
#define MLPJIT_TRANSFORMS_KERNELCOLLECTION_H

#include "mlpjit/Dialect/Mlp/MlpDialect.h"
#include "mlpjit/KernelDesc.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <vector>

namespace mlpjit {

/// One KernelDesc per plan of every planned GEMM, function by function, in
/// IR order. Each function must be the two-GEMM form the default pipeline
/// makes: a fused_linear (role gate_up) feeding a linear (role down), both
/// planned, nothing else but func.return and weight concatenation. Names are
/// `<func>_<gate_up|down>_m<mMin>_<mMax>`. An error names the function and
/// what is left unfused or unplanned.
llvm::Expected<std::vector<KernelDesc>> collectKernels(mlir::ModuleOp module);

/// The one conversion between the #mlp.plan attribute and KernelPlan.
mlp::KernelPlanAttr planAttr(mlir::MLIRContext *context,
                             const KernelPlan &plan);
KernelPlan planOf(mlp::KernelPlanAttr attr);

/// The MLP's shape as read back from a function of the mlp dialect (before
/// or after the pipeline): hidden = columns of x, intermediate = columns
/// of the down weight, the first GEMM's epilogue, bias and element type.
struct MlpShape {
  int64_t hidden = 0, intermediate = 0;
  Epilogue epilogue = Epilogue::none;
  bool bias = false;
  DType dtype = DType::bf16;
};
llvm::Expected<MlpShape> describeFunc(mlir::func::FuncOp func);

} // namespace mlpjit

#endif // MLPJIT_TRANSFORMS_KERNELCOLLECTION_H
