//===- MlpOps.h - ops of the mlp dialect ------------------------*- C++ -*-===//
#ifndef MLPJIT_DIALECT_MLP_MLPOPS_H
#define MLPJIT_DIALECT_MLP_MLPOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mlpjit/Dialect/Mlp/MlpDialect.h"

#define GET_OP_CLASSES
#include "mlpjit/Dialect/Mlp/MlpOps.h.inc"

namespace mlpjit::mlp {
/// True for epilogues that read a (gate, up) column pair and write one column.
bool isGatedEpilogue(EpilogueKind kind);
/// The epilogue of act(acc) (silu -> silu, ...) and of act(gate) * up
/// (silu -> swiglu, ...) for activation `kind`.
EpilogueKind plainEpilogue(ActivationKind kind);
EpilogueKind gatedEpilogue(ActivationKind kind);
/// The single user of `v`, or null: the passes fuse only values read once.
inline mlir::Operation *soleUser(mlir::Value v) {
  return v.hasOneUse() ? *v.user_begin() : nullptr;
}
} // namespace mlpjit::mlp

#endif // MLPJIT_DIALECT_MLP_MLPOPS_H
