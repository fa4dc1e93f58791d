//===- mlpjit-opt.cpp - mlir-opt with the mlp dialect and passes ----------===//
#include "ToolVersion.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include "mlpjit/Dialect/Mlp/MlpDialect.h"
#include "mlpjit/FileOutput.h"
#include "mlpjit/Transforms/Passes.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  mlpjit::setToolVersionPrinter("mlpjit-opt");
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlpjit::registerMlpTransforms();
  mlir::DialectRegistry registry;
  registry.insert<mlpjit::mlp::MlpDialect, mlir::func::FuncDialect>();
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "mlpjit optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));
  // The result goes through the project's one writer (MlirOptMain's own
  // output file aborts when a write fails, e.g. on a full disk).
  llvm::InitLLVM initLLVM(argc, argv);
  mlpjit::ignoreFileSizeLimitSignal();
  std::string error;
  auto input = mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  if (mlir::failed(mlir::MlirOptMain(os, std::move(input), registry, config)))
    return 1;
  if (outputFile == "-") {
    llvm::outs() << text;
    return mlpjit::finishStandardOutput("mlpjit-opt") ? 0 : 1;
  }
  if (llvm::Error e = mlpjit::writeFileAtomically(outputFile, text)) {
    llvm::errs() << "mlpjit-opt: error: " << llvm::toString(std::move(e))
                 << "\n";
    return 1;
  }
  return 0;
}
