//===- Mlp.cpp - the public API: load, pack weights, forward --------------===//
#include "mlpjit/Errors.h"
#include "mlpjit/mlpjit.h"

#include "GemmLaunch.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

using namespace mlpjit;

/// "mlpjit: MLP '<name>': <msg>", the sentence of every error of a block.
static std::string blockMessage(const MlpProgram &p, const llvm::Twine &msg) {
  return ("mlpjit: MLP '" + p.name + "': " + msg).str();
}
static llvm::Error apiError(const MlpProgram &p, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 blockMessage(p, msg));
}
/// The same sentence, typed so the C API reports MLPJIT_ERROR_WORKSPACE.
static llvm::Error workspaceError(const MlpProgram &p, const llvm::Twine &msg) {
  return llvm::make_error<WorkspaceError>(blockMessage(p, msg));
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
    if (a.ptx.empty() && a.cubin.empty())
      return apiError(p,
                      "kernel '" + a.desc.name + "' has no PTX (nor a cubin)");
    if (auto e = checkKernelAgainstBlock(p, a.desc))
      return e;
  }
  // MlpKernels::load loads each kernel name once: a name must stand for one
  // kernel.
  const std::vector<size_t> first = p.firstOfEachName();
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    const KernelArtifact &a = p.kernels[i], &f = p.kernels[first[i]];
    if (first[i] != i && !f.sameKernelAndCode(a))
      return apiError(p, "two kernels named '" + a.desc.name + "' differ (" +
                             (f.desc.sameKernel(a.desc) ? "code" : "plan") +
                             ")");
  }
  auto buckets = pairBuckets(p);
  if (!buckets)
    return buckets.takeError();
  return llvm::Error::success();
}

// --- MlpKernels ------------------------------------------------------------

/// Whether environment variable `name` is "1" (the runtime's opt-in flags).
static bool envFlag(const char *name) {
  const char *v = std::getenv(name);
  return v && std::string_view(v) == "1";
}

/// Whether environment variable `name` is anything but "0" (the runtime's
/// opt-out flags).
static bool envUnlessZero(const char *name) {
  const char *v = std::getenv(name);
  return !(v && std::string_view(v) == "0");
}

/// Both on unless set to 0: TMA boxes past A's last row made a GEMM up to
/// 1.5x slower on the H200 (harness, session 27), the down GEMM of the whole
/// forward up to 12% (phi-3-mini at 96-100 tokens, session 26), the tp8
/// shard's forward 5% at 100 tokens (exact last tile, session 27;
/// docs/performance.md).
MlpKernels::LoadOptions MlpKernels::LoadOptions::fromEnvironment() {
  LoadOptions options;
  options.padIntermediate = envUnlessZero("MLPJIT_PAD_INTERMEDIATE");
  options.exactLastTile = envUnlessZero("MLPJIT_EXACT_LAST_TILE");
  return options;
}

llvm::Expected<std::shared_ptr<const MlpKernels>>
MlpKernels::load(const MlpProgram &program, const DeviceContext &context,
                 const LoadOptions &options) {
  if (auto e = validateProgram(program))
    return e;
  std::shared_ptr<MlpKernels> kernels(new MlpKernels(context));
  kernels->prog = program;
  kernels->options = options;
  const MlpProgram &p = kernels->prog;
  if (auto e = context.makeCurrent())
    return e;
  // Check every kernel before loading any: a wrong-arch artifact fails fast.
  for (const KernelArtifact &artifact : p.kernels)
    if (auto e = checkKernelRunsOn(artifact, context.arch()))
      return apiError(p, llvm::toString(std::move(e)));
  // One module per kernel name: the ranges that share a kernel share it.
  const std::vector<size_t> first = p.firstOfEachName();
  std::vector<const LoadedKernel *> ofArtifact;
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    if (first[i] < i) {
      ofArtifact.push_back(ofArtifact[first[i]]);
      continue;
    }
    auto k = LoadedKernel::load(context, p.kernels[i]);
    if (!k)
      return k.takeError();
    ofArtifact.push_back(k->get());
    kernels->loaded.push_back(std::move(*k));
  }
  auto buckets = pairBuckets(p);
  if (!buckets)
    return buckets.takeError();
  for (const BucketIndex &b : *buckets) {
    Bucket bucket{b.mMin, b.mMax};
    bucket.gateUp = ofArtifact[b.gateUp];
    bucket.down = ofArtifact[b.down];
    bucket.gateUpDesc = &p.kernels[b.gateUp].desc;
    bucket.downDesc = &p.kernels[b.down].desc;
    bucket.gateUpCounterBytes = gemmCounterBytes(*bucket.gateUpDesc);
    bucket.downCounterBytes = gemmCounterBytes(*bucket.downDesc);
    kernels->buckets.push_back(bucket);
  }
  return std::shared_ptr<const MlpKernels>(std::move(kernels));
}

MlpKernels::~MlpKernels() = default;

std::vector<const LoadedKernel *> MlpKernels::kernels() const {
  std::vector<const LoadedKernel *> out;
  for (const auto &k : loaded)
    out.push_back(k.get());
  return out;
}

const MlpKernels::Bucket *MlpKernels::bucketFor(int64_t m) const {
  for (const Bucket &b : buckets)
    if (m >= b.mMin && m <= b.mMax)
      return &b;
  return nullptr;
}

static size_t align256(size_t bytes) { return (bytes + 255) / 256 * 256; }

// [counters: gate-up's, down's][intermediate [rows, I]][fp32 partial sums].
// Counters first: they are the only part that must be zero on entry
// (launchGateUp). The partial sums are dead between
// the two launches (same stream), so both kernels share them.
MlpKernels::WorkspaceLayout MlpKernels::workspaceLayout(const Bucket &b,
                                                        int64_t m) const {
  WorkspaceLayout l;
  l.intermediateRows = options.padIntermediate
                           ? std::max(wholeTileRows(*b.gateUpDesc, m),
                                      wholeTileRows(*b.downDesc, m))
                           : m;
  l.downCounters = l.gateUpCounters + b.gateUpCounterBytes;
  l.intermediate = align256(l.downCounters + b.downCounterBytes);
  l.partials = l.intermediate + align256(size_t(l.intermediateRows) *
                                         prog.intermediate * kElementBytes);
  // Stream-K's partials depend on the grid the launch will use.
  auto partialBytes = [&](const KernelDesc &desc, const LoadedKernel *k) {
    return gemmWorkspaceBytes(desc, m, ctx.numSMs(), k->residentCtas());
  };
  l.total =
      l.partials + align256(std::max(partialBytes(*b.gateUpDesc, b.gateUp),
                                     partialBytes(*b.downDesc, b.down)));
  return l;
}

size_t MlpKernels::workspaceBytes(int64_t mMax) const {
  mMax = std::min(mMax, prog.tokensMax);
  size_t bytes = 0;
  // Every part grows with m within a bucket: its largest m decides.
  for (const Bucket &b : buckets)
    if (b.mMin <= mMax)
      bytes = std::max(bytes, workspaceLayout(b, std::min(b.mMax, mMax)).total);
  return bytes;
}

// --- MlpLayer --------------------------------------------------------------

llvm::Expected<std::unique_ptr<MlpLayer>>
MlpLayer::create(std::shared_ptr<const MlpKernels> kernels) {
  if (!kernels)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "mlpjit: MlpLayer::create without kernels");
  std::unique_ptr<MlpLayer> layer(new MlpLayer(std::move(kernels)));
  const MlpProgram &p = layer->program();
  const DeviceContext &context = layer->shared->context();
  auto allocate = [&](DeviceBuffer &buffer, size_t bytes,
                      const char *what) -> llvm::Error {
    auto b = DeviceBuffer::allocate(context, bytes);
    if (!b)
      return apiError(p, llvm::Twine("allocating ") + what + ": " +
                             llvm::toString(b.takeError()));
    buffer = std::move(*b);
    return llvm::Error::success();
  };
  if (isGated(p.epilogue)) {
    if (auto e = allocate(layer->packedWeight,
                          size_t(2) * p.intermediate * p.hidden * kElementBytes,
                          "the packed gate/up weight"))
      return e;
    if (p.hasBias)
      if (auto e = allocate(layer->packedBias,
                            size_t(2) * p.intermediate * kElementBytes,
                            "the packed gate/up bias"))
        return e;
  }
  return layer;
}

MlpLayer::~MlpLayer() = default;

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

llvm::Error MlpLayer::packGateUp(const void *gate, const void *up,
                                 const void *gateBias, const void *upBias,
                                 CUstream stream) {
  const MlpProgram &prog = program();
  const Driver &d = shared->context().driver();
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

static bool misaligned(const void *p, uintptr_t alignment = 16) {
  return (reinterpret_cast<uintptr_t>(p) & (alignment - 1)) != 0;
}

llvm::Error MlpLayer::setWeights(const WeightPointers &w, CUstream stream) {
  const MlpProgram &prog = program();
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
  if (auto e = shared->context().makeCurrent())
    return e;
  if (gated) {
    if (auto e = packGateUp(w.gate, w.up, w.gateBias, w.upBias, stream))
      return e;
  } else {
    gateUpWeight = w.up; // used in place
    gateUpBias = w.upBias;
  }
  downWeight = w.down;
  downBias = w.downBias;
  weightsSet = true;
  return llvm::Error::success();
}

llvm::Error MlpLayer::setPackedGateUp(const void *gateUp, const void *down,
                                      const void *gateUpBiasIn,
                                      const void *downBiasIn, CUstream stream) {
  const MlpProgram &prog = program();
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
  if (auto e = shared->context().makeCurrent())
    return e;
  const char *g = static_cast<const char *>(gateUp);
  const char *gb = static_cast<const char *>(gateUpBiasIn);
  if (auto e = packGateUp(
          g, g + size_t(prog.intermediate) * prog.hidden * kElementBytes, gb,
          gb ? gb + size_t(prog.intermediate) * kElementBytes : nullptr,
          stream))
    return e;
  downWeight = down;
  downBias = downBiasIn;
  weightsSet = true;
  return llvm::Error::success();
}

llvm::Error MlpLayer::shareWeights(const MlpLayer &other) {
  const MlpProgram &prog = program(), &theirs = other.program();
  if (&other == this) // refused before the reset below: it would drop them
    return apiError(prog, "shareWeights: a layer cannot share its own weights");
  weightsSet = false;
  if (!other.weightsSet)
    return apiError(prog, "shareWeights: the other layer has no weights");
  if (prog.hidden != theirs.hidden ||
      prog.intermediate != theirs.intermediate || prog.dtype != theirs.dtype ||
      prog.epilogue != theirs.epilogue || prog.hasBias != theirs.hasBias ||
      (isGated(prog.epilogue) && prog.interleaveRows != theirs.interleaveRows))
    return apiError(prog, "shareWeights: '" + theirs.name +
                              "' is another block (shapes, dtype, epilogue, "
                              "bias or gate/up interleave differ)");
  gateUpWeight = other.gateUpWeight;
  gateUpBias = other.gateUpBias;
  downWeight = other.downWeight;
  downBias = other.downBias;
  weightsSet = true;
  return llvm::Error::success();
}

/// The down GEMM starts as a programmatic dependent of gate-up only with
/// MLPJIT_PDL=1: on the H200 it cost 13 us at M = 1 and 3 us at M = 64
/// (llama-3-8b, docs/performance.md v4), and still 2-5 us at M <= 16 for
/// llama-3-8b and gemma-7b with the weights loaded before the wait
/// (session 5), so it is off by default.
static bool programmaticLaunch() {
  static const bool enabled = envFlag("MLPJIT_PDL");
  return enabled;
}

llvm::Error MlpLayer::checkForward(const void *p, int64_t m, void *workspace,
                                   size_t workspaceBytes, const char *what,
                                   const MlpKernels::Bucket *&bucket,
                                   MlpKernels::WorkspaceLayout &layout) const {
  const MlpProgram &prog = program();
  if (!weightsSet)
    return apiError(prog,
                    llvm::Twine(what) + " before setWeights/setPackedGateUp");
  if (m < prog.tokensMin || m > prog.tokensMax)
    return apiError(prog, llvm::Twine(what) + ": M = " + llvm::Twine(m) +
                              " is outside the compiled token range [" +
                              llvm::Twine(prog.tokensMin) + ", " +
                              llvm::Twine(prog.tokensMax) + "]");
  if (!p)
    return apiError(prog, llvm::Twine(what) + ": null pointer");
  if (misaligned(p))
    return apiError(prog,
                    llvm::Twine(what) + ": pointers must be 16-byte aligned");
  bucket = shared->bucketFor(m);
  layout = shared->workspaceLayout(*bucket, m);
  if (!workspace)
    return workspaceError(prog, llvm::Twine(what) + ": null workspace");
  if (misaligned(workspace, 256))
    return workspaceError(prog, llvm::Twine(what) +
                                    ": the workspace must be 256-byte aligned");
  if (workspaceBytes < layout.total)
    return workspaceError(prog, llvm::Twine(what) + ": M = " + llvm::Twine(m) +
                                    " needs " + llvm::Twine(layout.total) +
                                    " workspace bytes, got " +
                                    llvm::Twine(workspaceBytes));
  // forward may run on another thread than load: bind the context there.
  return shared->context().ensureCurrent();
}

/// A GEMM of the bucket: A -> D with weight and bias, its split-K scratch
/// in the workspace (the partial sums shared, `counters` its own).
static GemmOperands gemmOperands(const KernelDesc &desc, const void *a,
                                 const void *weight, const void *bias, void *d,
                                 int64_t m, char *ws, size_t partials,
                                 size_t counters) {
  GemmOperands ops;
  ops.a = a;
  ops.b = weight;
  ops.bias = bias;
  ops.d = d;
  if (desc.splitK != 1) {
    ops.workspace = ws + partials;
    ops.counters = ws + counters;
  }
  ops.m = ops.aRows = ops.dRows = m;
  return ops;
}

llvm::Error MlpLayer::launchGateUp(const MlpKernels::Bucket &b,
                                   const MlpKernels::WorkspaceLayout &l,
                                   const void *x, int64_t m, char *ws,
                                   CUstream stream) const {
  const DeviceContext &ctx = shared->context();
  const Driver &d = ctx.driver();
  // Counters must be zero on entry. The kernels leave them zero, but the
  // caller's workspace may have held anything since the last forward: a
  // memset for gate-up's own (only when it splits K), and the gate-up kernel
  // zeroes the down GEMM's before it finishes (no launch of its own: at
  // small M the down GEMM always splits K).
  if (b.gateUpCounterBytes)
    if (auto e = d.check(d.cuMemsetD8Async(reinterpret_cast<CUdeviceptr>(
                                               ws + l.gateUpCounters),
                                           0, b.gateUpCounterBytes, stream),
                         "zeroing split-K counters"))
      return e;
  GemmOperands ops =
      gemmOperands(*b.gateUpDesc, x, gateUpWeight, gateUpBias,
                   ws + l.intermediate, m, ws, l.partials, l.gateUpCounters);
  ops.dRows = l.intermediateRows;
  ops.exactLastTileA = shared->loadOptions().exactLastTile;
  if (b.downCounterBytes) {
    ops.nextCounters = ws + l.downCounters;
    ops.nextCounterBytes = b.downCounterBytes;
  }
  return launchGemm(d, b.gateUp->function(), *b.gateUpDesc, ops, stream,
                    ctx.numSMs(), b.gateUp->residentCtas());
}

llvm::Error MlpLayer::launchDown(const MlpKernels::Bucket &b,
                                 const MlpKernels::WorkspaceLayout &l, void *y,
                                 int64_t m, char *ws, CUstream stream) const {
  const DeviceContext &ctx = shared->context();
  GemmOperands ops =
      gemmOperands(*b.downDesc, ws + l.intermediate, downWeight, downBias, y, m,
                   ws, l.partials, l.downCounters);
  ops.aRows = l.intermediateRows;
  ops.exactLastTileA = shared->loadOptions().exactLastTile;
  ops.dependent = programmaticLaunch();
  return launchGemm(ctx.driver(), b.down->function(), *b.downDesc, ops, stream,
                    ctx.numSMs(), b.down->residentCtas());
}

llvm::Error MlpLayer::gateUp(const void *x, int64_t m, void *workspace,
                             size_t workspaceBytes, CUstream stream) const {
  const MlpKernels::Bucket *b;
  MlpKernels::WorkspaceLayout l;
  if (auto e = checkForward(x, m, workspace, workspaceBytes, "gateUp", b, l))
    return e;
  return launchGateUp(*b, l, x, m, static_cast<char *>(workspace), stream);
}

llvm::Error MlpLayer::down(void *y, int64_t m, void *workspace,
                           size_t workspaceBytes, CUstream stream) const {
  const MlpKernels::Bucket *b;
  MlpKernels::WorkspaceLayout l;
  if (auto e = checkForward(y, m, workspace, workspaceBytes, "down", b, l))
    return e;
  return launchDown(*b, l, y, m, static_cast<char *>(workspace), stream);
}

llvm::Error MlpLayer::forward(const void *x, void *y, int64_t m,
                              void *workspace, size_t workspaceBytes,
                              CUstream stream) const {
  // Check both pointers before launching anything.
  const MlpKernels::Bucket *b;
  MlpKernels::WorkspaceLayout l;
  if (auto e = checkForward(x, m, workspace, workspaceBytes, "forward", b, l))
    return e;
  if (!y)
    return apiError(program(), "forward: null pointer");
  if (misaligned(y))
    return apiError(program(), "forward: pointers must be 16-byte aligned");
  char *ws = static_cast<char *>(workspace);
  if (auto e = launchGateUp(*b, l, x, m, ws, stream))
    return e;
  return launchDown(*b, l, y, m, ws, stream);
}

// --- Mlp ---------------------------------------------------------------------

llvm::Expected<std::unique_ptr<Mlp>>
Mlp::load(const MlpProgram &program, const DeviceContext &context,
          const MlpKernels::LoadOptions &options) {
  auto kernels = MlpKernels::load(program, context, options);
  if (!kernels)
    return kernels.takeError();
  std::unique_ptr<Mlp> mlp(new Mlp());
  auto layer = MlpLayer::create(*kernels);
  if (!layer)
    return layer.takeError();
  mlp->layer = std::move(*layer);
  size_t bytes = (*kernels)->workspaceBytes(program.tokensMax);
  auto workspace = DeviceBuffer::allocate(context, bytes);
  if (!workspace)
    return apiError(program, "allocating the workspace: " +
                                 llvm::toString(workspace.takeError()));
  mlp->workspace = std::move(*workspace);
  return mlp;
}

Mlp::~Mlp() = default;

llvm::Error Mlp::setWeights(const WeightPointers &weights, CUstream stream) {
  return layer->setWeights(weights, stream);
}

llvm::Error Mlp::setPackedGateUp(const void *gateUp, const void *down,
                                 const void *gateUpBias, const void *downBias,
                                 CUstream stream) {
  return layer->setPackedGateUp(gateUp, down, gateUpBias, downBias, stream);
}

llvm::Error Mlp::shareWeights(const Mlp &other) {
  return layer->shareWeights(*other.layer);
}

llvm::Error Mlp::forward(const void *x, void *y, int64_t m,
                         CUstream stream) const {
  return layer->forward(x, y, m, workspace.get(), workspace.size(), stream);
}

llvm::Error Mlp::gateUp(const void *x, int64_t m, CUstream stream) const {
  return layer->gateUp(x, m, workspace.get(), workspace.size(), stream);
}

llvm::Error Mlp::down(void *y, int64_t m, CUstream stream) const {
  return layer->down(y, m, workspace.get(), workspace.size(), stream);
}
