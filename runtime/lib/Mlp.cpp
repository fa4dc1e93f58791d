//===- Mlp.cpp - the public API: load, pack weights, forward --------------===//
#include "mlpjit/mlpjit.h"

#include "GemmLaunch.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

using namespace mlpjit;

static llvm::Error apiError(const MlpProgram &p, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "mlpjit: MLP '" + p.name + "': " + msg);
}

static constexpr size_t kElementBytes = 2; // bf16 and fp16

/// The operand shapes each role's kernel must have in this block.
static llvm::Error checkKernelAgainstBlock(const MlpProgram &p,
                                           const KernelDesc &k) {
  const bool gated = isGated(p.epilogue);
  auto mismatch = [&](const llvm::Twine &what) {
    return apiError(p, "kernel '" + k.name + "' (" + toString(k.role) +
                           "): " + what);
  };
  if (k.dtype != p.dtype)
    return mismatch(llvm::Twine("dtype ") + toString(k.dtype) +
                    " differs from the block's " + toString(p.dtype));
  if (k.hasBias != p.hasBias)
    return mismatch(k.hasBias ? "has a bias, the block has none"
                              : "has no bias, the block has one");
  if (k.role == KernelRole::gate_up) {
    int64_t n = gated ? 2 * p.intermediate : p.intermediate;
    if (k.n != n || k.k != p.hidden)
      return mismatch("is " + llvm::Twine(k.n) + "x" + llvm::Twine(k.k) +
                      ", the block needs " + llvm::Twine(n) + "x" +
                      llvm::Twine(p.hidden) + " (n x k)");
    if (k.epilogue != p.epilogue)
      return mismatch(llvm::Twine("epilogue ") + toString(k.epilogue) +
                      " differs from the block's " + toString(p.epilogue));
    if (gated && k.interleaveRows != p.interleaveRows)
      return mismatch("interleaves gate/up in blocks of " +
                      llvm::Twine(k.interleaveRows) + " rows, the program in " +
                      llvm::Twine(p.interleaveRows));
  } else {
    if (k.n != p.hidden || k.k != p.intermediate)
      return mismatch("is " + llvm::Twine(k.n) + "x" + llvm::Twine(k.k) +
                      ", the block needs " + llvm::Twine(p.hidden) + "x" +
                      llvm::Twine(p.intermediate) + " (n x k)");
    if (k.epilogue != Epilogue::none)
      return mismatch(llvm::Twine("the down projection has no activation, "
                                  "got ") +
                      toString(k.epilogue));
  }
  if (auto e = checkLaunchable(k))
    return apiError(p, llvm::toString(std::move(e)));
  return llvm::Error::success();
}

namespace {
/// One token bucket: the indices of its two kernels in program.kernels.
struct BucketIndex {
  int64_t mMin, mMax;
  int gateUp = -1, down = -1;
};
} // namespace

/// Pairs the kernels per bucket and checks coverage of the token range.
static llvm::Expected<std::vector<BucketIndex>>
pairBuckets(const MlpProgram &p) {
  std::vector<BucketIndex> buckets;
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    const KernelDesc &desc = p.kernels[i].desc;
    auto it = llvm::find_if(buckets, [&](const BucketIndex &b) {
      return b.mMin == desc.mMin && b.mMax == desc.mMax;
    });
    if (it == buckets.end()) {
      buckets.push_back({desc.mMin, desc.mMax});
      it = std::prev(buckets.end());
    }
    int &slot = desc.role == KernelRole::gate_up ? it->gateUp : it->down;
    if (slot >= 0)
      return apiError(p, "two " + llvm::Twine(toString(desc.role)) +
                             " kernels for tokens [" + llvm::Twine(desc.mMin) +
                             ", " + llvm::Twine(desc.mMax) + "]");
    slot = int(i);
  }
  llvm::sort(buckets, [](const BucketIndex &a, const BucketIndex &b) {
    return a.mMin < b.mMin;
  });
  int64_t next = p.tokensMin; // the first M not yet covered
  for (const BucketIndex &b : buckets) {
    if (b.gateUp < 0 || b.down < 0)
      return apiError(p, "token bucket [" + llvm::Twine(b.mMin) + ", " +
                             llvm::Twine(b.mMax) + "] lacks its " +
                             (b.gateUp < 0 ? "gate-up" : "down") + " kernel");
    if (b.mMin <= next && b.mMax >= next)
      next = b.mMax + 1;
    else if (b.mMin > next && next <= p.tokensMax)
      break;
  }
  if (next <= p.tokensMax)
    return apiError(p, "no kernel covers M = " + llvm::Twine(next));
  return buckets;
}

llvm::Error mlpjit::validateProgram(const MlpProgram &p) {
  if (p.hidden <= 0 || p.intermediate <= 0)
    return apiError(p, "hidden and intermediate sizes must be positive");
  if (p.tokensMin < 1 || p.tokensMax < p.tokensMin)
    return apiError(p, "invalid token range [" + llvm::Twine(p.tokensMin) +
                           ", " + llvm::Twine(p.tokensMax) + "]");
  if (p.tensorParallel < 1 || p.tensorParallel > MlpProgram::kMaxTensorParallel)
    return apiError(p, "tensorParallel " + llvm::Twine(p.tensorParallel) +
                           " is outside [1, " +
                           llvm::Twine(MlpProgram::kMaxTensorParallel) + "]");
  if (isGated(p.epilogue)) {
    if (p.interleaveRows < 0)
      return apiError(p, "negative gate/up interleave block");
    if (p.interleaveRows > 0 && p.intermediate % p.interleaveRows)
      return apiError(p, "intermediate size " + llvm::Twine(p.intermediate) +
                             " is not a multiple of the interleave block " +
                             llvm::Twine(p.interleaveRows));
  }
  if (p.kernels.empty())
    return apiError(p, "the program has no kernels");
  for (const KernelArtifact &a : p.kernels) {
    if (a.ptx.empty())
      return apiError(p, "kernel '" + a.desc.name + "' has no PTX");
    if (auto e = checkKernelAgainstBlock(p, a.desc))
      return e;
  }
  auto buckets = pairBuckets(p);
  if (!buckets)
    return buckets.takeError();
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<Mlp>> Mlp::load(const MlpProgram &program,
                                               const DeviceContext &context) {
  if (auto e = validateProgram(program))
    return e;
  std::unique_ptr<Mlp> mlp(new Mlp(context));
  mlp->prog = program;
  const MlpProgram &p = mlp->prog;
  if (auto e = context.makeCurrent())
    return e;

  for (const KernelArtifact &artifact : p.kernels) {
    if (auto e = checkArchRunsOn(artifact.desc.arch, context.arch()))
      return e;
    auto k = LoadedKernel::load(context, artifact);
    if (!k)
      return k.takeError();
    mlp->loaded.push_back(std::move(*k));
  }
  auto buckets = pairBuckets(p);
  if (!buckets)
    return buckets.takeError();

  // Scratch: the largest partial-sum buffer any kernel needs within the
  // program's token range, and each split-K kernel's own counters.
  size_t partialBytes = 0, counterBytes = 0;
  for (const BucketIndex &b : *buckets) {
    Bucket bucket{b.mMin, b.mMax};
    bucket.gateUp = mlp->loaded[b.gateUp].get();
    bucket.down = mlp->loaded[b.down].get();
    for (auto [k, offset] : {std::pair{bucket.gateUp, &bucket.gateUpCounters},
                             {bucket.down, &bucket.downCounters}}) {
      const KernelDesc &desc = k->desc();
      partialBytes =
          std::max(partialBytes,
                   gemmWorkspaceBytes(desc, std::min(desc.mMax, p.tokensMax),
                                      context.numSMs(), k->residentCtas()));
      *offset = counterBytes;
      counterBytes += gemmCounterBytes(desc);
    }
    mlp->buckets.push_back(bucket);
  }

  auto allocate = [&](DeviceBuffer &buffer, size_t bytes,
                      const char *what) -> llvm::Error {
    auto b = DeviceBuffer::allocate(context, bytes);
    if (!b)
      return apiError(p, llvm::Twine("allocating ") + what + ": " +
                             llvm::toString(b.takeError()));
    buffer = std::move(*b);
    return llvm::Error::success();
  };
  if (auto e = allocate(mlp->intermediate,
                        size_t(p.tokensMax) * p.intermediate * kElementBytes,
                        "the intermediate activations"))
    return e;
  if (isGated(p.epilogue)) {
    if (auto e = allocate(mlp->packedWeight,
                          size_t(2) * p.intermediate * p.hidden * kElementBytes,
                          "the packed gate/up weight"))
      return e;
    if (p.hasBias)
      if (auto e = allocate(mlp->packedBias,
                            size_t(2) * p.intermediate * kElementBytes,
                            "the packed gate/up bias"))
        return e;
  }
  if (counterBytes) {
    if (auto e = allocate(mlp->partials, partialBytes, "split-K partial sums"))
      return e;
    if (auto e = allocate(mlp->counters, counterBytes, "split-K counters"))
      return e;
    // Counters start at zero; every launch leaves them at zero. The memset
    // runs on the legacy stream, which forward's non-blocking streams do not
    // wait for: finish it here.
    const Driver &d = context.driver();
    if (auto e = d.check(d.cuMemsetD8(mlp->counters.ptr(), 0, counterBytes),
                         "zeroing split-K counters"))
      return e;
    if (auto e = d.check(d.cuCtxSynchronize(), "zeroing split-K counters"))
      return e;
  }
  return mlp;
}

Mlp::~Mlp() = default;

size_t Mlp::ownedBytes() const {
  return intermediate.size() + packedWeight.size() + packedBias.size() +
         partials.size() + counters.size();
}

std::vector<const LoadedKernel *> Mlp::kernels() const {
  std::vector<const LoadedKernel *> out;
  for (const auto &k : loaded)
    out.push_back(k.get());
  return out;
}

/// Copies `rows` rows of `rowBytes` from src into every other block of
/// `block` rows of dst, starting `dstOffset` bytes in: one strided 2-D copy.
static llvm::Error copyBlocks(const Driver &d, CUdeviceptr dst,
                              size_t dstOffset, const void *src, int64_t rows,
                              int64_t block, size_t rowBytes, CUstream stream) {
  CUDA_MEMCPY2D copy{};
  copy.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  copy.srcDevice = reinterpret_cast<CUdeviceptr>(src);
  copy.srcPitch = size_t(block) * rowBytes;
  copy.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  copy.dstDevice = dst + dstOffset;
  copy.dstPitch = 2 * size_t(block) * rowBytes;
  copy.WidthInBytes = size_t(block) * rowBytes;
  copy.Height = size_t(rows / block);
  return d.check(d.cuMemcpy2DAsync(&copy, stream), "packing gate/up weights");
}

llvm::Error Mlp::packGateUp(const void *gate, const void *up,
                            const void *gateBias, const void *upBias,
                            CUstream stream) {
  const Driver &d = ctx.driver();
  const int64_t i = prog.intermediate;
  auto pack = [&](CUdeviceptr dst, const void *g, const void *u,
                  size_t rowBytes) -> llvm::Error {
    if (prog.interleaveRows == 0) { // stacked [gate; up]
      if (auto e =
              d.check(d.cuMemcpyAsync(dst, reinterpret_cast<CUdeviceptr>(g),
                                      size_t(i) * rowBytes, stream),
                      "copying the gate weight"))
        return e;
      return d.check(d.cuMemcpyAsync(dst + size_t(i) * rowBytes,
                                     reinterpret_cast<CUdeviceptr>(u),
                                     size_t(i) * rowBytes, stream),
                     "copying the up weight");
    }
    if (auto e =
            copyBlocks(d, dst, 0, g, i, prog.interleaveRows, rowBytes, stream))
      return e;
    return copyBlocks(d, dst, size_t(prog.interleaveRows) * rowBytes, u, i,
                      prog.interleaveRows, rowBytes, stream);
  };
  if (auto e = pack(packedWeight.ptr(), gate, up,
                    size_t(prog.hidden) * kElementBytes))
    return e;
  if (prog.hasBias)
    if (auto e = pack(packedBias.ptr(), gateBias, upBias, kElementBytes))
      return e;
  gateUpWeight = packedWeight.get();
  gateUpBias = prog.hasBias ? packedBias.get() : nullptr;
  return llvm::Error::success();
}

static bool misaligned(const void *p) {
  return (reinterpret_cast<uintptr_t>(p) & 15) != 0;
}

llvm::Error Mlp::setDown(const void *down, const void *bias) {
  downWeight = down;
  downBias = bias;
  weightsSet = true;
  return llvm::Error::success();
}

llvm::Error Mlp::setWeights(const WeightPointers &w, CUstream stream) {
  const bool gated = isGated(prog.epilogue);
  weightsSet = false;
  if ((gated && !w.gate) || !w.up || !w.down)
    return apiError(prog, gated ? "gate, up and down weights are required"
                                : "up and down weights are required (a plain "
                                  "MLP has no gate)");
  if (!gated && (w.gate || w.gateBias))
    return apiError(prog, "a plain MLP takes no gate weight or bias");
  bool biases = w.upBias && w.downBias && (!gated || w.gateBias);
  bool anyBias = w.gateBias || w.upBias || w.downBias;
  if (prog.hasBias && !biases)
    return apiError(prog, gated ? "the MLP has biases: gate, up and down "
                                  "biases are required"
                                : "the MLP has biases: up and down biases "
                                  "are required");
  if (!prog.hasBias && anyBias)
    return apiError(prog, "the MLP has no biases but one was given");
  for (const void *p : {w.gate, w.up, w.down, w.gateBias, w.upBias, w.downBias})
    if (p && misaligned(p))
      return apiError(prog, "weight pointers must be 16-byte aligned");
  if (auto e = ctx.makeCurrent())
    return e;
  if (gated) {
    if (auto e = packGateUp(w.gate, w.up, w.gateBias, w.upBias, stream))
      return e;
  } else {
    gateUpWeight = w.up; // used in place
    gateUpBias = w.upBias;
  }
  return setDown(w.down, w.downBias);
}

llvm::Error Mlp::setPackedGateUp(const void *gateUp, const void *down,
                                 const void *gateUpBiasIn,
                                 const void *downBiasIn, CUstream stream) {
  weightsSet = false;
  if (!isGated(prog.epilogue))
    return apiError(prog, "a packed gate_up weight needs a gated MLP");
  if (!gateUp || !down)
    return apiError(prog, "gate_up and down weights are required");
  if (prog.hasBias != (gateUpBiasIn && downBiasIn) ||
      (!prog.hasBias && (gateUpBiasIn || downBiasIn)))
    return apiError(prog, prog.hasBias
                              ? "the MLP has biases: both are required"
                              : "the MLP has no biases but one was given");
  for (const void *p : {gateUp, down, gateUpBiasIn, downBiasIn})
    if (p && misaligned(p))
      return apiError(prog, "weight pointers must be 16-byte aligned");
  if (auto e = ctx.makeCurrent())
    return e;
  const char *g = static_cast<const char *>(gateUp);
  const char *gb = static_cast<const char *>(gateUpBiasIn);
  if (auto e = packGateUp(
          g, g + size_t(prog.intermediate) * prog.hidden * kElementBytes, gb,
          gb ? gb + size_t(prog.intermediate) * kElementBytes : nullptr,
          stream))
    return e;
  return setDown(down, downBiasIn);
}

/// The down GEMM starts as a programmatic dependent of gate-up only with
/// MLPJIT_PDL=1: on the H200 it cost 13 us at M = 1 and 3 us at M = 64
/// (llama-3-8b, docs/performance.md v4), so it is off by default.
static bool programmaticLaunch() {
  static const bool enabled = [] {
    const char *v = std::getenv("MLPJIT_PDL");
    return v && std::string_view(v) == "1";
  }();
  return enabled;
}

const Mlp::Bucket *Mlp::bucketFor(int64_t m) const {
  for (const Bucket &b : buckets)
    if (m >= b.mMin && m <= b.mMax)
      return &b;
  return nullptr;
}

llvm::Error Mlp::checkForward(const void *x, int64_t m,
                              const char *what) const {
  if (!weightsSet)
    return apiError(prog,
                    llvm::Twine(what) + " before setWeights/setPackedGateUp");
  if (m < prog.tokensMin || m > prog.tokensMax)
    return apiError(prog, llvm::Twine(what) + ": M = " + llvm::Twine(m) +
                              " is outside the compiled token range [" +
                              llvm::Twine(prog.tokensMin) + ", " +
                              llvm::Twine(prog.tokensMax) + "]");
  if (!x)
    return apiError(prog, llvm::Twine(what) + ": null pointer");
  if (misaligned(x))
    return apiError(prog,
                    llvm::Twine(what) + ": pointers must be 16-byte aligned");
  // forward may run on another thread than load: bind the context there.
  return ctx.ensureCurrent();
}

llvm::Error Mlp::launch(const LoadedKernel &kernel, size_t counterOffset,
                        const void *a, const void *w, const void *bias, void *d,
                        int64_t m, CUstream stream, bool dependent) const {
  void *kernelCounters =
      counters.ptr() ? static_cast<char *>(counters.get()) + counterOffset
                     : nullptr;
  const GemmOperands ops{a, w,        bias, d, partials.get(), kernelCounters,
                         m, dependent};
  return launchGemm(ctx.driver(), kernel.function(), kernel.desc(), ops, stream,
                    ctx.numSMs(), kernel.residentCtas());
}

llvm::Error Mlp::gateUp(const void *x, int64_t m, CUstream stream) const {
  if (auto e = checkForward(x, m, "gateUp"))
    return e;
  const Bucket *b = bucketFor(m);
  return launch(*b->gateUp, b->gateUpCounters, x, gateUpWeight, gateUpBias,
                intermediate.get(), m, stream);
}

llvm::Error Mlp::down(void *y, int64_t m, CUstream stream) const {
  if (auto e = checkForward(y, m, "down"))
    return e;
  const Bucket *b = bucketFor(m);
  return launch(*b->down, b->downCounters, intermediate.get(), downWeight,
                downBias, y, m, stream, programmaticLaunch());
}

llvm::Error Mlp::forward(const void *x, void *y, int64_t m,
                         CUstream stream) const {
  // Check both pointers before launching anything.
  if (auto e = checkForward(x, m, "forward"))
    return e;
  if (auto e = checkForward(y, m, "forward"))
    return e;
  if (auto e = gateUp(x, m, stream))
    return e;
  return down(y, m, stream);
}
