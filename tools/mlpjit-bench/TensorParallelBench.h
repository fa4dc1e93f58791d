//===- TensorParallelBench.h - mlpjit-bench --tp N ------------------------===//
//
// llama-3-70b's MLP split N ways, one process per GPU: mlpjit's shard MLP +
// NCCL all-reduce (TensorParallelMlp::forward) against the same split on
// cuBLASLt (merged gate-up) + the same all-reduce, checked first, then
// timed with CUDA-graph replays; rank 0 prints the table.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TOOLS_TENSORPARALLELBENCH_H
#define MLPJIT_TOOLS_TENSORPARALLELBENCH_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>

namespace mlpjit::harness {

struct TensorParallelBenchOptions {
  int ranks = 1;
  std::string arch, tuningFile, jsonPath; // "" = default / none
  int warmup = 5, reps = 50;
  double settleMs = 0; // timeWithGraph's settle before each variant
};

/// Forks one process per rank before anything touches CUDA (rank r on GPU
/// r), hands each the NCCL unique id made here, and waits for them; a failed
/// rank stops the others. Returns the exit code.
int runTensorParallelBench(const TensorParallelBenchOptions &options,
                           llvm::ArrayRef<int64_t> tokens);

} // namespace mlpjit::harness

#endif
