//===- TargetGpuFlags.h - --sm-count and --memory-gbs -----------*- C++ -*-===//
//
// The GPU a tool plans for (CompileOptions::smCount/memoryGBs; docs/passes.md,
// "Other GPUs"), one definition for mlpjit-dump and mlpjit-compile. A tool
// declares one TargetGpuFlags at namespace scope, before parsing its command
// line.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TOOLS_TARGETGPUFLAGS_H
#define MLPJIT_TOOLS_TARGETGPUFLAGS_H

#include "mlpjit/Pipeline/Compile.h"

#include "llvm/Support/CommandLine.h"

namespace mlpjit {

struct TargetGpuFlags {
  llvm::cl::opt<int> smCount{
      "sm-count",
      llvm::cl::desc("plan for a GPU with this many SMs (default: the GPU's "
                     "when it is the target, else the H200's 132)"),
      llvm::cl::init(0)};
  llvm::cl::opt<double> memoryGBs{
      "memory-gbs",
      llvm::cl::desc("plan for a GPU with this peak DRAM bandwidth, GB/s "
                     "(default: the GPU's when it is the target, else the "
                     "H200's)"),
      llvm::cl::init(0)};

  void applyTo(CompileOptions &options) const {
    options.smCount = smCount;
    options.memoryGBs = memoryGBs;
  }
};

} // namespace mlpjit

#endif // MLPJIT_TOOLS_TARGETGPUFLAGS_H
