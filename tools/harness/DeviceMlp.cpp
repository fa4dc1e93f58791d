//===- DeviceMlp.cpp ------------------------------------------------------===//
#include "DeviceMlp.h"
#include "Timing.h"

#include "mlpjit/HostReference.h"
#include "mlpjit/mlpjit.h"

#include <cmath>
#include <cstring>

using namespace mlpjit;
using namespace mlpjit::harness;

llvm::Error DeviceArray::allocate(size_t bytes) {
  if (p)
    driver->cuMemFree(p);
  p = 0;
  n = bytes;
  return driver->check(driver->cuMemAlloc(&p, std::max<size_t>(bytes, 16)),
                       "cuMemAlloc");
}

static llvm::Expected<std::vector<uint16_t>>
rawToHost(const GpuSession &gpu, CUdeviceptr p, size_t n) {
  std::vector<uint16_t> raw(n);
  if (auto e = gpu.synchronize())
    return e;
  if (n == 0)
    return raw;
  const Driver &d = gpu.driver();
  if (auto e = d.check(d.cuMemcpyDtoH(raw.data(), p, n * 2), "cuMemcpyDtoH"))
    return e;
  return raw;
}

llvm::Expected<std::vector<double>>
mlpjit::harness::toHost(const GpuSession &gpu, CUdeviceptr p, size_t n,
                        DType dtype) {
  auto raw = rawToHost(gpu, p, n);
  if (!raw)
    return raw.takeError();
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = host::fromBits((*raw)[i], dtype);
  return out;
}

llvm::Expected<double> mlpjit::harness::relativeError(const GpuSession &gpu,
                                                      CUdeviceptr out,
                                                      CUdeviceptr ref, size_t n,
                                                      DType dtype) {
  auto o = toHost(gpu, out, n, dtype);
  if (!o)
    return o.takeError();
  auto r = toHost(gpu, ref, n, dtype);
  if (!r)
    return r.takeError();
  double diff = 0, norm = 0;
  for (size_t i = 0; i < n; ++i) {
    double dlt = (*o)[i] - (*r)[i];
    diff += dlt * dlt; // NaN propagates
    norm += (*r)[i] * (*r)[i];
  }
  return std::sqrt(diff) / std::sqrt(norm);
}

llvm::Expected<MlpWeights>
mlpjit::harness::randomWeights(GpuSession &gpu, const MlpSpec &spec,
                               unsigned long long seed,
                               std::vector<DeviceArray> &storage) {
  const int64_t h = spec.hidden, i = spec.intermediate;
  const bool gated = isGated(spec.activation);
  const Driver &d = gpu.driver();
  auto alloc = [&](size_t elems, float scale, CUdeviceptr &ptr) -> llvm::Error {
    storage.emplace_back(d);
    if (auto e = storage.back().allocate(elems * 2))
      return e;
    ptr = storage.back().ptr();
    return gpu.kernels().fillRandom(spec.dtype, ptr, elems, seed++, scale,
                                    gpu.stream());
  };
  MlpWeights w;
  const float wScale = 1.0f / std::sqrt(float(h)) * 1.7f;
  if (gated)
    if (auto e = alloc(size_t(i) * h, wScale, w.gate))
      return e;
  if (auto e = alloc(size_t(i) * h, wScale, w.up))
    return e;
  if (auto e = alloc(size_t(h) * i, 1.7f / std::sqrt(float(i)), w.down))
    return e;
  if (spec.bias) {
    if (gated)
      if (auto e = alloc(i, 0.1f, w.gateBias))
        return e;
    if (auto e = alloc(i, 0.1f, w.upBias))
      return e;
    if (auto e = alloc(h, 0.1f, w.downBias))
      return e;
  }
  // The merged baseline's stacked [gate; up] copy.
  if (gated) {
    storage.emplace_back(d);
    if (auto e = storage.back().allocate(size_t(2) * i * h * 2))
      return e;
    w.gateUp = storage.back().ptr();
    const size_t half = size_t(i) * h * 2;
    if (auto e = d.check(d.cuMemcpyAsync(w.gateUp, w.gate, half, gpu.stream()),
                         "cuMemcpyAsync"))
      return e;
    if (auto e =
            d.check(d.cuMemcpyAsync(w.gateUp + half, w.up, half, gpu.stream()),
                    "cuMemcpyAsync"))
      return e;
    if (spec.bias) {
      storage.emplace_back(d);
      if (auto e = storage.back().allocate(size_t(2) * i * 2))
        return e;
      w.gateUpBias = storage.back().ptr();
      if (auto e = d.check(
              d.cuMemcpyAsync(w.gateUpBias, w.gateBias, i * 2, gpu.stream()),
              "cuMemcpyAsync"))
        return e;
      if (auto e = d.check(d.cuMemcpyAsync(w.gateUpBias + i * 2, w.upBias,
                                           i * 2, gpu.stream()),
                           "cuMemcpyAsync"))
        return e;
    }
  }
  return w;
}

llvm::Expected<std::unique_ptr<DeviceMlp>>
DeviceMlp::compile(GpuSession &gpu, const MlpSpec &spec,
                   std::optional<std::string> tuningFile,
                   const DeviceMlp *weightsOf,
                   const MlpKernels::LoadOptions &load, int weightCopies) {
  CompileOptions options;
  options.tuningFile = std::move(tuningFile);
  options.cubin = true;
  auto compiled = compileMlp(spec, options);
  if (!compiled)
    return compiled.takeError();
  return create(gpu, *compiled, /*seed=*/17, weightsOf, load, weightCopies);
}

llvm::Expected<std::unique_ptr<DeviceMlp>>
DeviceMlp::create(GpuSession &gpu, const CompiledMlp &compiled,
                  unsigned long long seed, const DeviceMlp *weightsOf,
                  const MlpKernels::LoadOptions &load, int weightCopies) {
  if (!weightsOf && (weightCopies < 1 || weightCopies > kMaxWeightCopies))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "weight copies must be 1 to " +
                                       llvm::Twine(kMaxWeightCopies) +
                                       ", got " + llvm::Twine(weightCopies));
  std::unique_ptr<DeviceMlp> dm(new DeviceMlp(gpu));
  dm->specCopy = compiled.spec;
  dm->program = compiled;
  const MlpProgram program = toProgram(compiled);
  auto kernels = MlpKernels::load(program, gpu.context(), load);
  if (!kernels)
    return kernels.takeError();
  dm->kernels = std::move(*kernels);
  auto workspace = DeviceBuffer::allocate(
      gpu.context(), dm->kernels->workspaceBytes(program.tokensMax));
  if (!workspace)
    return workspace.takeError();
  dm->ownWorkspace = std::move(*workspace);
  const int n = weightsOf ? weightsOf->weightCopies() : weightCopies;
  for (int c = 0; c < n; ++c) {
    auto layer = MlpLayer::create(dm->kernels);
    if (!layer)
      return layer.takeError();
    if (weightsOf) {
      // Not owned: weightsOf's storage holds them.
      dm->copies.push_back(weightsOf->copies[c]);
      if (auto e = (*layer)->shareWeights(*weightsOf->layers[c]))
        return e;
    } else {
      auto w =
          randomWeights(gpu, dm->specCopy, seed + 1000ull * c, dm->storage);
      if (!w)
        return w.takeError();
      dm->copies.push_back(*w);
      WeightPointers ptrs;
      ptrs.gate = reinterpret_cast<const void *>(w->gate);
      ptrs.up = reinterpret_cast<const void *>(w->up);
      ptrs.down = reinterpret_cast<const void *>(w->down);
      ptrs.gateBias = reinterpret_cast<const void *>(w->gateBias);
      ptrs.upBias = reinterpret_cast<const void *>(w->upBias);
      ptrs.downBias = reinterpret_cast<const void *>(w->downBias);
      if (auto e = (*layer)->setWeights(ptrs, gpu.stream()))
        return e;
    }
    dm->layers.push_back(std::move(*layer));
  }
  if (!weightsOf)
    if (auto e = gpu.synchronize())
      return e;
  return dm;
}

DeviceMlp::~DeviceMlp() = default;

size_t DeviceMlp::workspaceBytes() const { return ownWorkspace.size(); }

void *DeviceMlp::workspacePtr() const {
  return externalWorkspace ? reinterpret_cast<void *>(externalWorkspace)
                           : ownWorkspace.get();
}

size_t DeviceMlp::workspaceSize() const {
  return externalWorkspace ? externalWorkspaceBytes : ownWorkspace.size();
}

llvm::Error DeviceMlp::forward(CUdeviceptr x, CUdeviceptr y, int64_t m,
                               CUstream stream, int call) const {
  return layer(call).forward(reinterpret_cast<const void *>(x),
                             reinterpret_cast<void *>(y), m, workspacePtr(),
                             workspaceSize(), stream);
}

llvm::Error DeviceMlp::gateUp(CUdeviceptr x, int64_t m, CUstream stream,
                              int call) const {
  return layer(call).gateUp(reinterpret_cast<const void *>(x), m,
                            workspacePtr(), workspaceSize(), stream);
}

llvm::Error DeviceMlp::down(CUdeviceptr y, int64_t m, CUstream stream,
                            int call) const {
  return layer(call).down(reinterpret_cast<void *>(y), m, workspacePtr(),
                          workspaceSize(), stream);
}

llvm::Expected<double> DeviceMlp::cpuCheck(CUdeviceptr x, CUdeviceptr y,
                                           int64_t m,
                                           llvm::ArrayRef<int64_t> rows,
                                           int call) {
  const MlpSpec &spec = specCopy;
  const int copy = int(size_t(call) % copies.size());
  const MlpWeights &w = copies[copy];
  HostWeights &onHost = hostWeights[copy];
  const int64_t h = spec.hidden, i = spec.intermediate;
  const bool gated = isGated(spec.activation);
  auto load = [&](CUdeviceptr p, size_t n,
                  std::vector<double> &out) -> llvm::Error {
    if (!p || !out.empty())
      return llvm::Error::success();
    auto v = toHost(gpu, p, n, spec.dtype);
    if (!v)
      return v.takeError();
    out = std::move(*v);
    return llvm::Error::success();
  };
  if (auto e = load(w.gate, size_t(i) * h, onHost.gate))
    return e;
  if (auto e = load(w.up, size_t(i) * h, onHost.up))
    return e;
  if (auto e = load(w.down, size_t(h) * i, onHost.down))
    return e;
  if (auto e = load(w.gateBias, i, onHost.gateBias))
    return e;
  if (auto e = load(w.upBias, i, onHost.upBias))
    return e;
  if (auto e = load(w.downBias, h, onHost.downBias))
    return e;
  auto xs = toHost(gpu, x, size_t(m) * h, spec.dtype);
  if (!xs)
    return xs.takeError();
  auto ys = toHost(gpu, y, size_t(m) * h, spec.dtype);
  if (!ys)
    return ys.takeError();

  double diff = 0, norm = 0;
  std::vector<double> act(i);
  for (int64_t r : rows) {
    const double *xr = xs->data() + r * h;
    for (int64_t j = 0; j < i; ++j) {
      double g = 0, u = 0;
      const double *uj = onHost.up.data() + j * h;
      for (int64_t c = 0; c < h; ++c)
        u += xr[c] * uj[c];
      if (!onHost.upBias.empty())
        u += onHost.upBias[j];
      if (gated) {
        const double *gj = onHost.gate.data() + j * h;
        for (int64_t c = 0; c < h; ++c)
          g += xr[c] * gj[c];
        if (!onHost.gateBias.empty())
          g += onHost.gateBias[j];
      }
      act[j] = host::epilogue(toEpilogue(spec.activation), gated ? g : u, u);
    }
    for (int64_t c = 0; c < h; ++c) {
      const double *dc = onHost.down.data() + c * i;
      double ref = onHost.downBias.empty() ? 0.0 : onHost.downBias[c];
      for (int64_t j = 0; j < i; ++j)
        ref += act[j] * dc[j];
      double dlt = (*ys)[r * h + c] - ref;
      diff += dlt * dlt;
      norm += ref * ref;
    }
  }
  return std::sqrt(diff) / std::sqrt(norm);
}

llvm::Expected<TimingBuffers>
TimingBuffers::allocate(const GpuSession &gpu, DType dtype, int64_t m,
                        int64_t hidden, size_t scratchBytes,
                        unsigned long long seed, CUstream stream) {
  TimingBuffers b(gpu.driver());
  const size_t count = size_t(m) * hidden, bytes = count * 2;
  for (int r = 0; r < kRotations; ++r) {
    b.xs.emplace_back(gpu.driver());
    b.ys.emplace_back(gpu.driver());
    if (auto e = b.xs.back().allocate(bytes))
      return e;
    if (auto e = b.ys.back().allocate(bytes))
      return e;
    if (auto e = gpu.kernels().fillRandom(dtype, b.xs.back().ptr(), count,
                                          seed + r, 1.0f, stream))
      return e;
  }
  if (auto e = b.yRef.allocate(bytes))
    return e;
  if (auto e = b.scratch.allocate(scratchBytes))
    return e;
  return b;
}

CublasLtMlp DeviceMlp::cublasLtBaseline() const {
  const MlpSpec &spec = specCopy;
  return CublasLtMlp(gpu.gemm(spec.dtype), gpu.kernels(), spec.dtype,
                     toEpilogue(spec.activation), spec.hidden,
                     spec.intermediate);
}

llvm::Expected<DeviceMlp::Check>
DeviceMlp::checkForward(CublasLtMlp *baseline, CUdeviceptr x, CUdeviceptr y,
                        CUdeviceptr yRef, CUdeviceptr scratch, int64_t m,
                        llvm::ArrayRef<int64_t> cpuRows, CUstream stream,
                        int call) {
  const size_t elems = size_t(m) * specCopy.hidden;
  if (auto e = gpu.kernels().poison(y, elems, stream))
    return e;
  if (auto e = gpu.kernels().poison(yRef, elems, stream))
    return e;
  if (auto e = forward(x, y, m, stream, call))
    return e;
  Check check;
  check.cublasChecked = baseline != nullptr;
  if (baseline) {
    if (auto e = baseline->unfused(weights(call), x, yRef, m, scratch, stream))
      return e;
    auto errCublas = relativeError(gpu, y, yRef, elems, specCopy.dtype);
    if (!errCublas)
      return errCublas.takeError();
    check.relErrCublas = *errCublas;
  }
  auto errCpu = cpuCheck(x, y, m, cpuRows, call);
  if (!errCpu)
    return errCpu.takeError();
  check.relErrCpu = *errCpu;
  return check;
}
