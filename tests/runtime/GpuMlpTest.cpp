//===- GpuMlpTest.cpp - the public API end to end on a GPU ----------------===//
//
// Hand-planned programs (TestPrograms.h) compiled by codegen::compileKernel,
// loaded with Mlp::load and run through forward for M in every bucket:
// fresh random bf16/fp16 inputs, a NaN-poisoned output, a float64 reference of
// the block (intermediate rounded to the dtype like the kernels store it), and
// and ||y - ref|| / ||ref|| <= 1e-2. Skips without a CUDA driver and GPU.
//
//===----------------------------------------------------------------------===//
#include "GpuTestSupport.h"

#include "GemmLaunch.h"

#include "mlpjit/mlpjit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <utility>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

class GpuMlpTest : public GpuContextTest {
protected:
  /// Compiles every kernel of the program to PTX for this GPU.
  llvm::Expected<MlpProgram> compiled(const BlockShape &shape) {
    return compileProgram(shape, context->arch());
  }

  /// Runs forward for each m (x fresh, y poisoned) and checks the result.
  void checkForward(const Mlp &mlp, const HostBlock &w,
                    std::initializer_list<int64_t> ms, std::mt19937_64 &rng,
                    bool graph = false) {
    const MlpProgram &p = mlp.program();
    const Driver &d = context->driver();
    for (int64_t m : ms) {
      SCOPED_TRACE("m = " + std::to_string(m));
      HostTensor x = randomTensor(size_t(m * p.hidden), 1.0, p.dtype, rng);
      auto dx = upload(*context, x);
      ASSERT_TRUE(bool(dx)) << llvm::toString(dx.takeError());
      // y sits between two poisoned guard bands: every element of y must be
      // written and no byte of either band may change.
      constexpr size_t kGuard = 4096;
      const size_t yBytes = size_t(m * p.hidden) * 2;
      auto dyAll = DeviceBuffer::allocate(*context, kGuard + yBytes + kGuard);
      ASSERT_TRUE(bool(dyAll)) << llvm::toString(dyAll.takeError());
      ASSERT_EQ(d.cuMemsetD8(dyAll->ptr(), 0xff, dyAll->size()), CUDA_SUCCESS);
      void *yPtr = static_cast<char *>(dyAll->get()) + kGuard;
      if (graph) {
        CUgraph g = nullptr;
        CUgraphExec exec = nullptr;
        ASSERT_EQ(d.cuStreamBeginCapture(stream->get(),
                                         CU_STREAM_CAPTURE_MODE_GLOBAL),
                  CUDA_SUCCESS);
        llvm::Error launched = mlp.forward(dx->get(), yPtr, m, stream->get());
        ASSERT_EQ(d.cuStreamEndCapture(stream->get(), &g), CUDA_SUCCESS);
        ASSERT_OK(std::move(launched));
        ASSERT_EQ(d.cuGraphInstantiate(&exec, g, 0), CUDA_SUCCESS);
        ASSERT_EQ(d.cuGraphLaunch(exec, stream->get()), CUDA_SUCCESS);
        ASSERT_OK(stream->synchronize());
        d.cuGraphExecDestroy(exec);
        d.cuGraphDestroy(g);
      } else {
        ASSERT_OK(mlp.forward(dx->get(), yPtr, m, stream->get()));
        ASSERT_OK(stream->synchronize());
      }
      std::vector<uint8_t> all(dyAll->size());
      ASSERT_EQ(d.cuMemcpyDtoH(all.data(), dyAll->ptr(), all.size()),
                CUDA_SUCCESS);
      for (size_t i = 0; i < kGuard; ++i) {
        ASSERT_EQ(all[i], 0xff)
            << "forward wrote " << kGuard - i << " bytes before y";
        ASSERT_EQ(all[kGuard + yBytes + i], 0xff)
            << "forward wrote byte " << i << " after y";
      }
      std::vector<uint16_t> y(size_t(m * p.hidden));
      std::memcpy(y.data(), all.data() + kGuard, yBytes);
      std::vector<double> ref = reference(p, w, x, m);
      double diff = 0, norm = 0;
      for (size_t i = 0; i < y.size(); ++i) {
        double v = host::fromBits(y[i], p.dtype);
        ASSERT_TRUE(std::isfinite(v)) << "y[" << i << "] = " << v;
        diff += (v - ref[i]) * (v - ref[i]);
        norm += ref[i] * ref[i];
      }
      ASSERT_GT(norm, 0);
      EXPECT_LE(std::sqrt(diff / norm), 1e-2);
    }
  }

  void runBlock(const BlockShape &shape, bool packed = false,
                bool graph = false) {
    auto program = compiled(shape);
    ASSERT_TRUE(bool(program)) << llvm::toString(program.takeError());
    auto mlp = Mlp::load(*program, *context);
    ASSERT_TRUE(bool(mlp)) << llvm::toString(mlp.takeError());
    for (const LoadedKernel *k : (*mlp)->kernels())
      EXPECT_EQ(k->resources().localBytes, 0) << k->desc().name << " spills";
    runLoaded(**mlp, shape, packed, graph);
  }

  /// Sets random weights on a loaded Mlp and checks forward.
  void runLoaded(Mlp &mlp, const BlockShape &shape, bool packed, bool graph) {
    std::mt19937_64 rng(::testing::UnitTest::GetInstance()->random_seed() +
                        std::random_device{}());
    HostBlock w = randomBlock(shape, rng);
    DeviceTensors tensors{*context, {}};
    auto put = [&](const HostTensor &t) { return tensors.put(t); };
    if (packed) {
      // Phi-3's stacked [gate; up] tensor and bias.
      HostTensor stacked = w.gate, stackedBias = w.gateBias;
      stacked.bits.insert(stacked.bits.end(), w.up.bits.begin(),
                          w.up.bits.end());
      stackedBias.bits.insert(stackedBias.bits.end(), w.upBias.bits.begin(),
                              w.upBias.bits.end());
      ASSERT_OK(mlp.setPackedGateUp(put(stacked), put(w.down), put(stackedBias),
                                    put(w.downBias), stream->get()));
    } else {
      ASSERT_OK(mlp.setWeights(tensors.weights(w), stream->get()));
    }
    ASSERT_OK(stream->synchronize());
    // 1 and 16: the small bucket (split-K down); 17 and 300: the large one,
    // 300 ragged.
    checkForward(mlp, w, {1, 5, 16, 17, 129, 300}, rng, graph);
  }
};

TEST_F(GpuMlpTest, SwiGlu) { runBlock(BlockShape{}); }

TEST_F(GpuMlpTest, GeGluWithBiases) {
  BlockShape s;
  s.name = "geglu_bias";
  s.epilogue = Epilogue::geglu_tanh;
  s.bias = true;
  runBlock(s);
}

TEST_F(GpuMlpTest, PlainGeluWithBiases) {
  BlockShape s; // GPT-2 style: no gate, up used in place
  s.name = "gelu_bias";
  s.epilogue = Epilogue::gelu_tanh;
  s.bias = true;
  s.intermediate = 256;
  runBlock(s);
}

TEST_F(GpuMlpTest, Fp16ReGluWithBiases) {
  BlockShape s;
  s.name = "fp16";
  s.dtype = DType::f16;
  s.epilogue = Epilogue::reglu;
  s.bias = true;
  runBlock(s);
}

TEST_F(GpuMlpTest, PackedGateUp) {
  BlockShape s;
  s.name = "packed";
  s.bias = true;
  runBlock(s, /*packed=*/true);
}

TEST_F(GpuMlpTest, ForwardIsGraphCapturable) {
  BlockShape s;
  s.name = "graph";
  runBlock(s, /*packed=*/false, /*graph=*/true);
}

TEST_F(GpuMlpTest, PaddedIntermediateAndMRows) {
  // LoadOptions::padIntermediate (the default): the intermediate holds
  // whole token tiles of both kernels and its tensor maps declare them;
  // without it, m rows. LoadOptions::exactLastTile (also the default): the
  // ragged last token tile of each GEMM's A loads through a map of just its
  // rows (its other rows of the stage stale). y must not change, nor any
  // byte around it.
  BlockShape s;
  s.name = "padded";
  s.bias = true;
  auto program = compiled(s);
  ASSERT_TRUE(bool(program)) << llvm::toString(program.takeError());
  for (auto [pad, exact] : {std::pair{true, false}, std::pair{false, false},
                            std::pair{true, true}, std::pair{false, true}}) {
    SCOPED_TRACE(std::string(pad ? "padded" : "m rows") +
                 (exact ? ", exact last tile" : ""));
    MlpKernels::LoadOptions options;
    options.padIntermediate = pad;
    options.exactLastTile = exact;
    auto mlp = Mlp::load(*program, *context, options);
    ASSERT_TRUE(bool(mlp)) << llvm::toString(mlp.takeError());
    const MlpKernels &kernels = (*mlp)->mlpLayer().kernels();
    for (int64_t m : {1, 5, 17, 129, 300}) {
      const MlpKernels::Bucket *b = kernels.bucketFor(m);
      ASSERT_NE(b, nullptr);
      const int64_t rows = std::max(wholeTileRows(*b->gateUpDesc, m),
                                    wholeTileRows(*b->downDesc, m));
      EXPECT_EQ(kernels.workspaceLayout(*b, m).intermediateRows,
                pad ? rows : m);
    }
    runLoaded(**mlp, s, false, false);
  }
}

TEST_F(GpuMlpTest, LoadsConcurrentlyAndRunsOnAnotherThread) {
  BlockShape shape;
  shape.name = "threads";
  auto program = compiled(shape);
  ASSERT_TRUE(bool(program)) << llvm::toString(program.takeError());
  constexpr int kThreads = 4;
  std::vector<std::unique_ptr<Mlp>> mlps(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto mlp = Mlp::load(*program, *context);
      if (mlp)
        mlps[t] = std::move(*mlp);
      else
        errors[t] = llvm::toString(mlp.takeError());
    });
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < kThreads; ++t)
    ASSERT_TRUE(mlps[t]) << errors[t];
  // A thread that never touched the context runs forward.
  std::thread runner(
      [&] { runLoaded(*mlps[kThreads - 1], shape, false, false); });
  runner.join();
}

} // namespace
