//===- GpuPropertyTest.cpp - random accepted specs run and match float64 --===//
//
// The GPU tier of the property test: specs through the whole compiler
// (compileMlp), loaded with Mlp::load and run with fresh random inputs and a
// NaN-poisoned output, compared with a float64 reference by ||y - ref|| /
// ||ref|| <= 1e-2 (NaN never passes). Each spec runs for the GPU's own arch
// and for sm_80 (the portable template, which runs on every GPU since
// Ampere). Covered: a random sample (MLPJIT_PROPERTY_SEED, printed) with the
// smallest sizes (8, 16, 24), sizes that are not multiples of the tile
// widths, gate/up blocks of 8 to 64 rows and odd token counts; and the
// tensor-parallel shards of Llama-2-7B (11008 over 2, 4 and 8 ranks: 5504,
// 2752, 1376 per rank) at M = 1, 7, 100, 1000. Skips without a GPU.
//
//===----------------------------------------------------------------------===//
#include "../runtime/GpuTestSupport.h"

#include "mlpjit/Frontend/MlpSpec.h"
#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/mlpjit.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <thread>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

/// float64 reference of rows `rows` of y (see reference() in
/// GpuTestSupport.h), rows computed in parallel.
std::vector<double> referenceRows(const MlpProgram &p, const HostBlock &w,
                                  const HostTensor &x,
                                  const std::vector<int64_t> &rows) {
  const int64_t h = p.hidden, in = p.intermediate;
  const bool gated = isGated(p.epilogue);
  std::vector<double> y(rows.size() * size_t(h));
  auto one = [&](size_t idx) {
    const int64_t r = rows[idx];
    std::vector<double> act(static_cast<size_t>(in));
    for (int64_t j = 0; j < in; ++j) {
      double u = p.hasBias ? w.upBias.values[j] : 0, g = 0;
      if (gated)
        g = p.hasBias ? w.gateBias.values[j] : 0;
      const double *xr = &x.values[size_t(r * h)];
      const double *ur = &w.up.values[size_t(j * h)];
      const double *gr = gated ? &w.gate.values[size_t(j * h)] : nullptr;
      for (int64_t c = 0; c < h; ++c) {
        u += xr[c] * ur[c];
        if (gated)
          g += xr[c] * gr[c];
      }
      double a = gated ? host::activation(p.epilogue, g) * u
                       : host::activation(p.epilogue, u);
      act[j] = host::fromBits(host::toBits(float(a), p.dtype), p.dtype);
    }
    for (int64_t c = 0; c < h; ++c) {
      double s = p.hasBias ? w.downBias.values[c] : 0;
      const double *dr = &w.down.values[size_t(c * in)];
      for (int64_t j = 0; j < in; ++j)
        s += act[j] * dr[j];
      y[idx * size_t(h) + c] = s;
    }
  };
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (size_t i = t; i < rows.size(); i += threads)
        one(i);
    });
  for (std::thread &t : pool)
    t.join();
  return y;
}

class GpuPropertyTest : public GpuContextTest {
protected:
  /// Compiles `spec` for `arch`, loads it, sets random weights and checks
  /// forward at each m against float64 (every row for small m, else 64
  /// sampled rows including the first and last; every output finite).
  void runSpec(MlpSpec spec, const std::string &arch,
               const std::vector<int64_t> &ms, std::mt19937_64 &rng) {
    SCOPED_TRACE(spec.name + " for " + arch);
    CompileOptions options;
    options.arch = arch;
    options.useCache = false;
    options.tuningFile = "";
    options.cubin = true; // as the C API's JIT loads them
    auto compiled = compileMlp(spec, options);
    ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
    MlpProgram program = toProgram(*compiled);
    auto mlp = Mlp::load(program, *context);
    ASSERT_TRUE(bool(mlp)) << llvm::toString(mlp.takeError());

    BlockShape shape;
    shape.hidden = program.hidden;
    shape.intermediate = program.intermediate;
    shape.epilogue = program.epilogue;
    shape.bias = program.hasBias;
    shape.dtype = program.dtype;
    HostBlock w = randomBlock(shape, rng);
    DeviceTensors tensors{*context, {}};
    ASSERT_OK((*mlp)->setWeights(tensors.weights(w), stream->get()));
    ASSERT_OK(stream->synchronize());

    const Driver &d = context->driver();
    const int64_t h = program.hidden;
    for (int64_t m : ms) {
      SCOPED_TRACE("m = " + std::to_string(m));
      HostTensor x = randomTensor(size_t(m * h), 1.0, program.dtype, rng);
      auto dx = upload(*context, x);
      ASSERT_TRUE(bool(dx)) << llvm::toString(dx.takeError());
      auto dy = DeviceBuffer::allocate(*context, size_t(m * h) * 2);
      ASSERT_TRUE(bool(dy)) << llvm::toString(dy.takeError());
      ASSERT_EQ(d.cuMemsetD8(dy->ptr(), 0xff, dy->size()), CUDA_SUCCESS);
      ASSERT_OK((*mlp)->forward(dx->get(), dy->get(), m, stream->get()));
      ASSERT_OK(stream->synchronize());
      auto y = download(*context, dy->get(), size_t(m * h));
      ASSERT_TRUE(bool(y)) << llvm::toString(y.takeError());

      std::vector<int64_t> rows;
      if (m <= 64) {
        for (int64_t r = 0; r < m; ++r)
          rows.push_back(r);
      } else {
        rows = {0, m - 1};
        while (rows.size() < 64)
          rows.push_back(std::uniform_int_distribution<int64_t>(1, m - 2)(rng));
      }
      std::vector<double> ref = referenceRows(program, w, x, rows);
      std::vector<uint16_t> picked;
      for (int64_t r : rows)
        picked.insert(picked.end(), y->begin() + r * h,
                      y->begin() + (r + 1) * h);
      for (size_t i = 0; i < y->size(); ++i)
        ASSERT_TRUE(std::isfinite(host::fromBits((*y)[i], program.dtype)))
            << "y[" << i << "] is not finite (not written?)";
      double err = relativeError(picked, program.dtype, ref);
      EXPECT_LE(err, 1e-2) << "relative error " << err;
    }
  }

  /// The GPU's arch and sm_80.
  std::vector<std::string> archs() const {
    std::vector<std::string> a{context->arch()};
    if (a[0] != "sm_80")
      a.push_back("sm_80");
    return a;
  }
};

uint64_t seedFromEnvironment() {
  if (const char *s = std::getenv("MLPJIT_PROPERTY_SEED"); s && *s)
    return std::strtoull(s, nullptr, 0);
  return std::random_device{}();
}

TEST_F(GpuPropertyTest, RandomSampleMatchesFloat64) {
  const uint64_t seed = seedFromEnvironment();
  llvm::errs() << "GPU property test: MLPJIT_PROPERTY_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const Activation acts[] = {Activation::swiglu,    Activation::geglu_tanh,
                             Activation::geglu_erf, Activation::reglu,
                             Activation::gelu_tanh, Activation::gelu_erf,
                             Activation::relu,      Activation::silu};
  // The smallest sizes first, then random multiples of 8 up to 2048 (every
  // gate/up block from 8 to 64 rows; most not multiples of any tile width).
  std::vector<std::pair<int64_t, int64_t>> sizes = {
      {8, 8}, {16, 16}, {24, 24}, {8, 24}, {24, 8}, {136, 88}, {264, 1376}};
  while (sizes.size() < 20)
    sizes.push_back({8 * pick(1, 256), 8 * pick(1, 256)});
  int index = 0;
  for (auto [hidden, intermediate] : sizes) {
    MlpSpec spec;
    spec.name = "gpu_p" + std::to_string(index++);
    spec.hidden = hidden;
    spec.intermediate = intermediate;
    spec.activation = acts[pick(0, std::size(acts) - 1)];
    spec.dtype = pick(0, 1) ? DType::bf16 : DType::f16;
    spec.bias = pick(0, 1);
    spec.tokensMin = 1;
    spec.tokensMax = 1000;
    ASSERT_OK(validateSpec(spec));
    llvm::errs() << spec.name << ": hidden " << hidden << ", intermediate "
                 << intermediate << ", " << toString(spec.activation) << ", "
                 << (spec.dtype == DType::bf16 ? "bf16" : "fp16")
                 << (spec.bias ? ", bias" : "") << "\n";
    // Odd token counts across the buckets.
    std::vector<int64_t> ms = {1, 7, pick(9, 63) | 1, 129, 1000 - 1};
    for (const std::string &arch : archs())
      runSpec(spec, arch, ms, rng);
  }
}

TEST_F(GpuPropertyTest, Llama2ShardsMatchFloat64) {
  auto specs = loadSpecFile(MLPJIT_MODELS_DIR "/llama-2-7b.json");
  ASSERT_TRUE(bool(specs)) << llvm::toString(specs.takeError());
  std::mt19937_64 rng(std::random_device{}());
  for (int64_t tp : {2, 4, 8}) {
    // One rank's block, as each GPU runs it (see mlpjit-run).
    MlpSpec spec = specs->front();
    spec.name = "llama2_tp" + std::to_string(tp);
    spec.intermediate /= tp;
    spec.tokensMax = 1000;
    for (const std::string &arch : archs())
      runSpec(spec, arch, {1, 7, 100, 1000}, rng);
  }
}

} // namespace
