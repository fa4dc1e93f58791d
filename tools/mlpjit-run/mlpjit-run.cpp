//===- mlpjit-run.cpp - compile, run and check one spec: the main job -----===//
//
//   mlpjit-run FILE [--tokens M,...] [--json] [--arch sm_90a]
//
// Compiles every MLP of FILE (or hits the kernel cache), then on a GPU fills
// random weights and inputs, poisons the output, runs forward, and checks it
// against the cuBLASLt unfused MLP (whole output) and a float64 CPU reference
// (sampled rows); prints compile time, cache hits, kernel times, TFLOP/s and
// GB/s. Exit status 1 when a check fails. Without a GPU it compiles to PTX,
// fills the cache, says so and exits 0.
//
//===----------------------------------------------------------------------===//
#include "ToolVersion.h"
#include "CublasLtBaseline.h"
#include "DeviceMlp.h"
#include "Timing.h"
#include "TokenCounts.h"

#include "mlpjit/Codegen/KernelCache.h"
#include "mlpjit/FileOutput.h"
#include "mlpjit/Frontend/Frontend.h"
#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/mlpjit.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlpjit;
using namespace mlpjit::harness;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<spec.mlp | config.json>"));
static cl::list<int> tokensOpt("tokens",
                               cl::desc("token counts to run (default "
                                        "1,16,128,1024)"),
                               cl::CommaSeparated);
static cl::opt<bool> jsonOpt("json", cl::desc("print one JSON object"));
static cl::opt<bool> cpuOnlyOpt(
    "cpu-reference-only",
    cl::desc("check against the float64 CPU rows only, no cuBLASLt (for "
             "compute-sanitizer racecheck, which faults in cuBLASLt)"));
static cl::opt<std::string> archOpt("arch",
                                    cl::desc("target (default: the GPU's)"));
static cl::opt<int>
    repsOpt("reps", cl::desc("timed repetitions (0: check only, no timing)"),
            cl::init(20));
static cl::opt<double> settleMsOpt(
    "settle-ms",
    cl::desc("replay each timed variant this long before timing it, so it is "
             "timed at the GPU's steady (power-capped) clock, as mlpjit-bench "
             "does (0: off)"),
    cl::init(kDefaultSettleMs));

static llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

namespace {
struct Point {
  int64_t m;
  double relErrCublas, relErrCpu, forwardUs, gateUpUs, downUs;
  bool passed;
};

struct Report {
  std::string name;
  CompiledMlp compiled;
  std::vector<Point> points;
};

/// Rows of the output the float64 CPU check recomputes: first, middle, last.
std::vector<int64_t> sampledRows(int64_t m) {
  std::vector<int64_t> rows{0};
  if (m > 2)
    rows.push_back(m / 2);
  if (m > 1)
    rows.push_back(m - 1);
  return rows;
}

llvm::Error runOnGpu(GpuSession &gpu, Report &report,
                     llvm::ArrayRef<int64_t> tokens, bool verbose) {
  const MlpSpec &spec = report.compiled.spec;
  const int64_t h = spec.hidden, i = spec.intermediate;
  // Timed calls rotate through weight copies that hold 3x the L2 together,
  // so small blocks' weights are read from memory (Timing.h).
  const int copies =
      coldWeightCopies(blockWeightBytes(spec), gpu.context().l2Bytes());
  auto dev =
      DeviceMlp::create(gpu, report.compiled, /*seed=*/42, nullptr,
                        MlpKernels::LoadOptions::fromEnvironment(), copies);
  if (!dev)
    return dev.takeError();
  DeviceMlp &mlp = **dev;
  CublasLtMlp baseline = mlp.cublasLtBaseline();
  for (int64_t m : tokens) {
    if (m < spec.tokensMin || m > spec.tokensMax)
      return fail(llvm::Twine("--tokens ") + llvm::Twine(m) +
                  " is outside the spec's token range [" +
                  llvm::Twine(spec.tokensMin) + ", " +
                  llvm::Twine(spec.tokensMax) + "]");
    Point p{m, 0, 0, 0, 0, 0, false};
    DeviceArray x(gpu.driver()), y(gpu.driver()), yRef(gpu.driver()),
        scratch(gpu.driver());
    const size_t elems = size_t(m) * h;
    if (auto e = x.allocate(elems * 2))
      return e;
    if (auto e = y.allocate(elems * 2))
      return e;
    if (auto e = yRef.allocate(elems * 2))
      return e;
    if (auto e = scratch.allocate(baseline.scratchBytes(m, 2)))
      return e;
    if (auto e = gpu.kernels().fillRandom(spec.dtype, x.ptr(), elems,
                                          7919 * m + 1, 1.0f, gpu.stream()))
      return e;
    auto check = mlp.checkForward(cpuOnlyOpt ? nullptr : &baseline, x.ptr(),
                                  y.ptr(), yRef.ptr(),
                                  scratch.ptr(), m, sampledRows(m),
                                  gpu.stream());
    if (!check)
      return check.takeError();
    p.relErrCublas = check->relErrCublas;
    p.relErrCpu = check->relErrCpu;
    p.passed = check->passed();

    if (repsOpt <= 0) { // check only, e.g. under compute-sanitizer
      report.points.push_back(p);
      if (verbose)
        llvm::outs() << llvm::format(
            "  M=%-6lld %s  err(cuBLASLt)=%.2e err(cpu f64)=%.2e\n",
            (long long)m, p.passed ? "PASS" : "FAIL", p.relErrCublas,
            p.relErrCpu);
      continue;
    }
    auto time = [&](llvm::function_ref<llvm::Error(int)> body)
        -> llvm::Expected<double> {
      auto t = timeWithGraph(gpu.driver(), gpu.stream(), body,
                             std::max(4, copies), 3, repsOpt, settleMsOpt);
      if (!t)
        return t.takeError();
      return t->medianUs;
    };
    auto tf = time([&](int r) {
      return mlp.forward(x.ptr(), y.ptr(), m, gpu.stream(), r);
    });
    if (!tf)
      return tf.takeError();
    auto tg =
        time([&](int r) { return mlp.gateUp(x.ptr(), m, gpu.stream(), r); });
    if (!tg)
      return tg.takeError();
    auto td =
        time([&](int r) { return mlp.down(y.ptr(), m, gpu.stream(), r); });
    if (!td)
      return td.takeError();
    p.forwardUs = *tf;
    p.gateUpUs = *tg;
    p.downUs = *td;
    report.points.push_back(p);
    if (verbose) {
      double flops = 6.0 * m * h * i;
      double bytes = 2.0 * (3.0 * h * i + 2.0 * m * h);
      llvm::outs() << llvm::format(
          "  M=%-6lld %s  err(cuBLASLt)=%.2e err(cpu f64)=%.2e  forward %8.1f "
          "us "
          "(gate-up %7.1f + down %7.1f)  %6.1f TFLOP/s %7.1f GB/s\n",
          (long long)m, p.passed ? "PASS" : "FAIL", p.relErrCublas, p.relErrCpu,
          p.forwardUs, p.gateUpUs, p.downUs,
          flops / (p.forwardUs * 1e-6) / 1e12,
          bytes / (p.forwardUs * 1e-6) / 1e9);
    }
  }
  return llvm::Error::success();
}

llvm::json::Object toJson(const Report &r) {
  llvm::json::Array kernels, points;
  for (const CompiledKernel &k : r.compiled.kernels)
    kernels.push_back(llvm::json::Object{{"name", k.desc.name},
                                         {"template", k.desc.templateName},
                                         {"cache_hit", k.cacheHit}});
  for (const Point &p : r.points)
    points.push_back(llvm::json::Object{{"M", p.m},
                                        {"passed", p.passed},
                                        {"rel_err_cublaslt", p.relErrCublas},
                                        {"rel_err_cpu_f64", p.relErrCpu},
                                        {"forward_us", p.forwardUs},
                                        {"gate_up_us", p.gateUpUs},
                                        {"down_us", p.downUs}});
  return llvm::json::Object{{"name", r.name},
                            {"arch", r.compiled.spec.arch},
                            {"compile_seconds", r.compiled.compileSeconds},
                            {"cache_hits", r.compiled.cacheHits()},
                            {"kernels", std::move(kernels)},
                            {"points", std::move(points)}};
}
} // namespace

static int runMain(int argc, char **argv) {
  mlpjit::setToolVersionPrinter("mlpjit-run");
  cl::ParseCommandLineOptions(argc, argv,
                              "mlpjit-run: compile, run and check an MLP\n");
  auto exitWith = [](llvm::Error e) {
    llvm::errs() << "mlpjit-run: error: " << llvm::toString(std::move(e))
                 << "\n";
    return 1;
  };
  auto tokens = tokenCounts(tokensOpt, {1, 16, 128, 1024});
  if (!tokens)
    return exitWith(tokens.takeError());
  auto specs = loadMlpFile(inputFile, llvm::errs());
  if (!specs)
    return exitWith(specs.takeError());

  // Without a GPU: compile to PTX (filling the cache) and stop there.
  auto gpu = GpuSession::open();
  std::string noGpuReason;
  if (!gpu)
    noGpuReason = llvm::toString(gpu.takeError());

  CompileOptions options;
  options.arch = archOpt;
  options.cubin = bool(gpu); // loaded without the driver's JIT
  bool allPassed = true;
  llvm::json::Array reports;
  for (MlpSpec spec : *specs) {
    // One GPU runs one rank: rank 0's shard is an ordinary block of width
    // intermediate / tp (it adds the down bias), so check and time that.
    if (spec.tensorParallel > 1) {
      llvm::errs() << "mlpjit-run: note: " << spec.name << ": tp = "
                   << spec.tensorParallel << ": checking rank 0's shard "
                   << "(intermediate " << spec.intermediate << " / "
                   << spec.tensorParallel
                   << ") on one GPU; the all-reduce across GPUs is "
                      "mlpjit-bench --tp N\n";
      spec.intermediate /= spec.tensorParallel;
      spec.tensorParallel = 1;
    }
    Report report;
    report.name = spec.name;
    auto compiled = compileMlp(spec, options);
    if (!compiled)
      return exitWith(compiled.takeError());
    report.compiled = std::move(*compiled);
    if (!jsonOpt)
      llvm::outs() << llvm::format(
          "%s: %d kernels for %s (%zu token ranges), compiled in %.2f s "
          "(%d cache hits)\n",
          spec.name.c_str(), report.compiled.kernelCount(),
          report.compiled.spec.arch.c_str(), report.compiled.kernels.size(),
          report.compiled.compileSeconds, report.compiled.cacheHits());
    if (gpu) {
      if (auto e = runOnGpu(**gpu, report, *tokens, !jsonOpt))
        return exitWith(std::move(e));
      for (const Point &p : report.points)
        allPassed &= p.passed;
    }
    reports.push_back(toJson(report));
  }
  if (!gpu && !jsonOpt)
    llvm::outs() << "no GPU (" << noGpuReason << "): compiled to PTX"
                 << (KernelCache::global().enabled()
                         ? " and cached in '" + KernelCache::defaultDirectory() +
                               "'"
                         : std::string(" (cache off: MLPJIT_CACHE=0)"))
                 << ", nothing run\n";
  if (jsonOpt) {
    llvm::json::Object top{{"gpu", gpu ? (*gpu)->name() : std::string()},
                           {"ran", bool(gpu)},
                           {"passed", allPassed},
                           {"mlps", std::move(reports)}};
    if (!gpu)
      top["no_gpu_reason"] = noGpuReason;
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(top)))
                 << "\n";
  }
  return allPassed ? 0 : 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  ignoreFileSizeLimitSignal();
  int rc = runMain(argc, argv);
  if (!finishStandardOutput("mlpjit-run") && rc == 0)
    rc = 1;
  return rc;
}
