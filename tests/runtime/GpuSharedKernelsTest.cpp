//===- GpuSharedKernelsTest.cpp - kernels once, layers, caller workspaces -===//
//
// MlpKernels loaded once and shared by several MlpLayers, each forward in a
// workspace of the caller's: results against the float64 reference; one
// layer on two streams at once (two workspaces, split-K counters in each)
// gives the same bits as one stream; a stale (non-zero) workspace is fine;
// workspace misuse is refused; a layer runs on another's weights
// (shareWeights); a cubin loads without the driver JIT; token ranges of one
// kernel share its module.
// Skips without a GPU.
//
//===----------------------------------------------------------------------===//
#include "GpuTestSupport.h"

#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/Errors.h"
#include "mlpjit/mlpjit.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

class GpuSharedKernelsTest : public GpuContextTest {
protected:
  std::mt19937_64 rng{std::random_device{}()};

  std::shared_ptr<const MlpKernels> loadKernels(const BlockShape &shape) {
    auto program = compileProgram(shape, context->arch());
    EXPECT_TRUE(bool(program)) << llvm::toString(program.takeError());
    if (!program)
      return nullptr;
    auto kernels = MlpKernels::load(*program, *context);
    EXPECT_TRUE(bool(kernels)) << llvm::toString(kernels.takeError());
    return kernels ? *kernels : nullptr;
  }

  DeviceBuffer allocate(size_t bytes, int fill = 0xff) {
    auto b = DeviceBuffer::allocate(*context, bytes);
    EXPECT_TRUE(bool(b)) << llvm::toString(b.takeError());
    if (!b)
      return DeviceBuffer();
    EXPECT_EQ(context->driver().cuMemsetD8(b->ptr(), uint8_t(fill), bytes),
              CUDA_SUCCESS);
    return std::move(*b);
  }

  double error(const MlpProgram &p, const HostBlock &w, const HostTensor &x,
               int64_t m, const void *y) {
    auto out = download(*context, y, size_t(m * p.hidden));
    EXPECT_TRUE(bool(out));
    if (!out)
      return 1;
    return relativeError(*out, p.dtype, reference(p, w, x, m));
  }

  /// One forward of `mlp` (weights `w` set) on fresh random input into a
  /// poisoned output, within the bf16 bound of the float64 reference.
  void expectForwardMatches(const Mlp &mlp, const HostBlock &w, int64_t m) {
    const MlpProgram &p = mlp.program();
    HostTensor x = randomTensor(size_t(m * p.hidden), 1.0, p.dtype, rng);
    auto dx = upload(*context, x);
    ASSERT_TRUE(bool(dx));
    DeviceBuffer y = allocate(size_t(m * p.hidden) * 2);
    ASSERT_OK(mlp.forward(dx->get(), y.get(), m, stream->get()));
    ASSERT_OK(stream->synchronize());
    EXPECT_LE(error(p, w, x, m, y.get()), 1e-2);
  }
};

TEST_F(GpuSharedKernelsTest, LayersShareKernelsAndOneWorkspace) {
  BlockShape shape;
  auto kernels = loadKernels(shape);
  ASSERT_TRUE(kernels);
  const MlpProgram &p = kernels->program();
  EXPECT_EQ(kernels->kernels().size(), p.kernels.size());
  // One workspace, poisoned: stale counters must not matter.
  DeviceBuffer ws = allocate(kernels->workspaceBytes(p.tokensMax));
  constexpr int kLayers = 4;
  std::vector<HostBlock> blocks;
  std::vector<std::unique_ptr<MlpLayer>> layers;
  DeviceTensors tensors{*context, {}};
  for (int l = 0; l < kLayers; ++l) {
    blocks.push_back(randomBlock(shape, rng));
    auto layer = MlpLayer::create(kernels);
    ASSERT_TRUE(bool(layer)) << llvm::toString(layer.takeError());
    ASSERT_OK(
        (*layer)->setWeights(tensors.weights(blocks.back()), stream->get()));
    EXPECT_EQ((*layer)->ownedBytes(),
              size_t(2) * p.intermediate * p.hidden * 2);
    layers.push_back(std::move(*layer));
  }
  ASSERT_OK(stream->synchronize());
  EXPECT_EQ(kernels.use_count(), 1 + kLayers);
  for (int64_t m : {1, 16, 17, 300}) {
    SCOPED_TRACE("m = " + std::to_string(m));
    HostTensor x = randomTensor(size_t(m * p.hidden), 1.0, p.dtype, rng);
    auto dx = upload(*context, x);
    ASSERT_TRUE(bool(dx));
    DeviceBuffer y = allocate(size_t(m * p.hidden) * 2);
    for (int l = 0; l < kLayers; ++l) {
      ASSERT_OK(layers[l]->forward(dx->get(), y.get(), m, ws.get(),
                                   kernels->workspaceBytes(m), stream->get()));
      ASSERT_OK(stream->synchronize());
      EXPECT_LE(error(p, blocks[l], x, m, y.get()), 1e-2) << "layer " << l;
    }
  }
}

TEST_F(GpuSharedKernelsTest, OneLayerOnTwoStreamsAtOnce) {
  BlockShape shape; // the small bucket splits K in the down GEMM
  auto kernels = loadKernels(shape);
  ASSERT_TRUE(kernels);
  const MlpProgram &p = kernels->program();
  HostBlock w = randomBlock(shape, rng);
  DeviceTensors tensors{*context, {}};
  auto layer = MlpLayer::create(kernels);
  ASSERT_TRUE(bool(layer));
  ASSERT_OK((*layer)->setWeights(tensors.weights(w), stream->get()));
  ASSERT_OK(stream->synchronize());
  auto other = Stream::create(*context);
  ASSERT_TRUE(bool(other));
  const Driver &d = context->driver();
  for (int64_t m : {1, 16, 300}) {
    SCOPED_TRACE("m = " + std::to_string(m));
    const size_t bytes = kernels->workspaceBytes(m);
    HostTensor x = randomTensor(size_t(m * p.hidden), 1.0, p.dtype, rng);
    auto dx = upload(*context, x);
    ASSERT_TRUE(bool(dx));
    // The reference bits: one stream, one forward.
    DeviceBuffer ws0 = allocate(bytes), ws1 = allocate(bytes);
    DeviceBuffer y0 = allocate(size_t(m * p.hidden) * 2);
    ASSERT_OK((*layer)->forward(dx->get(), y0.get(), m, ws0.get(), bytes,
                                stream->get()));
    ASSERT_OK(stream->synchronize());
    EXPECT_LE(error(p, w, x, m, y0.get()), 1e-2);
    auto expected = download(*context, y0.get(), size_t(m * p.hidden));
    ASSERT_TRUE(bool(expected));
    // Then 200 forwards on each of two streams, interleaved, no sync.
    DeviceBuffer ya = allocate(size_t(m * p.hidden) * 2);
    DeviceBuffer yb = allocate(size_t(m * p.hidden) * 2);
    for (int i = 0; i < 200; ++i) {
      ASSERT_OK((*layer)->forward(dx->get(), ya.get(), m, ws0.get(), bytes,
                                  stream->get()));
      ASSERT_OK((*layer)->forward(dx->get(), yb.get(), m, ws1.get(), bytes,
                                  (*other)->get()));
    }
    ASSERT_EQ(d.cuCtxSynchronize(), CUDA_SUCCESS);
    for (DeviceBuffer *y : {&ya, &yb}) {
      auto got = download(*context, y->get(), size_t(m * p.hidden));
      ASSERT_TRUE(bool(got));
      EXPECT_EQ(*got, *expected) << "a concurrent forward differs";
    }
  }
}

TEST_F(GpuSharedKernelsTest, WorkspaceMisuseIsRefused) {
  BlockShape shape;
  auto kernels = loadKernels(shape);
  ASSERT_TRUE(kernels);
  const MlpProgram &p = kernels->program();
  HostBlock w = randomBlock(shape, rng);
  DeviceTensors tensors{*context, {}};
  auto layer = MlpLayer::create(kernels);
  ASSERT_TRUE(bool(layer));
  ASSERT_OK((*layer)->setWeights(tensors.weights(w), stream->get()));
  const int64_t m = 16;
  const size_t bytes = kernels->workspaceBytes(m);
  EXPECT_LE(bytes, kernels->workspaceBytes(p.tokensMax));
  DeviceBuffer ws = allocate(bytes + 256);
  DeviceBuffer x = allocate(size_t(m * p.hidden) * 2, 0);
  DeviceBuffer y = allocate(size_t(m * p.hidden) * 2);
  // A WorkspaceError each (the C API's MLPJIT_ERROR_WORKSPACE).
  auto refused = [&](llvm::Error e, const char *what) {
    ASSERT_TRUE(bool(e));
    EXPECT_TRUE(e.isA<WorkspaceError>());
    EXPECT_NE(llvm::toString(std::move(e)).find(what), std::string::npos);
  };
  refused((*layer)->forward(x.get(), y.get(), m, ws.get(), bytes - 1,
                            stream->get()),
          "workspace bytes");
  refused((*layer)->forward(x.get(), y.get(), m, ws.get(), 0, stream->get()),
          "workspace bytes");
  refused((*layer)->forward(x.get(), y.get(), m,
                            static_cast<char *>(ws.get()) + 16, bytes,
                            stream->get()),
          "256-byte aligned");
  refused((*layer)->forward(x.get(), y.get(), m, nullptr, bytes, stream->get()),
          "null workspace");
}

// A layer of a second program of the block runs on the first layer's
// weights without a copy (mlpjit-bench compares plan sets that way); its own
// packed buffer is never written, so a share that did not take reads
// uninitialized memory. Without weights, or from another block, refused.
TEST_F(GpuSharedKernelsTest, LayerRunsOnAnotherLayersWeights) {
  BlockShape shape;
  auto kernels = loadKernels(shape), second = loadKernels(shape);
  ASSERT_TRUE(kernels && second);
  const MlpProgram &p = kernels->program();
  HostBlock w = randomBlock(shape, rng);
  DeviceTensors tensors{*context, {}};
  auto owner = MlpLayer::create(kernels), sharer = MlpLayer::create(second);
  ASSERT_TRUE(owner && sharer);
  auto refused = [](llvm::Error e, const char *what) {
    ASSERT_TRUE(bool(e));
    EXPECT_NE(llvm::toString(std::move(e)).find(what), std::string::npos)
        << what;
  };
  refused((*sharer)->shareWeights(**owner), "has no weights");
  ASSERT_OK((*owner)->setWeights(tensors.weights(w), stream->get()));
  ASSERT_OK((*sharer)->shareWeights(**owner));
  EXPECT_TRUE((*sharer)->hasWeights());
  refused((*owner)->shareWeights(**owner), "its own weights");
  EXPECT_TRUE((*owner)->hasWeights());
  DeviceBuffer ws = allocate(second->workspaceBytes(p.tokensMax));
  for (int64_t m : {1, 17, 300}) {
    SCOPED_TRACE("m = " + std::to_string(m));
    HostTensor x = randomTensor(size_t(m * p.hidden), 1.0, p.dtype, rng);
    auto dx = upload(*context, x);
    ASSERT_TRUE(bool(dx));
    DeviceBuffer y = allocate(size_t(m * p.hidden) * 2);
    ASSERT_OK((*sharer)->forward(dx->get(), y.get(), m, ws.get(),
                                 second->workspaceBytes(m), stream->get()));
    ASSERT_OK(stream->synchronize());
    EXPECT_LE(error(p, w, x, m, y.get()), 1e-2);
  }
  BlockShape wider = shape;
  wider.intermediate = 2 * shape.intermediate;
  auto otherKernels = loadKernels(wider);
  ASSERT_TRUE(otherKernels);
  auto other = MlpLayer::create(otherKernels);
  ASSERT_TRUE(bool(other));
  refused((*other)->shareWeights(**owner), "another block");
}

TEST_F(GpuSharedKernelsTest, CubinsLoadWithoutTheDriverJit) {
  BlockShape shape;
  auto program = compileProgram(shape, context->arch());
  ASSERT_TRUE(bool(program)) << llvm::toString(program.takeError());
  for (KernelArtifact &k : program->kernels) {
    auto compiled =
        codegen::compileKernel(k.desc, /*cache=*/nullptr, /*withCubin=*/true);
    ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
    k.cubin = std::move(compiled->cubin);
    k.ptx.clear(); // the cubin alone must do
  }
  auto mlp = Mlp::load(*program, *context);
  ASSERT_TRUE(bool(mlp)) << llvm::toString(mlp.takeError());
  for (const LoadedKernel *k : (*mlp)->kernels())
    EXPECT_TRUE(k->resources().fromCubin) << k->desc().name;
  HostBlock w = randomBlock(shape, rng);
  DeviceTensors tensors{*context, {}};
  ASSERT_OK((*mlp)->setWeights(tensors.weights(w), stream->get()));
  expectForwardMatches(**mlp, w, 17);
}

TEST_F(GpuSharedKernelsTest, RangesOfOneKernelShareItsModule) {
  // The small range's down GEMM planned and named like the large one's: one
  // module serves both, each range launching with its own descriptor.
  BlockShape shape;
  auto program = compileProgram(shape, context->arch());
  ASSERT_TRUE(bool(program)) << llvm::toString(program.takeError());
  KernelArtifact &small = program->kernels[1], &large = program->kernels[3];
  const int64_t mMin = small.desc.mMin, mMax = small.desc.mMax;
  small = large;
  small.desc.mMin = mMin;
  small.desc.mMax = mMax;
  auto mlp = Mlp::load(*program, *context);
  ASSERT_TRUE(bool(mlp)) << llvm::toString(mlp.takeError());
  EXPECT_EQ((*mlp)->kernels().size(), program->kernels.size() - 1);
  const MlpKernels &kernels = (*mlp)->mlpLayer().kernels();
  const MlpKernels::Bucket *lo = kernels.bucketFor(5),
                           *hi = kernels.bucketFor(200);
  ASSERT_TRUE(lo && hi);
  EXPECT_EQ(lo->down, hi->down);
  EXPECT_NE(lo->gateUp, hi->gateUp);
  EXPECT_EQ(lo->downDesc->mMax, mMax);
  EXPECT_EQ(hi->downDesc->mMin, large.desc.mMin);
  HostBlock w = randomBlock(shape, rng);
  DeviceTensors tensors{*context, {}};
  ASSERT_OK((*mlp)->setWeights(tensors.weights(w), stream->get()));
  for (int64_t m : {int64_t(5), mMax, int64_t(200)}) {
    SCOPED_TRACE("M = " + std::to_string(m));
    expectForwardMatches(**mlp, w, m);
  }
}

} // namespace
