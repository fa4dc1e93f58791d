//===- TimingTest.cpp - timeWithGraph against a simulated GPU clock -------===//
//
// A Driver whose graph launches advance a simulated GPU clock: each replay
// takes `coldMs` until `capAfterMs` of GPU time has run, then `steadyMs`
// (the H200 under its power cap: fast for a fraction of a second, then
// slower), scaled by `driftPerMs` per ms of GPU time so far (a clock that
// keeps moving) and by the graph's own cost factor. Events read that clock. No
// GPU: this checks the warm-up/settle logic of tools/harness/Timing.cpp, not a
// device.
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
  double driftPerMs = 0;
  double clockMs = 0; // GPU time so far
  int launches = 0;
  int graphs = 0;
  std::map<CUgraphExec, double> costOf; // per graph; 1 if unset
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
  // Graph k (from 1, in capture order) instantiates as exec 100 + k.
  d.cuStreamEndCapture = [](CUstream, CUgraph *g) {
    *g = handle<CUgraph>(++gpu->graphs);
    return CUDA_SUCCESS;
  };
  d.cuGraphInstantiate = [](CUgraphExec *e, CUgraph g, unsigned long long) {
    *e = handle<CUgraphExec>(100 + reinterpret_cast<uintptr_t>(g));
    return CUDA_SUCCESS;
  };
  d.cuGraphLaunch = [](CUgraphExec e, CUstream) {
    ++gpu->launches;
    double ms = gpu->clockMs < gpu->capAfterMs ? gpu->coldMs : gpu->steadyMs;
    auto cost = gpu->costOf.find(e);
    gpu->clockMs += ms * (1 + gpu->driftPerMs * gpu->clockMs) *
                    (cost == gpu->costOf.end() ? 1.0 : cost->second);
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
  TimingResult time(int perGraph, int warmup, int reps, double settleMs,
                    int settleReplays = 0) {
    int calls = 0;
    auto r = timeWithGraph(
        driver, nullptr,
        [&](int) {
          ++calls;
          return llvm::Error::success();
        },
        perGraph, warmup, reps, settleMs, settleReplays);
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

TEST_F(TimingTest, ACountedSettleReplaysTheSameWhateverTheClock) {
  // Two processes with different clocks (ranks of the tensor-parallel
  // bench) replay exactly warm-up + settle + timed graphs; a settle by time
  // replays different numbers.
  auto launches = [&](double replayMs, int settleReplays) {
    sim = SimulatedGpu();
    sim.coldMs = sim.steadyMs = replayMs;
    time(/*perGraph=*/2, /*warmup=*/3, /*reps=*/10, /*settleMs=*/100,
         settleReplays);
    return sim.launches;
  };
  EXPECT_EQ(launches(0.5, 150), 3 + 150 + 10);
  EXPECT_EQ(launches(2.0, 150), 3 + 150 + 10);
  EXPECT_NE(launches(0.5, 0), launches(2.0, 0));
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

TEST_F(TimingTest, InterleavedVariantsShareTheClockThatOneAfterAnotherDoNot) {
  // The steady replay slows by 0.1% per ms of GPU time: two identical
  // variants timed one after another read apart, interleaved they agree.
  sim.driftPerMs = 1e-3;
  TimingResult first = time(/*perGraph=*/4, /*warmup=*/5, /*reps=*/50, 100);
  TimingResult second = time(4, 5, 50, 100);
  EXPECT_GT(second.medianUs / first.medianUs, 1.05);

  auto idle = [](int) { return llvm::Error::success(); };
  std::function<llvm::Error(int)> bodies[] = {idle, idle};
  auto r = timeInterleaved(driver, nullptr, bodies, 4, 5, 50, 100);
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_NEAR((*r)[1].medianUs / (*r)[0].medianUs, 1.0, 0.01);
  EXPECT_EQ((*r)[0].samples, 50);
}

TEST_F(TimingTest, InterleavedResultsFollowTheBodyOrder) {
  // The second variant's graph (exec 102) costs three times the first's.
  sim.costOf[handle<CUgraphExec>(102)] = 3;
  sim.driftPerMs = 1e-3;
  int calls[2] = {0, 0};
  auto cheap = [&](int) {
    ++calls[0];
    return llvm::Error::success();
  };
  auto dear = [&](int) {
    ++calls[1];
    return llvm::Error::success();
  };
  std::function<llvm::Error(int)> bodies[] = {cheap, dear};
  auto r = timeInterleaved(driver, nullptr, bodies, /*perGraph=*/2,
                           /*warmup=*/2, /*reps=*/20, /*settleMs=*/100);
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  EXPECT_EQ(calls[0], 2);
  EXPECT_EQ(calls[1], 2);
  EXPECT_NEAR((*r)[1].medianUs / (*r)[0].medianUs, 3.0, 0.05);
}

TEST_F(TimingTest, NoVariantIsAnErrorNotACrash) {
  auto r = timeInterleaved(driver, nullptr, {}, 1, 1, 3);
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("0 variants"),
            std::string::npos);
  EXPECT_EQ(sim.launches, 0);
}

// Weight copies: enough that the rotation holds 3x the L2 (50 MiB, the
// H100's and H200's), a power of two, between 1 and kMaxWeightCopies.
TEST(ColdWeightCopies, HoldThreeTimesTheL2) {
  constexpr int64_t MiB = 1 << 20, l2 = 50 * MiB;
  EXPECT_EQ(coldWeightCopies(int64_t(9.4 * MiB), l2), 16); // gpt2's block
  EXPECT_EQ(coldWeightCopies(26 * MiB, l2), 8);            // qwen2.5-0.5b's
  EXPECT_EQ(coldWeightCopies(int64_t(33.5 * MiB), l2), 8); // a down GEMM
  EXPECT_EQ(coldWeightCopies(117 * MiB, l2), 2);           // llama-3-8b down
  EXPECT_EQ(coldWeightCopies(149 * MiB, l2), 2);
  EXPECT_EQ(coldWeightCopies(150 * MiB, l2), 1);
  EXPECT_EQ(coldWeightCopies(352 * MiB, l2), 1); // llama-3-8b's block
}

TEST(ColdWeightCopies, NeverMoreThanTheCap) {
  EXPECT_EQ(coldWeightCopies(1, 50 << 20), kMaxWeightCopies);
  EXPECT_EQ(coldWeightCopies(0, 50 << 20), kMaxWeightCopies);
  EXPECT_EQ(coldWeightCopies(1 << 20, 0), 1); // no L2 reported
}

} // namespace
