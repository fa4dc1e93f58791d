//===- PropertyTest.cpp - every accepted spec compiles to PTX and SASS ----===//
//
// Random valid specs, written in the spec language: hidden and intermediate
// multiples of 8 from 8 to 16384, every activation spelling, both dtypes,
// bias or not, packed gate/up, every tp that divides the intermediate size,
// every arch, token ranges from single values to the whole range. Each must
// pass the front end, the pipeline, codegen and NVRTC, and each kernel's PTX
// must assemble with ptxas, without a GPU.
//
// MLPJIT_PROPERTY_SEED replays a run (the seed is printed first);
// MLPJIT_PROPERTY_COUNT sets the number of specs (default 200; 50 in the
// sanitizer build). A failure
// prints the spec text, which is all it takes to reproduce it.
//
// Runtime (about 1 s a spec on two cores): kernels depend on N and K, so
// random specs share almost none, and every kernel goes through NVRTC (no
// disk cache: the test neither reads nor fills the user's). ptxas runs once
// per kernel configuration (template, arch, tiles, stages, split-K, swap,
// epilogue, dtype, bias, gate/up block, and whether N and K end in a partial
// tile), the first time the run meets it: kernels that differ only in N and K
// beyond that assemble alike, and this halves the test's time.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Codegen/Nvrtc.h"
#include "mlpjit/Frontend/MlpSpec.h"
#include "mlpjit/Pipeline/Compile.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>

using namespace mlpjit;

namespace {

const char *const kActivations[] = {
    "swiglu", "geglu",     "geglu_tanh", "geglu_erf", "reglu",
    "gelu",   "gelu_tanh", "gelu_erf",   "relu",      "silu"};
const char *const kArchs[] = {"sm_90a", "sm_90", "sm_80",
                              "sm_86",  "sm_87", "sm_89"};

/// A multiple of 8 in [8, 16384]: a third small (8..256, where the tile
/// tails are), a third near powers of two, a third log-uniform.
int64_t randomSize(std::mt19937_64 &rng) {
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  switch (pick(0, 2)) {
  case 0:
    return 8 * pick(1, 32);
  case 1: {
    int64_t p = int64_t(1) << pick(6, 14);
    return std::clamp<int64_t>(p + 8 * pick(-4, 4), 8, 16384);
  }
  default: {
    double e = std::uniform_real_distribution<double>(3.0, 14.0)(rng);
    int64_t v = int64_t(std::pow(2.0, e)) / 8 * 8;
    return std::clamp<int64_t>(v, 8, 16384);
  }
  }
}

/// One random spec in the language, named `name`.
std::string randomSpec(std::mt19937_64 &rng, const std::string &name) {
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  int64_t hidden = randomSize(rng), intermediate = randomSize(rng);
  std::string act = kActivations[pick(0, std::size(kActivations) - 1)];
  bool gated = llvm::StringRef(act).contains("glu");
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "mlp " << name << " {\n"
     << "  hidden = " << hidden << "\n"
     << "  intermediate = " << intermediate << "\n"
     << "  activation = " << act << "\n"
     << "  dtype = " << (pick(0, 1) ? "bf16" : "fp16") << "\n";
  if (pick(0, 1))
    os << "  bias = true\n";
  if (gated && pick(0, 3) == 0)
    os << "  packed_gate_up = true\n";
  // Every degree whose slices are multiples of 8, 1 and powers of two most.
  std::vector<int64_t> tps;
  for (int64_t tp = 1; tp <= 64; ++tp)
    if (intermediate % (8 * tp) == 0)
      tps.push_back(tp);
  int64_t tp = 1;
  if (pick(0, 2) != 0)
    tp = tps[pick(0, tps.size() - 1)];
  if (tp > 1)
    os << "  tp = " << tp << "\n";
  switch (pick(0, 4)) {
  case 0: // one token count
    os << "  tokens = " << pick(1, 4096) << "\n";
    break;
  case 1: { // a narrow range
    int64_t lo = pick(1, 512);
    os << "  tokens = " << lo << ".." << lo + pick(0, 64) << "\n";
    break;
  }
  case 2: { // a wide range
    int64_t lo = pick(1, 100);
    os << "  tokens = " << lo << " .. " << lo + pick(100, 100000) << "\n";
    break;
  }
  case 3: // everything the language allows
    os << "  tokens = 1..2147483647\n";
    break;
  default: // the default range
    break;
  }
  os << "  arch = " << kArchs[pick(0, std::size(kArchs) - 1)] << "\n";
  os << "}\n";
  return out;
}

uint64_t seedFromEnvironment() {
  if (const char *s = std::getenv("MLPJIT_PROPERTY_SEED"); s && *s)
    return std::strtoull(s, nullptr, 0);
  return std::random_device{}() ^
         (uint64_t(std::chrono::steady_clock::now().time_since_epoch().count())
          << 1);
}

// The sanitizer build (scripts/sanitize.sh, CI's second pass) runs fewer:
// its instrumentation watches the front end and the pipeline, which a quarter
// of the specs exercise alike, while NVRTC and ptxas run uninstrumented.
#ifndef MLPJIT_PROPERTY_DEFAULT_COUNT
#define MLPJIT_PROPERTY_DEFAULT_COUNT 200
#endif

int countFromEnvironment() {
  if (const char *s = std::getenv("MLPJIT_PROPERTY_COUNT"); s && *s)
    return std::max(1, std::atoi(s));
  return MLPJIT_PROPERTY_DEFAULT_COUNT;
}

/// What ptxas sees of a kernel beyond its N and K constants.
std::string configurationOf(const KernelDesc &d) {
  return llvm::formatv("{0} {1} {2}x{3}x{4} s{5} c{6}x{7} k{8} {9} {10} {11} "
                       "{12} B{13} n%{14} k%{15}",
                       d.templateName, d.arch, d.tileM, d.tileN, d.tileK,
                       d.stages, d.clusterM, d.clusterN, d.splitK, d.swapAB,
                       toString(d.epilogue), toString(d.dtype), d.hasBias,
                       d.interleaveRows, d.n % d.tileN != 0, d.k % d.tileK != 0)
      .str();
}

std::mutex assembledMutex;
std::set<std::string> assembledConfigurations;
int ptxasRuns = 0, kernelsCompiled = 0;

/// Compiles one spec all the way; "" when it passes, else what failed.
std::string check(const std::string &text) {
  auto specs = parseSpecBuffer(text, "random.mlp");
  if (!specs)
    return "front end: " + llvm::toString(specs.takeError());
  if (specs->size() != 1)
    return "front end: expected one block";
  CompileOptions options;
  options.useCache = false;
  options.tuningFile = "";
  auto compiled = compileMlp(specs->front(), options);
  if (!compiled)
    return "pipeline: " + llvm::toString(compiled.takeError());
  if (compiled->kernels.empty())
    return "pipeline: no kernels";
  for (const CompiledKernel &k : compiled->kernels) {
    if (k.ptx.find(".entry " + k.desc.name) == std::string::npos)
      return "codegen: " + k.desc.name + " has no entry point in its PTX";
    {
      std::lock_guard<std::mutex> lock(assembledMutex);
      ++kernelsCompiled;
      if (!assembledConfigurations.insert(configurationOf(k.desc)).second)
        continue;
      ++ptxasRuns;
    }
    auto report = codegen::runPtxas(k.ptx, k.desc.arch);
    if (!report)
      return "ptxas: " + k.desc.name + ": " +
             llvm::toString(report.takeError());
  }
  return "";
}

TEST(Property, RandomValidSpecsCompileThroughPtxas) {
  const uint64_t seed = seedFromEnvironment();
  const int count = countFromEnvironment();
  // Printed first, so that even a crash can be replayed.
  llvm::errs() << "property test: " << count
               << " specs, MLPJIT_PROPERTY_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  std::vector<std::string> specs;
  for (int i = 0; i < count; ++i)
    specs.push_back(randomSpec(rng, "p" + std::to_string(i)));

  auto start = std::chrono::steady_clock::now();
  std::mutex mutex;
  std::vector<std::pair<int, std::string>> failures;
  {
    llvm::DefaultThreadPool pool(llvm::hardware_concurrency());
    for (int i = 0; i < count; ++i)
      pool.async([&, i] {
        std::string why = check(specs[i]);
        if (!why.empty()) {
          std::lock_guard<std::mutex> lock(mutex);
          failures.emplace_back(i, std::move(why));
        }
      });
    pool.wait();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  llvm::errs() << llvm::formatv("property test: {0} specs, {1} kernels "
                                "through NVRTC, {2} distinct configurations "
                                "through ptxas, in {3:F1} s\n",
                                count, kernelsCompiled, ptxasRuns, seconds);
  std::sort(failures.begin(), failures.end());
  for (const auto &[i, why] : failures)
    ADD_FAILURE() << "spec " << i << " (MLPJIT_PROPERTY_SEED=" << seed
                  << ") failed:\n"
                  << specs[i] << why;
}

/// The shapes the issue named, and the smallest ones, always.
TEST(Property, KnownShapesCompile) {
  for (const char *text : {
           "mlp l2 {\n hidden = 4096\n intermediate = 11008\n tp = 8\n}\n",
           "mlp tiny {\n hidden = 8\n intermediate = 8\n tokens = 1\n}\n",
           "mlp tiny80 {\n hidden = 8\n intermediate = 8\n arch = sm_80\n"
           " bias = true\n tokens = 1..300\n}\n",
           "mlp odd {\n hidden = 24\n intermediate = 24\n activation = geglu\n"
           " tokens = 7\n arch = sm_86\n}\n",
       })
    EXPECT_EQ(check(text), "") << text;
}

} // namespace
