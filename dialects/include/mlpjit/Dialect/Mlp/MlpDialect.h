//===- MlpDialect.h - the mlp dialect ---------------------------*- C++ -*-===//
#ifndef MLPJIT_DIALECT_MLP_MLPDIALECT_H
#define MLPJIT_DIALECT_MLP_MLPDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "mlpjit/Dialect/Mlp/MlpOpsDialect.h.inc"

#include "mlpjit/Dialect/Mlp/MlpEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "mlpjit/Dialect/Mlp/MlpAttrs.h.inc"

#endif // MLPJIT_DIALECT_MLP_MLPDIALECT_H
