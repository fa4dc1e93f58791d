//===- StackBench.cpp - a model's MLP stack: memory, load, host time ------===//
//
//   mlpjit-stack-bench [SPEC] [LAYERS] [THREADS] [ptx]
//       (default examples/specs/llama3-8b.mlp, 32 layers, 16 NVRTC threads)
//
// The numbers docs/api.md records for issue 12, on a GPU:
//  1. cold start: compile (no cache, THREADS NVRTC threads; cubins, or with
//     `ptx` PTX alone, which the driver JIT-compiles at load) + load + the
//     first forward (m = 1);
//  2. before: LAYERS Mlp objects (each loads every kernel and owns a
//     [tokensMax, I] workspace): load time and device memory;
//  3. after: the kernels once, LAYERS MlpLayers, one workspace: the same;
//  4. host time per eager forward call (both launches), m = 1 and 64;
//  5. the stack on two streams at once (a workspace each) against one
//     stream: bit-identical outputs.
// Weights are one random set shared as the source of every layer (the
// caller's memory, not counted). Exits 1 on any failure or mismatch.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/HostReference.h"
#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/mlpjit.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>

using namespace mlpjit;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

static int fail(llvm::Error e) {
  llvm::errs() << "mlpjit-stack-bench: " << llvm::toString(std::move(e))
               << "\n";
  return 1;
}
#define CHECK_OK(expr)                                                         \
  if (llvm::Error e = (expr))                                                  \
  return fail(std::move(e))

int main(int argc, char **argv) {
  const char *specPath = argc > 1 ? argv[1] : "examples/specs/llama3-8b.mlp";
  const int layers = argc > 2 ? std::atoi(argv[2]) : 32;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 16;
  const bool cubin = !(argc > 4 && std::string(argv[4]) == "ptx");
  auto ctx = DeviceContext::create(0);
  if (!ctx)
    return fail(ctx.takeError());
  const DeviceContext &c = **ctx;
  const Driver &d = c.driver();
  auto specs = loadSpecFile(specPath);
  if (!specs)
    return fail(specs.takeError());
  const MlpSpec &spec = specs->front();
  llvm::outs() << llvm::formatv("{0} on {1} ({2}), {3} layers\n", spec.name,
                                c.name(), c.arch(), layers);

  // 1. Cold start.
  auto t0 = Clock::now();
  CompileOptions options;
  options.useCache = false;
  options.threads = threads;
  options.cubin = cubin;
  auto compiled = compileMlp(spec, options);
  if (!compiled)
    return fail(compiled.takeError());
  double compileS = since(t0);
  MlpProgram program = toProgram(*compiled);
  auto t1 = Clock::now();
  auto kernels = MlpKernels::load(program, c);
  if (!kernels)
    return fail(kernels.takeError());
  double loadS = since(t1);
  // Modules: one per kernel name (ranges planned alike share one).
  const size_t modules = (*kernels)->kernels().size();

  const int64_t h = program.hidden, i = program.intermediate;
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<DeviceBuffer> keep;
  auto random = [&](size_t n, float scale) -> void * {
    std::vector<uint16_t> bits(n);
    for (uint16_t &b : bits)
      b = host::toBits(dist(rng) * scale, program.dtype);
    auto buf = DeviceBuffer::allocate(c, n * 2);
    if (!buf || d.cuMemcpyHtoD(buf->ptr(), bits.data(), n * 2)) {
      if (!buf)
        llvm::consumeError(buf.takeError());
      return nullptr;
    }
    keep.push_back(std::move(*buf));
    return keep.back().get();
  };
  WeightPointers w;
  w.gate = random(size_t(i * h), 1.7f / std::sqrt(float(h)));
  w.up = random(size_t(i * h), 1.7f / std::sqrt(float(h)));
  w.down = random(size_t(h * i), 1.7f / std::sqrt(float(i)));
  const int64_t mMax = 64;
  void *x = random(size_t(mMax * h), 1.0f);
  if (!w.gate || !w.up || !w.down || !x)
    return fail(llvm::createStringError("allocating the weights failed"));
  auto stream = Stream::create(c);
  if (!stream)
    return fail(stream.takeError());
  CUstream s = (*stream)->get();
  auto y = DeviceBuffer::allocate(c, size_t(mMax * h) * 2);
  if (!y)
    return fail(y.takeError());
  {
    auto layer = MlpLayer::create(*kernels);
    if (!layer)
      return fail(layer.takeError());
    CHECK_OK((*layer)->setWeights(w, s));
    auto ws = DeviceBuffer::allocate(c, (*kernels)->workspaceBytes(1));
    if (!ws)
      return fail(ws.takeError());
    CHECK_OK((*stream)->synchronize());
    auto t2 = Clock::now();
    CHECK_OK((*layer)->forward(x, y->get(), 1, ws->get(), ws->size(), s));
    CHECK_OK((*stream)->synchronize());
    double firstS = since(t2);
    llvm::outs() << llvm::formatv(
        "cold start: compile {0:F3} s ({1} kernels for {7} token ranges, {2} "
        "threads, {6}) + load {3:F3} s + first forward {4:F4} s = {5:F3} s\n",
        compileS, modules, threads, loadS, firstS, compileS + loadS + firstS,
        cubin ? "cubins" : "PTX", program.kernels.size());
  }

  // 2. Before: one Mlp per layer.
  auto freeBytes = [&]() -> int64_t {
    auto f = c.freeMemoryBytes();
    if (!f) {
      llvm::consumeError(f.takeError());
      return 0;
    }
    return *f;
  };
  {
    int64_t free0 = freeBytes();
    auto t = Clock::now();
    std::vector<std::unique_ptr<Mlp>> mlps;
    for (int l = 0; l < layers; ++l) {
      auto mlp = Mlp::load(program, c);
      if (!mlp)
        return fail(mlp.takeError());
      CHECK_OK((*mlp)->setWeights(w, s));
      mlps.push_back(std::move(*mlp));
    }
    CHECK_OK((*stream)->synchronize());
    double seconds = since(t);
    llvm::outs() << llvm::formatv(
        "before (one Mlp per layer): load {0:F3} s, {1} module loads, device "
        "memory {2:F2} GiB ({3:F1} MiB workspace per layer)\n",
        seconds, layers * modules, double(free0 - freeBytes()) / (1 << 30),
        double(mlps.front()->workspaceBytes()) / (1 << 20));
  }

  // 3. After: kernels once, a layer each, one workspace.
  int64_t free0 = freeBytes();
  auto t = Clock::now();
  auto shared = MlpKernels::load(program, c);
  if (!shared)
    return fail(shared.takeError());
  std::vector<std::unique_ptr<MlpLayer>> stack;
  for (int l = 0; l < layers; ++l) {
    auto layer = MlpLayer::create(*shared);
    if (!layer)
      return fail(layer.takeError());
    CHECK_OK((*layer)->setWeights(w, s));
    stack.push_back(std::move(*layer));
  }
  const size_t wsBytes = (*shared)->workspaceBytes(program.tokensMax);
  auto ws = DeviceBuffer::allocate(c, wsBytes);
  if (!ws)
    return fail(ws.takeError());
  CHECK_OK((*stream)->synchronize());
  double seconds = since(t);
  llvm::outs() << llvm::formatv(
      "after (kernels once, {0} layers): load {1:F3} s, {2} module loads, "
      "device memory {3:F2} GiB = {0} x {4:F1} MiB packed gate/up + one "
      "{5:F1} MiB workspace (tokens <= {6}; {7:F1} MiB for tokens <= {8})\n",
      layers, seconds, (*shared)->kernels().size(),
      double(free0 - freeBytes()) / (1 << 30),
      double(stack.front()->ownedBytes()) / (1 << 20),
      double(wsBytes) / (1 << 20), program.tokensMax,
      double((*shared)->workspaceBytes(mMax)) / (1 << 20), mMax);

  // 4. Host time per eager forward (both launches).
  for (int64_t m : {int64_t(1), mMax}) {
    for (int warm = 0; warm < 3; ++warm)
      for (auto &layer : stack)
        CHECK_OK(layer->forward(x, y->get(), m, ws->get(), wsBytes, s));
    CHECK_OK((*stream)->synchronize());
    // One pass over the stack at a time, the stream drained in between:
    // 3 operations per forward stay far below the driver's launch queue
    // depth, which would otherwise block the host and count GPU time
    // (640 forwards in a row read 44 us per call on the H200).
    constexpr int kRounds = 20;
    std::vector<double> perCall;
    double gpu = 0;
    for (int r = 0; r < kRounds; ++r) {
      auto th = Clock::now();
      for (auto &layer : stack)
        CHECK_OK(layer->forward(x, y->get(), m, ws->get(), wsBytes, s));
      perCall.push_back(since(th) / layers);
      CHECK_OK((*stream)->synchronize());
      gpu += since(th) / layers;
    }
    std::sort(perCall.begin(), perCall.end());
    llvm::outs() << llvm::formatv(
        "host time per forward call, m = {0}: median {1:F2} us, min {2:F2} "
        "us ({3} passes of {4} layers; GPU done after {5:F2} us per "
        "forward)\n",
        m, perCall[kRounds / 2] * 1e6, perCall.front() * 1e6, kRounds, layers,
        gpu / kRounds * 1e6);
  }

  // 5. The stack on two streams at once vs one stream.
  auto other = Stream::create(c);
  if (!other)
    return fail(other.takeError());
  const int64_t m = 16;
  const size_t bytes = (*shared)->workspaceBytes(m);
  auto buffer = [&](size_t n) {
    auto b = DeviceBuffer::allocate(c, n);
    if (!b) {
      llvm::consumeError(b.takeError());
      return DeviceBuffer();
    }
    return std::move(*b);
  };
  const size_t act = size_t(m * h) * 2;
  DeviceBuffer wsA = buffer(bytes), wsB = buffer(bytes);
  DeviceBuffer a[2] = {buffer(act), buffer(act)},
               b[2] = {buffer(act), buffer(act)};
  auto runStack = [&](DeviceBuffer *io, DeviceBuffer &wsp,
                      CUstream st) -> llvm::Error {
    if (d.cuMemcpyAsync(io[0].ptr(), reinterpret_cast<CUdeviceptr>(x), act, st))
      return llvm::createStringError("copying x failed");
    for (int l = 0; l < layers; ++l)
      if (auto e = stack[l]->forward(io[l % 2].get(), io[(l + 1) % 2].get(), m,
                                     wsp.get(), bytes, st))
        return e;
    return llvm::Error::success();
  };
  CHECK_OK(runStack(a, wsA, s));
  CHECK_OK((*stream)->synchronize());
  std::vector<uint16_t> expected(size_t(m * h)), gotA(expected.size()),
      gotB(expected.size());
  d.cuMemcpyDtoH(expected.data(), a[layers % 2].ptr(), act);
  bool same = true;
  for (int round = 0; round < 10; ++round) {
    CHECK_OK(runStack(a, wsA, s));
    CHECK_OK(runStack(b, wsB, (*other)->get()));
    if (d.cuCtxSynchronize())
      return fail(llvm::createStringError("synchronize failed"));
    d.cuMemcpyDtoH(gotA.data(), a[layers % 2].ptr(), act);
    d.cuMemcpyDtoH(gotB.data(), b[layers % 2].ptr(), act);
    same = same && gotA == expected && gotB == expected;
  }
  llvm::outs() << llvm::formatv(
      "two streams, {0} layers each, m = {1}, 10 rounds: {2}\n", layers, m,
      same ? "bit-identical to one stream" : "MISMATCH");
  return same ? 0 : 1;
}
