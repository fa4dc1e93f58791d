//===- MlpDialect.td - the mlp dialect ---------------------*- tablegen -*-===//
#ifndef MLPJIT_DIALECT_MLP_DIALECT_TD
#define MLPJIT_DIALECT_MLP_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Mlp_Dialect : Dialect {
  let name = "mlp";
  let summary = "Tensor-level ops of a transformer MLP block";
  let description = [{
    The `mlp` dialect describes the MLP block of a transformer at the level a
    user writes it: linear projections, activations, an elementwise product.
    The graph passes rewrite it into the two-kernel form (a gate/up GEMM with a
    fused GLU epilogue, then the down GEMM) and attach kernel plans.

    Token counts are dynamic (`?`); hidden and intermediate sizes are static.
  }];
  let cppNamespace = "::mlpjit::mlp";
  let useDefaultAttributePrinterParser = 1;
}

class Mlp_Op<string mnemonic, list<Trait> traits = []>
    : Op<Mlp_Dialect, mnemonic, traits>;

class Mlp_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Mlp_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // MLPJIT_DIALECT_MLP_DIALECT_TD
