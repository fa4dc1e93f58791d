//===- mlpjit-dump.cpp - print any stage of the compiler for a spec -------===//
//
//   mlpjit-dump FILE --stage=input
//
// FILE is a .mlp spec or a Hugging Face config.json. One function per stage;
// main() dispatches on --stage. Errors go to stderr and exit with 1.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Frontend/EmitModule.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlpjit;

namespace {

enum class Stage { input };

llvm::cl::opt<std::string>
    inputFile(llvm::cl::Positional, llvm::cl::Required,
              llvm::cl::desc("<spec.mlp | config.json>"));
llvm::cl::opt<Stage>
    stage("stage", llvm::cl::desc("What to print"),
          llvm::cl::init(Stage::input),
          llvm::cl::values(clEnumValN(Stage::input, "input",
                                      "the textbook MLP as mlp dialect IR")));

/// Stage `input`: the module emitMlp builds, as MLIR text.
int dumpInput(llvm::ArrayRef<MlpSpec> specs) {
  mlir::MLIRContext context;
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    llvm::raw_string_ostream os(diagnostics);
    os << d.getLocation() << ": error: " << d << "\n";
    return mlir::success();
  });
  auto module = emitModule(context, specs);
  if (!module) {
    llvm::errs() << "mlpjit-dump: emitting MLIR failed:\n" << diagnostics;
    return 1;
  }
  module->print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "mlpjit-dump: print a compiler stage\n");
  auto specs = loadSpecFile(inputFile, &llvm::errs());
  if (!specs) {
    llvm::errs() << llvm::toString(specs.takeError()) << "\n";
    return 1;
  }
  switch (stage) {
  case Stage::input:
    return dumpInput(*specs);
  }
  return 1;
}
