//===- Timing.h - CUDA-graph timing of device work ------------------------===//
#ifndef MLPJIT_TOOLS_TIMING_H
#define MLPJIT_TOOLS_TIMING_H

#include "mlpjit/Driver.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace mlpjit::harness {

struct TimingResult {
  double medianUs = 0; // per call of `body`
  double minUs = 0, maxUs = 0;
  int samples = 0;
};

/// The tools' default settle (mlpjit-bench and mlpjit-run --settle-ms): long
/// enough for the H200 to reach its capped clock (session 8: 10 and 200
/// timed replays agreed within 2% after it).
constexpr double kDefaultSettleMs = 400;

/// Captures `perGraph` calls body(0..perGraph-1) on `stream` into a CUDA graph
/// (body(i) should use rotation i of its buffers), replays it `warmup` times
/// and then for at least `settleMs` more, then times `reps` replays with
/// events. Per-call time = replay / perGraph. Graph replays keep CPU launch
/// gaps out of the numbers, as triton.testing.do_bench_cudagraph does for the
/// PyTorch peers.
///
/// Why settle: the H200 holds its boost clock (1980 MHz) for the first tens
/// of milliseconds of dense MMA work, then its 700 W power cap pulls it to
/// ~1.4-1.55 GHz (nvidia-smi: clocks_event_reasons sw_power_cap). Without a
/// settle, a short timed loop after an idle gap reads up to 13% faster than
/// the same work in steady state (llama-3-8b M = 1024: 474.6 vs 539.9 us
/// with 10 vs 400 replays), and whichever variant is timed first after the
/// gap gains (docs/performance.md, session 8).
///
/// settleReplays > 0 settles by exactly that many replays of each graph
/// instead of by time: processes whose graphs hold a collective (the
/// tensor-parallel bench) must all replay the same number, and a settle
/// sized from each one's own timings need not agree (one rank left waiting
/// in an all-reduce the others never launch).
llvm::Expected<TimingResult>
timeWithGraph(const Driver &driver, CUstream stream,
              llvm::function_ref<llvm::Error(int)> body, int perGraph,
              int warmup, int reps, double settleMs = 0, int settleReplays = 0);

/// timeWithGraph for several variants at once, for comparing them: one graph
/// per body, the warm-up and settle replay them in turn, and the timed loop
/// replays each once per rep (in a shuffled order), so every variant sees
/// the same clock. Timed one after another instead, two identical programs
/// read up to 23% apart on the H200 (session 12's validation sweep: the
/// clock moves between measurements seconds apart). Results in body order.
/// The bodies are owned callables: an array of function_refs to lambdas
/// written in its initializer would dangle.
llvm::Expected<std::vector<TimingResult>>
timeInterleaved(const Driver &driver, CUstream stream,
                llvm::ArrayRef<std::function<llvm::Error(int)>> bodies,
                int perGraph, int warmup, int reps, double settleMs = 0,
                int settleReplays = 0);

/// The weight copies a timed loop rotates through so that weights of
/// `weightBytes` are read from memory, as in a model whose other layers
/// evict them from the L2, and not from the L2 the previous call filled
/// (session 35: llama-3.2-1b's 32 MiB down GEMM timed at 0.85x its weights'
/// time at the H100's peak DRAM bandwidth): the fewest, a power of two, that
/// hold at least 3x the L2 together (margin for a replacement policy that is
/// not LRU); 1 from 3x the L2 up, at most kMaxWeightCopies.
constexpr int kMaxWeightCopies = 64;
int coldWeightCopies(int64_t weightBytes, int64_t l2Bytes);

/// Median of a sample (copied).
double median(std::vector<double> v);

} // namespace mlpjit::harness

#endif
