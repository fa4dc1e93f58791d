//===- Timing.cpp ---------------------------------------------------------===//
#include "Timing.h"

#include <algorithm>
#include <string>

using namespace mlpjit;
using namespace mlpjit::harness;

double mlpjit::harness::median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

llvm::Expected<TimingResult>
mlpjit::harness::timeWithGraph(const Driver &d, CUstream stream,
                               llvm::function_ref<llvm::Error(int)> body,
                               int perGraph, int warmup, int reps,
                               double settleMs) {
  if (perGraph < 1 || reps < 1 || warmup < 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "timing needs at least one call per graph and one timed replay "
        "(got " +
            std::to_string(perGraph) + " calls, " + std::to_string(reps) +
            " replays, " + std::to_string(warmup) + " warm-up replays)");
  CUgraph graph = nullptr;
  CUgraphExec exec = nullptr;
  CUevent start = nullptr, stop = nullptr;
  auto cleanup = [&] {
    if (exec)
      d.cuGraphExecDestroy(exec);
    if (graph)
      d.cuGraphDestroy(graph);
    if (start)
      d.cuEventDestroy(start);
    if (stop)
      d.cuEventDestroy(stop);
  };
  auto fail = [&](llvm::Error e) -> llvm::Expected<TimingResult> {
    cleanup();
    return e;
  };
  if (auto e = d.check(d.cuStreamBeginCapture(stream,
                                              CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                       "cuStreamBeginCapture"))
    return fail(std::move(e));
  llvm::Error bodyErr = llvm::Error::success();
  for (int i = 0; i < perGraph && !bodyErr; ++i)
    bodyErr = body(i);
  CUresult endRes = d.cuStreamEndCapture(stream, &graph);
  if (bodyErr)
    return fail(std::move(bodyErr));
  if (auto e = d.check(endRes, "cuStreamEndCapture"))
    return fail(std::move(e));
  if (auto e = d.check(d.cuGraphInstantiate(&exec, graph, 0),
                       "cuGraphInstantiate"))
    return fail(std::move(e));
  if (auto e = d.check(d.cuEventCreate(&start, CU_EVENT_DEFAULT), "cuEventCreate"))
    return fail(std::move(e));
  if (auto e = d.check(d.cuEventCreate(&stop, CU_EVENT_DEFAULT), "cuEventCreate"))
    return fail(std::move(e));
  // `count` replays between two events: their GPU time in milliseconds.
  auto replayMs = [&](int count, const char *what) -> llvm::Expected<double> {
    d.cuEventRecord(start, stream);
    for (int i = 0; i < count; ++i)
      if (auto e = d.check(d.cuGraphLaunch(exec, stream), "cuGraphLaunch"))
        return e;
    d.cuEventRecord(stop, stream);
    if (auto e = d.check(d.cuEventSynchronize(stop), what))
      return e;
    float ms = 0;
    if (auto e = d.check(d.cuEventElapsedTime(&ms, start, stop),
                         "cuEventElapsedTime"))
      return e;
    return double(ms);
  };
  for (int i = 0; i < warmup; ++i)
    if (auto e = d.check(d.cuGraphLaunch(exec, stream), "cuGraphLaunch"))
      return fail(std::move(e));
  // Settle: keep replaying, in batches sized from the last batch's time,
  // until settleMs of GPU time has passed (the clock reaches its steady,
  // power-capped value). Bounded in replays too, so a graph that takes no
  // measurable time cannot loop forever.
  constexpr int kMaxSettleReplays = 100000;
  double settled = 0;
  int batch = 1, replays = 0;
  while (settled < settleMs && replays < kMaxSettleReplays) {
    auto ms = replayMs(batch, "settling graph replay");
    if (!ms)
      return fail(ms.takeError());
    settled += *ms;
    replays += batch;
    // The next batch about 50 ms (at most 1000 replays): few host round trips.
    batch = int(
        std::clamp(double(batch) * 50.0 / std::max(*ms, 1e-3), 1.0, 1000.0));
  }
  std::vector<double> us;
  for (int i = 0; i < reps; ++i) {
    auto ms = replayMs(1, "timed graph replay");
    if (!ms)
      return fail(ms.takeError());
    us.push_back(1e3 * *ms / perGraph);
  }
  cleanup();
  TimingResult r;
  r.medianUs = median(us);
  r.minUs = *std::min_element(us.begin(), us.end());
  r.maxUs = *std::max_element(us.begin(), us.end());
  r.samples = reps;
  return r;
}
