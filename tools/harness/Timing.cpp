//===- Timing.cpp ---------------------------------------------------------===//
#include "Timing.h"

#include <algorithm>
#include <numeric>
#include <random>
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

int mlpjit::harness::coldWeightCopies(int64_t weightBytes, int64_t l2Bytes) {
  int copies = 1;
  while (copies < kMaxWeightCopies && copies * weightBytes < 3 * l2Bytes)
    copies *= 2;
  return copies;
}

llvm::Expected<std::vector<TimingResult>> mlpjit::harness::timeInterleaved(
    const Driver &d, CUstream stream,
    llvm::ArrayRef<std::function<llvm::Error(int)>> bodies, int perGraph,
    int warmup, int reps, double settleMs, int settleReplays) {
  if (bodies.empty() || perGraph < 1 || reps < 1 || warmup < 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "timing needs at least one variant, one call per graph and one timed "
        "replay (got " +
            std::to_string(bodies.size()) + " variants, " +
            std::to_string(perGraph) + " calls, " + std::to_string(reps) +
            " replays, " + std::to_string(warmup) + " warm-up replays)");
  const size_t n = bodies.size();
  std::vector<CUgraph> graphs(n, nullptr);
  std::vector<CUgraphExec> execs(n, nullptr);
  CUevent start = nullptr, stop = nullptr;
  auto cleanup = [&] {
    for (CUgraphExec exec : execs)
      if (exec)
        d.cuGraphExecDestroy(exec);
    for (CUgraph graph : graphs)
      if (graph)
        d.cuGraphDestroy(graph);
    if (start)
      d.cuEventDestroy(start);
    if (stop)
      d.cuEventDestroy(stop);
  };
  auto fail = [&](llvm::Error e) -> llvm::Expected<std::vector<TimingResult>> {
    cleanup();
    return e;
  };
  for (size_t v = 0; v < n; ++v) {
    if (auto e = d.check(
            d.cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
            "cuStreamBeginCapture"))
      return fail(std::move(e));
    llvm::Error bodyErr = llvm::Error::success();
    for (int i = 0; i < perGraph && !bodyErr; ++i)
      bodyErr = bodies[v](i);
    CUresult endRes = d.cuStreamEndCapture(stream, &graphs[v]);
    if (bodyErr)
      return fail(std::move(bodyErr));
    if (auto e = d.check(endRes, "cuStreamEndCapture"))
      return fail(std::move(e));
    if (auto e = d.check(d.cuGraphInstantiate(&execs[v], graphs[v], 0),
                         "cuGraphInstantiate"))
      return fail(std::move(e));
  }
  if (auto e = d.check(d.cuEventCreate(&start, CU_EVENT_DEFAULT), "cuEventCreate"))
    return fail(std::move(e));
  if (auto e = d.check(d.cuEventCreate(&stop, CU_EVENT_DEFAULT), "cuEventCreate"))
    return fail(std::move(e));
  // `count` replays of variant v between two events: their GPU time in ms.
  auto replayMs = [&](size_t v, int count,
                      const char *what) -> llvm::Expected<double> {
    d.cuEventRecord(start, stream);
    for (int i = 0; i < count; ++i)
      if (auto e = d.check(d.cuGraphLaunch(execs[v], stream), "cuGraphLaunch"))
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
  for (size_t v = 0; v < n; ++v)
    for (int i = 0; i < warmup; ++i)
      if (auto e = d.check(d.cuGraphLaunch(execs[v], stream), "cuGraphLaunch"))
        return fail(std::move(e));
  // Settle: keep replaying the variants in turn, in batches sized from each
  // one's last batch time, until settleMs of GPU time has passed (the clock
  // reaches its steady, power-capped value). Bounded in replays too, so a
  // graph that takes no measurable time cannot loop forever.
  constexpr int kMaxSettleReplays = 100000;
  // A fixed count instead: the same replays whatever the timings read.
  if (settleReplays > 0) {
    constexpr int kCountedBatch = 64;
    for (int done = 0; done < settleReplays; done += kCountedBatch)
      for (size_t v = 0; v < n; ++v)
        if (auto ms = replayMs(v, std::min(kCountedBatch, settleReplays - done),
                               "settling graph replay");
            !ms)
          return fail(ms.takeError());
    settleMs = 0;
  }
  double settled = 0;
  std::vector<int> batch(n, 1);
  int replays = 0;
  while (settled < settleMs && replays < kMaxSettleReplays)
    for (size_t v = 0; v < n; ++v) {
      auto ms = replayMs(v, batch[v], "settling graph replay");
      if (!ms)
        return fail(ms.takeError());
      settled += *ms;
      replays += batch[v];
      // The next batch about 50 ms / n (at most 1000 replays): few host
      // round trips, and no variant's share of the settle long enough for
      // the clock to move under one variant alone.
      batch[v] = int(
          std::clamp(double(batch[v]) * 50.0 / double(n) / std::max(*ms, 1e-3),
                     1.0, 1000.0));
    }
  // Timed: one replay of each variant per rep, in an order shuffled per rep
  // (fixed seed) so that no variant always follows the same one (rotating
  // the start of one cyclic order did not: variant v + 1 followed v at all
  // but one replay of each rep).
  std::vector<std::vector<double>> us(n);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t(0));
  std::mt19937 shuffler(2026);
  for (int i = 0; i < reps; ++i) {
    std::shuffle(order.begin(), order.end(), shuffler);
    for (size_t v : order) {
      auto ms = replayMs(v, 1, "timed graph replay");
      if (!ms)
        return fail(ms.takeError());
      us[v].push_back(1e3 * *ms / perGraph);
    }
  }
  cleanup();
  std::vector<TimingResult> results(n);
  for (size_t v = 0; v < n; ++v) {
    TimingResult &r = results[v];
    r.medianUs = median(us[v]);
    r.minUs = *std::min_element(us[v].begin(), us[v].end());
    r.maxUs = *std::max_element(us[v].begin(), us[v].end());
    r.samples = reps;
  }
  return results;
}

llvm::Expected<TimingResult> mlpjit::harness::timeWithGraph(
    const Driver &d, CUstream stream, llvm::function_ref<llvm::Error(int)> body,
    int perGraph, int warmup, int reps, double settleMs, int settleReplays) {
  std::function<llvm::Error(int)> bodies[] = {body};
  auto r = timeInterleaved(d, stream, bodies, perGraph, warmup, reps, settleMs,
                           settleReplays);
  if (!r)
    return r.takeError();
  return r->front();
}
