//===- main.cpp - run a compiled MLP program through the mlpjit runtime ---===//
//
//   mlpjit-embed <program.json> [m]
//
// Loads a program file (mlpjit/ProgramFile.h: written once by the compiler
// tools), fills the weights and m rows of input with random bf16/fp16 data on
// the GPU, runs forward once and prints a checksum. Without a CUDA driver or
// GPU it says so and exits 0: the program is still read and validated.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/HostReference.h"
#include "mlpjit/ProgramFile.h"
#include "mlpjit/mlpjit.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

using namespace mlpjit;

static int fail(llvm::Error e) {
  llvm::errs() << "mlpjit-embed: " << llvm::toString(std::move(e)) << "\n";
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    llvm::errs() << "usage: mlpjit-embed <program.json> [m]\n";
    return 2;
  }
  auto program = readProgramFile(argv[1]);
  if (!program)
    return fail(program.takeError());
  if (auto e = validateProgram(*program))
    return fail(std::move(e));
  const MlpProgram &p = *program;
  int64_t m = argc == 3 ? std::atoll(argv[2]) : p.tokensMin;
  llvm::outs() << "program '" << p.name << "': hidden " << p.hidden
               << ", intermediate " << p.intermediate << ", "
               << toString(p.epilogue) << ", " << p.kernels.size()
               << " kernels\n";

  auto context = DeviceContext::create(0);
  if (!context) {
    llvm::outs() << "skip: " << llvm::toString(context.takeError()) << "\n";
    return 0;
  }
  const DeviceContext &ctx = **context;
  llvm::outs() << "device: " << ctx.name() << " (" << ctx.arch() << ", "
               << ctx.numSMs() << " SMs)\n";
  auto mlp = Mlp::load(p, ctx);
  if (!mlp)
    return fail(mlp.takeError());
  auto stream = Stream::create(ctx);
  if (!stream)
    return fail(stream.takeError());

  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<DeviceBuffer> buffers;
  auto randomBuffer = [&](int64_t elements, float scale) -> const void * {
    std::vector<uint16_t> host(static_cast<size_t>(elements));
    for (uint16_t &v : host)
      v = host::toBits(dist(rng) * scale, p.dtype);
    auto b = DeviceBuffer::allocate(ctx, host.size() * 2);
    if (!b) {
      llvm::consumeError(b.takeError());
      return nullptr;
    }
    if (ctx.driver().cuMemcpyHtoD(b->ptr(), host.data(), host.size() * 2))
      return nullptr;
    buffers.push_back(std::move(*b));
    return buffers.back().get();
  };
  const int64_t h = p.hidden, i = p.intermediate;
  const float ws = 1.7f / std::sqrt(float(h)), ds = 1.7f / std::sqrt(float(i));
  WeightPointers w;
  if (isGated(p.epilogue))
    w.gate = randomBuffer(i * h, ws);
  w.up = randomBuffer(i * h, ws);
  w.down = randomBuffer(h * i, ds);
  if (p.hasBias) {
    if (isGated(p.epilogue))
      w.gateBias = randomBuffer(i, 0.1f);
    w.upBias = randomBuffer(i, 0.1f);
    w.downBias = randomBuffer(h, 0.1f);
  }
  const void *x = randomBuffer(m * h, 1.0f);
  auto y = DeviceBuffer::allocate(ctx, size_t(m * h) * 2);
  if (!y)
    return fail(y.takeError());
  if (auto e = (*mlp)->setWeights(w, (*stream)->get()))
    return fail(std::move(e));
  if (auto e = (*mlp)->forward(x, y->get(), m, (*stream)->get()))
    return fail(std::move(e));
  if (auto e = (*stream)->synchronize())
    return fail(std::move(e));

  std::vector<uint16_t> out(static_cast<size_t>(m * h));
  if (ctx.driver().cuMemcpyDtoH(out.data(), y->ptr(), out.size() * 2))
    return fail(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                        "copying y back failed"));
  double sum = 0, sumSq = 0;
  for (uint16_t v : out) {
    float f = float(host::fromBits(v, p.dtype));
    if (!std::isfinite(f))
      return fail(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                          "non-finite output"));
    sum += f;
    sumSq += double(f) * f;
  }
  llvm::outs() << "forward m = " << m << ": sum " << sum << ", rms "
               << std::sqrt(sumSq / double(out.size())) << "\n";
  return 0;
}
