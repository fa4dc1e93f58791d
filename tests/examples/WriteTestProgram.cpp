//===- WriteTestProgram.cpp - a real program file for the embed example ---===//
//
//   mlpjit-write-test-program <out.json>
//
// Compiles the small hand-planned block of tests/runtime/TestPrograms.h with
// codegen (for GPU 0's arch when there is one, else sm_90a) and writes it as
// a program file, so the installed-tree example runs real kernels.
//
//===----------------------------------------------------------------------===//
#include "TestPrograms.h"

#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/Module.h"
#include "mlpjit/ProgramFile.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlpjit;

int main(int argc, char **argv) {
  if (argc != 2) {
    llvm::errs() << "usage: mlpjit-write-test-program <out.json>\n";
    return 2;
  }
  std::string arch = "sm_90a";
  if (auto context = DeviceContext::create(0))
    arch = (*context)->arch();
  else
    llvm::consumeError(context.takeError());
  MlpProgram p = testing::makeProgram(testing::BlockShape{}, arch);
  for (KernelArtifact &k : p.kernels) {
    auto compiled = codegen::compileKernel(k.desc, nullptr);
    if (!compiled) {
      llvm::errs() << llvm::toString(compiled.takeError()) << "\n";
      return 1;
    }
    k.ptx = compiled->ptx;
  }
  if (auto e = writeProgramFile(p, argv[1])) {
    llvm::errs() << llvm::toString(std::move(e)) << "\n";
    return 1;
  }
  return 0;
}
