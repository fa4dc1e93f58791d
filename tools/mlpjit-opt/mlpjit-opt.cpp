//===- mlpjit-opt.cpp - mlir-opt with the mlp dialect and passes ----------===//
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include "mlpjit/Dialect/Mlp/MlpDialect.h"
#include "mlpjit/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlpjit::registerMlpTransforms();
  mlir::DialectRegistry registry;
  registry.insert<mlpjit::mlp::MlpDialect, mlir::func::FuncDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "mlpjit optimizer driver\n", registry));
}
