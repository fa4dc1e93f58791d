//===- Timing.h - CUDA-graph timing of device work ------------------------===//
#ifndef MLPJIT_TOOLS_TIMING_H
#define MLPJIT_TOOLS_TIMING_H

#include "mlpjit/Driver.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace mlpjit::harness {

struct TimingResult {
  double medianUs = 0; // per call of `body`
  double minUs = 0, maxUs = 0;
  int samples = 0;
};

/// Captures `perGraph` calls body(0..perGraph-1) on `stream` into a CUDA graph
/// (body(i) should use rotation i of its buffers), replays it `warmup` times,
/// then times `reps` replays with events. Per-call time = replay / perGraph.
/// Graph replays keep CPU launch gaps out of the numbers, as
/// triton.testing.do_bench_cudagraph does for the PyTorch peers.
llvm::Expected<TimingResult>
timeWithGraph(const Driver &driver, CUstream stream,
              llvm::function_ref<llvm::Error(int)> body, int perGraph,
              int warmup, int reps);

/// Median of a sample (copied).
double median(std::vector<double> v);

} // namespace mlpjit::harness

#endif
