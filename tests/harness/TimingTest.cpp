//===- TimingTest.cpp - timeWithGraph against a simulated GPU clock -------===//
//
// A Driver whose graph launches advance a simulated GPU clock: each replay
// takes `coldMs` until `capAfterMs` of GPU time has run, then `steadyMs`
// (the H200 under its power cap: fast for a fraction of a second, then
// slower). Events read that clock. No GPU: this checks the warm-up/settle
// logic of tools/harness/Timing.cpp, not a device.
//
//===----------------------------------------------------------------------===//
#include "Timing.h"

#include "gtest/gtest.h"

#include <map>

using namespace mlpjit;
using namespace mlpjit::harness;

namespace {

struct SimulatedGpu {
  double coldMs = 0.4, steadyMs = 0.5, capAfterMs = 50;
  double clockMs = 0; // GPU time so far
  int launches = 0;
  std::map<CUevent, double> recorded;
};
SimulatedGpu *gpu = nullptr;

// Distinct non-null handles; the code under test only passes them back.
template <typename T> T handle(uintptr_t id) { return reinterpret_cast<T>(id); }

Driver simulatedDriver() {
  Driver d;
  d.cuStreamBeginCapture = [](CUstream, CUstreamCaptureMode) {
    return CUDA_SUCCESS;
  };
  d.cuStreamEndCapture = [](CUstream, CUgraph *g) {
    *g = handle<CUgraph>(1);
    return CUDA_SUCCESS;
  };
  d.cuGraphInstantiate = [](CUgraphExec *e, CUgraph, unsigned long long) {
    *e = handle<CUgraphExec>(2);
    return CUDA_SUCCESS;
  };
  d.cuGraphLaunch = [](CUgraphExec, CUstream) {
    ++gpu->launches;
    gpu->clockMs +=
        gpu->clockMs < gpu->capAfterMs ? gpu->coldMs : gpu->steadyMs;
    return CUDA_SUCCESS;
  };
  d.cuEventCreate = [](CUevent *e, unsigned) {
    static uintptr_t next = 16;
    *e = handle<CUevent>(next++);
    return CUDA_SUCCESS;
  };
  d.cuEventRecord = [](CUevent e, CUstream) {
    gpu->recorded[e] = gpu->clockMs;
    return CUDA_SUCCESS;
  };
  d.cuEventSynchronize = [](CUevent) { return CUDA_SUCCESS; };
  d.cuEventElapsedTime = [](float *ms, CUevent start, CUevent stop) {
    *ms = float(gpu->recorded[stop] - gpu->recorded[start]);
    return CUDA_SUCCESS;
  };
  d.cuEventDestroy = [](CUevent) { return CUDA_SUCCESS; };
  d.cuGraphDestroy = [](CUgraph) { return CUDA_SUCCESS; };
  d.cuGraphExecDestroy = [](CUgraphExec) { return CUDA_SUCCESS; };
  return d;
}

class TimingTest : public ::testing::Test {
protected:
  void SetUp() override { gpu = &sim; }
  void TearDown() override { gpu = nullptr; }
  TimingResult time(int perGraph, int warmup, int reps, double settleMs) {
    int calls = 0;
    auto r = timeWithGraph(
        driver, nullptr,
        [&](int) {
          ++calls;
          return llvm::Error::success();
        },
        perGraph, warmup, reps, settleMs);
    EXPECT_EQ(calls, perGraph) << "the body is captured once per graph slot";
    if (!r) {
      ADD_FAILURE() << llvm::toString(r.takeError());
      return {};
    }
    return *r;
  }
  SimulatedGpu sim;
  Driver driver = simulatedDriver();
};

TEST_F(TimingTest, WithoutSettleATimedLoopAfterIdleReadsTheColdClock) {
  // 5 + 10 replays of 0.4 ms stay under the 50 ms the cap takes.
  TimingResult r = time(/*perGraph=*/4, /*warmup=*/5, /*reps=*/10, 0);
  EXPECT_EQ(sim.launches, 15);
  EXPECT_NEAR(r.medianUs, 1e3 * 0.4 / 4, 1e-3);
}

TEST_F(TimingTest, SettlingTimesTheSteadyClock) {
  TimingResult r = time(/*perGraph=*/4, /*warmup=*/5, /*reps=*/10, 100);
  EXPECT_NEAR(r.medianUs, 1e3 * 0.5 / 4, 1e-3);
  // At least settleMs of GPU time between the warm-up and the timed
  // replays, and not much more than one extra batch (~50 ms).
  const double settledMs = sim.clockMs - 10 * 0.5 - 5 * 0.4;
  EXPECT_GE(settledMs, 100);
  EXPECT_LT(settledMs, 100 + 60);
}

TEST_F(TimingTest, SettleIsMeasuredInGpuTimeNotReplays) {
  // Replays of 20 ms: a 100 ms settle is a handful of them, not thousands.
  sim.coldMs = sim.steadyMs = 20;
  time(/*perGraph=*/1, /*warmup=*/1, /*reps=*/3, 100);
  EXPECT_GE(sim.launches, 1 + 5 + 3);
  EXPECT_LE(sim.launches, 1 + 8 + 3);
}

TEST_F(TimingTest, AFailureWhileSettlingIsAnErrorThatSaysSo) {
  // A kernel fault surfaces at the first synchronization: the settle's.
  driver.cuEventSynchronize = [](CUevent) { return CUDA_ERROR_LAUNCH_FAILED; };
  auto r = timeWithGraph(
      driver, nullptr, [](int) { return llvm::Error::success(); }, 1,
      /*warmup=*/1, /*reps=*/3, /*settleMs=*/10);
  ASSERT_FALSE(bool(r));
  std::string msg = llvm::toString(r.takeError());
  EXPECT_NE(msg.find("settling graph replay failed"), std::string::npos) << msg;
}

TEST_F(TimingTest, NoTimedReplayIsAnErrorNotACrash) {
  auto r = timeWithGraph(
      driver, nullptr, [](int) { return llvm::Error::success(); }, 1,
      /*warmup=*/1, /*reps=*/0);
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("0 replays"), std::string::npos);
  EXPECT_EQ(sim.launches, 0);
}

TEST_F(TimingTest, AGraphThatTakesNoTimeEndsTheSettle) {
  // Replays that read 0 ms never add up to settleMs: the replay bound ends
  // the settle instead of a hang.
  sim.coldMs = sim.steadyMs = 0;
  time(/*perGraph=*/1, /*warmup=*/1, /*reps=*/3, 100);
  EXPECT_GE(sim.launches, 100000);
  EXPECT_LE(sim.launches, 101004);
}

} // namespace
