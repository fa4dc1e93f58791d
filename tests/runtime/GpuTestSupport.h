//===- GpuTestSupport.h - what the runtime's GPU tests share --------------===//
//
// bf16/fp16 conversions, random host tensors, the float64 reference of an MLP
// block (intermediate rounded to the dtype as the kernels store it), upload,
// download, and TestPrograms.h programs compiled to PTX with codegen.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TESTS_RUNTIME_GPUTESTSUPPORT_H
#define MLPJIT_TESTS_RUNTIME_GPUTESTSUPPORT_H

#include "TestPrograms.h"

#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/HostReference.h"
#include "mlpjit/Module.h"

#include "mlpjit/mlpjit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace mlpjit::testing {

#define ASSERT_OK(expr)                                                        \
  do {                                                                         \
    if (llvm::Error err_ = (expr))                                             \
      FAIL() << llvm::toString(std::move(err_));                               \
  } while (0)

struct HostTensor {
  std::vector<uint16_t> bits;
  std::vector<double> values; // the bf16 values as doubles
};

inline HostTensor randomTensor(size_t n, double scale, DType dtype,
                               std::mt19937_64 &rng) {
  std::uniform_real_distribution<float> dist(-1, 1);
  HostTensor t;
  for (size_t i = 0; i < n; ++i) {
    t.bits.push_back(host::toBits(float(dist(rng) * scale), dtype));
    t.values.push_back(host::fromBits(t.bits.back(), dtype));
  }
  return t;
}

struct HostBlock {
  HostTensor gate, up, down, gateBias, upBias, downBias;
};

/// y = down(act(gate x + bg) * (up x + bu)) + bd in float64, the
/// intermediate rounded to bf16 as the gate-up kernel stores it.
inline std::vector<double> reference(const MlpProgram &p, const HostBlock &w,
                                     const HostTensor &x, int64_t m) {
  const int64_t h = p.hidden, in = p.intermediate;
  const bool gated = isGated(p.epilogue);
  std::vector<double> act(size_t(m * in)), y(size_t(m * h));
  for (int64_t r = 0; r < m; ++r)
    for (int64_t j = 0; j < in; ++j) {
      double u = p.hasBias ? w.upBias.values[j] : 0, g = 0;
      if (gated)
        g = p.hasBias ? w.gateBias.values[j] : 0;
      for (int64_t c = 0; c < h; ++c) {
        double xv = x.values[r * h + c];
        u += xv * w.up.values[j * h + c];
        if (gated)
          g += xv * w.gate.values[j * h + c];
      }
      double a = host::epilogue(p.epilogue, gated ? g : u, u);
      act[r * in + j] =
          host::fromBits(host::toBits(float(a), p.dtype), p.dtype);
    }
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < h; ++c) {
      double s = p.hasBias ? w.downBias.values[c] : 0;
      for (int64_t j = 0; j < in; ++j)
        s += act[r * in + j] * w.down.values[c * in + j];
      y[r * h + c] = s;
    }
  return y;
}

/// Random weights of a block, scaled so that activations stay O(1).
inline HostBlock randomBlock(const BlockShape &shape, std::mt19937_64 &rng) {
  const int64_t h = shape.hidden, in = shape.intermediate;
  const bool gated = isGated(shape.epilogue);
  HostBlock w;
  if (gated)
    w.gate = randomTensor(size_t(in * h), 1.7 / std::sqrt(double(h)),
                          shape.dtype, rng);
  w.up = randomTensor(size_t(in * h), 1.7 / std::sqrt(double(h)), shape.dtype,
                      rng);
  w.down = randomTensor(size_t(h * in), 1.7 / std::sqrt(double(in)),
                        shape.dtype, rng);
  if (shape.bias) {
    if (gated)
      w.gateBias = randomTensor(size_t(in), 0.1, shape.dtype, rng);
    w.upBias = randomTensor(size_t(in), 0.1, shape.dtype, rng);
    w.downBias = randomTensor(size_t(h), 0.1, shape.dtype, rng);
  }
  return w;
}

/// ||out - ref|| / ||ref||; NaN when any output is not finite.
inline double relativeError(const std::vector<uint16_t> &out, DType dtype,
                            const std::vector<double> &ref) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    double v = host::fromBits(out[i], dtype);
    if (!std::isfinite(v))
      return NAN;
    diff += (v - ref[i]) * (v - ref[i]);
    norm += ref[i] * ref[i];
  }
  return std::sqrt(diff / norm);
}

/// A device copy of a host tensor.
inline llvm::Expected<DeviceBuffer> upload(const DeviceContext &context,
                                           const HostTensor &t) {
  auto b = DeviceBuffer::allocate(context, t.bits.size() * 2);
  if (!b)
    return b.takeError();
  const Driver &d = context.driver();
  if (auto e = d.check(d.cuMemcpyHtoD(b->ptr(), t.bits.data(), b->size()),
                       "cuMemcpyHtoD"))
    return e;
  // From pageable memory the copy may still be in flight when cuMemcpyHtoD
  // returns; the tests' non-blocking streams would not wait for it.
  if (auto e = d.check(d.cuCtxSynchronize(), "cuCtxSynchronize"))
    return e;
  return b;
}

/// Device copies of host tensors, owned by `keep` (a test fails on an upload
/// error and gets null); an empty tensor (no bias) is null.
struct DeviceTensors {
  const DeviceContext &context;
  std::vector<DeviceBuffer> keep;

  const void *put(const HostTensor &t) {
    if (t.bits.empty())
      return nullptr;
    auto b = upload(context, t);
    if (!b) {
      ADD_FAILURE() << llvm::toString(b.takeError());
      return nullptr;
    }
    keep.push_back(std::move(*b));
    return keep.back().get();
  }
  /// The block's six tensors as Mlp::setWeights takes them.
  WeightPointers weights(const HostBlock &w) {
    WeightPointers ptrs;
    ptrs.gate = put(w.gate);
    ptrs.up = put(w.up);
    ptrs.down = put(w.down);
    ptrs.gateBias = put(w.gateBias);
    ptrs.upBias = put(w.upBias);
    ptrs.downBias = put(w.downBias);
    return ptrs;
  }
};

/// Device output to the host.
inline llvm::Expected<std::vector<uint16_t>>
download(const DeviceContext &context, const void *p, size_t count) {
  std::vector<uint16_t> out(count);
  const Driver &d = context.driver();
  if (auto e =
          d.check(d.cuMemcpyDtoH(out.data(), reinterpret_cast<CUdeviceptr>(p),
                                 count * 2),
                  "cuMemcpyDtoH"))
    return e;
  return out;
}

/// makeProgram's kernels compiled to PTX for `arch`.
inline llvm::Expected<MlpProgram> compileProgram(const BlockShape &shape,
                                                 const std::string &arch) {
  MlpProgram p = makeProgram(shape, arch);
  for (KernelArtifact &k : p.kernels) {
    auto ptx = codegen::compileKernel(k.desc, nullptr);
    if (!ptx)
      return ptx.takeError();
    k.ptx = ptx->ptx;
  }
  return p;
}

/// GPU 0 and a stream; the test skips when there is no CUDA driver or GPU.
class GpuContextTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto c = DeviceContext::create(0);
    if (!c)
      GTEST_SKIP() << "no CUDA driver: " << llvm::toString(c.takeError());
    context = std::move(*c);
    auto s = Stream::create(*context);
    ASSERT_TRUE(bool(s)) << llvm::toString(s.takeError());
    stream = std::move(*s);
  }
  std::unique_ptr<DeviceContext> context;
  std::unique_ptr<Stream> stream;
};

} // namespace mlpjit::testing

#endif // MLPJIT_TESTS_RUNTIME_GPUTESTSUPPORT_H
