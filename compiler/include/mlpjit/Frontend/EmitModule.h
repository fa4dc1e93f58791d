//===- EmitModule.h - MlpSpec -> the textbook MLP in the mlp dialect ------===//
#ifndef MLPJIT_FRONTEND_EMITMODULE_H
#define MLPJIT_FRONTEND_EMITMODULE_H

#include "mlpjit/Frontend/MlpSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlpjit {

/// One func.func per spec, named spec.funcName(), in the form a user would
/// write it: gate, up, activation, mul and down for gated activations; up,
/// activation and down for plain ones. Arguments carry `mlp.role` ("x",
/// "gate", "up", "down", "gate_bias", "up_bias", "down_bias"); the function
/// carries `mlp.token_range` and, when the spec names one, `mlp.arch`, and
/// `mlp.packed_gate_up` when the weights come packed. Loads the mlp and func
/// dialects. Returns null, with an error emitted on the context, for an
/// invalid spec (validateSpec) or if the module fails to verify.
mlir::OwningOpRef<mlir::ModuleOp> emitModule(mlir::MLIRContext &context,
                                             llvm::ArrayRef<MlpSpec> specs);

} // namespace mlpjit

#endif // MLPJIT_FRONTEND_EMITMODULE_H
