//===- mlpjit-bench.cpp - mlpjit against cuBLASLt, time / floor -----------===//
//
// For each shape × token count, in one process: mlpjit's forward, the
// cuBLASLt unfused MLP (gate, up, activation, down) and the cuBLASLt MLP with
// merged gate-up. Each is checked against the unfused result first, then
// the three are timed interleaved (CUDA-graph replays over rotating buffers,
// one replay of each per rep, medians: they share the GPU's clock). The bf16
// GEMM rate and the copy bandwidth are measured in the same run; the floor is
// max(6·M·h·i / rate, 2·(3·h·i + 2·M·h) / bandwidth). --tp N: tensor
// parallelism over N GPUs instead (TensorParallelBench.h).
//
//===----------------------------------------------------------------------===//
#include "ToolVersion.h"
#include "DeviceMlp.h"
#include "TensorParallelBench.h"
#include "Timing.h"
#include "TokenCounts.h"
#include "Tuner.h"

#include "mlpjit/FileOutput.h"
#include "mlpjit/Frontend/Frontend.h"
#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/mlpjit.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <functional>
#include <optional>

using namespace mlpjit;
using namespace mlpjit::harness;
namespace cl = llvm::cl;

static cl::list<std::string>
    inputFiles(cl::Positional, cl::desc("[spec.mlp | config.json ...]"));
static cl::opt<std::string> shapesOpt(
    "shapes",
    cl::desc("built-in shapes to run (default: all, unless files are given): "
             "llama-3-8b,llama-3-70b/tp8,qwen2.5-7b,gemma-7b"),
    cl::init(""));
static cl::list<int> tokensOpt("tokens",
                               cl::desc("token counts (default "
                                        "1,16,64,256,1024,4096,8192; with "
                                        "--tp 1,64,1024,8192)"),
                               cl::CommaSeparated);
static cl::opt<int> repsOpt("reps", cl::desc("timed graph replays per point"),
                            cl::init(50));
static cl::opt<int> warmupOpt("warmup", cl::desc("untimed replays per point"),
                              cl::init(5));
static cl::opt<double> settleMsOpt(
    "settle-ms",
    cl::desc("after the warm-up, replay the variants timed together (in "
             "turn), and the ceiling GEMM and copy, this long before timing "
             "them, so every number is taken at the GPU's steady clock: the "
             "H200's power cap lowers it "
             "from 1980 MHz to ~1.5 GHz within a fraction of a second of dense "
             "MMA work (0: off)"),
    cl::init(kDefaultSettleMs));
static cl::opt<std::string> jsonOpt("json", cl::desc("write results as JSON"),
                                    cl::init(""));
static cl::opt<std::string> csvOpt("csv", cl::desc("write results as CSV"),
                                   cl::init(""));
static cl::opt<std::string>
    plotOpt("plot",
            cl::desc("write a PNG of time/floor against M (needs python3 "
                     "with matplotlib; runs tools/mlpjit-bench/plot_bench.py)"),
            cl::init(""));
static cl::opt<std::string> archOpt("arch", cl::desc("target, e.g. sm_90a"),
                                    cl::init(""));
static cl::opt<bool>
    tuneOpt("tune",
            cl::desc("first time candidate plans of every GEMM at the token "
                     "counts, store the fastest in the tuning file, and "
                     "benchmark with them"));
static cl::opt<int> tpOpt(
    "tp",
    cl::desc("tensor parallelism: llama-3-70b's MLP split N ways, one process "
             "per GPU, shard MLP + NCCL all-reduce against cuBLASLt + the "
             "same all-reduce (tokens default: 1,64,1024,8192)"),
    cl::init(0));
static cl::opt<int> tuneCandidatesOpt(
    "tune-candidates",
    cl::desc("with --tune: candidate plans timed per GEMM and bucket, the "
             "cost model's favourites first"),
    cl::init(16));
static cl::opt<TuneTiming> tuneTimingOpt(
    "tune-timing", cl::desc("with --tune: how a GEMM's candidates are timed"),
    cl::values(clEnumValN(TuneTiming::Interleaved, "interleaved",
                          "in turn, all at the clock their mix holds "
                          "(default)"),
               clEnumValN(TuneTiming::Alone, "alone",
                          "one after another, each settled at the clock it "
                          "holds by itself"),
               clEnumValN(TuneTiming::Both, "both",
                          "both in one process; picks by the interleaved "
                          "times, logs both"),
               clEnumValN(TuneTiming::Forward, "forward",
                          "interleaved, then each candidate's whole forward "
                          "(the other GEMM the heuristic's) interleaved; "
                          "picks by the forwards, logs both")),
    cl::init(TuneTiming::Interleaved));
static cl::opt<std::string> tuneLogOpt(
    "tune-log",
    cl::desc("with --tune: write one JSON line per timed candidate (plan, "
             "cost-model estimate, median) to this file"),
    cl::init(""));
static cl::opt<std::string> validateOpt(
    "validate",
    cl::desc("the validation sweep: every config.json in this folder at the "
             "token counts (default: the default ones plus non-round ones), "
             "heuristic and tuned plans timed interleaved with cuBLASLt"),
    cl::init(""));
static cl::opt<bool> abPadOpt(
    "ab-pad-intermediate",
    cl::desc("time the plans with the intermediate as M rows and as whole "
             "token tiles (MlpKernels::LoadOptions::padIntermediate, on "
             "unless MLPJIT_PAD_INTERMEDIATE=0), interleaved in this process"));
static cl::opt<bool> abExactOpt(
    "ab-exact-last-tile",
    cl::desc("time the plans with each GEMM's ragged last token tile of A "
             "loaded through A's tensor map (boxes past its last row) and "
             "through a map of just its rows "
             "(MlpKernels::LoadOptions::exactLastTile, on unless "
             "MLPJIT_EXACT_LAST_TILE=0), interleaved in this process"));
static cl::opt<int> validateRoundsOpt(
    "validate-rounds",
    cl::desc("with --validate, --ab-pad-intermediate or --ab-exact-last-tile: "
             "times each point's "
             "two plan sets and the cuBLASLt baselines (interleaved) this "
             "many times and keeps the medians"),
    cl::init(3));
static cl::opt<int> weightCopiesOpt(
    "weight-copies",
    cl::desc("weight copies the timed calls rotate through, a power of two up "
             "to 64 (0, the default: enough that together they hold 3x the "
             "L2, so weights are timed from memory, not from the L2 the "
             "previous call filled; 1 for every block of 150 MiB and up on a "
             "50 MiB L2)"),
    cl::init(0));
static cl::opt<std::string> tuningFileOpt(
    "tuning-file",
    cl::desc("measured plans to read (and with --tune, write); default: "
             "$MLPJIT_TUNING_FILE, else tuning.json in the kernel cache"),
    cl::init(""));

namespace {
/// One set of plans every point times: the tuning file it is planned with
/// (none: the heuristic's), its label in the log, and how its kernels load.
struct PlanSet {
  std::optional<std::string> tuning;
  llvm::StringRef label;
  MlpKernels::LoadOptions load = MlpKernels::LoadOptions::fromEnvironment();
};

struct BenchShape {
  std::string name;
  MlpSpec spec;
};

std::vector<BenchShape> builtinShapes() {
  auto make = [](const char *name, int64_t h, int64_t i, Activation act) {
    MlpSpec s;
    s.name = name;
    for (char &c : s.name)
      if (!isalnum(static_cast<unsigned char>(c)))
        c = '_';
    s.hidden = h;
    s.intermediate = i;
    s.activation = act;
    return BenchShape{name, s};
  };
  // The shapes of tools/mlpjit-bench/peers_bench.py.
  return {make("llama-3-8b", 4096, 14336, Activation::swiglu),
          make("llama-3-70b/tp8", 8192, 28672 / 8, Activation::swiglu),
          make("qwen2.5-7b", 3584, 18944, Activation::swiglu),
          make("gemma-7b", 3072, 24576, Activation::geglu_tanh)};
}

struct Row {
  std::string shape;
  int64_t hidden, intermediate, m;
  double floorUs, mlpjitUs, unfusedUs, mergedUs, relErr;
};

llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg.str());
}

struct Ceilings {
  // Steady state (after --settle-ms), which the floors use; "cold": the
  // first replays after an idle GPU, at its boost clock (reported only).
  double tflops = 0, tbps = 0;
  double tflopsCold = 0;
};

llvm::Expected<Ceilings> measureCeilings(GpuSession &gpu) {
  const Driver &d = gpu.driver();
  CUstream stream = gpu.stream();
  const HarnessKernels &kernels = gpu.kernels();
  CublasLtGemm &gemm = gpu.gemm(DType::bf16);
  Ceilings c;
  const int64_t n = 8192;
  DeviceArray a(d), b(d), out(d);
  if (auto e = a.allocate(n * n * 2))
    return e;
  if (auto e = b.allocate(n * n * 2))
    return e;
  if (auto e = out.allocate(n * n * 2))
    return e;
  if (auto e = kernels.fillRandom(DType::bf16, a.ptr(), n * n, 1, 1.0f, stream))
    return e;
  if (auto e = kernels.fillRandom(DType::bf16, b.ptr(), n * n, 2, 1.0f, stream))
    return e;
  auto gemmBody = [&](int) {
    return gemm.gemm(a.ptr(), b.ptr(), out.ptr(), n, n, n, 0, stream);
  };
  auto cold = timeWithGraph(d, stream, gemmBody, 2, 3, 20);
  if (!cold)
    return cold.takeError();
  c.tflopsCold = 2.0 * n * n * n / (cold->medianUs * 1e-6) / 1e12;
  auto t = timeWithGraph(d, stream, gemmBody, 2, 3, 20, settleMsOpt);
  if (!t)
    return t.takeError();
  c.tflops = 2.0 * n * n * n / (t->medianUs * 1e-6) / 1e12;

  const size_t bytes = size_t(1) << 30;
  DeviceArray src(d), dst(d);
  if (auto e = src.allocate(bytes))
    return e;
  if (auto e = dst.allocate(bytes))
    return e;
  auto tc = timeWithGraph(
      d, stream,
      [&](int) { return kernels.copy(dst.ptr(), src.ptr(), bytes, stream); }, 2,
      3, 20, settleMsOpt);
  if (!tc)
    return tc.takeError();
  c.tbps = 2.0 * bytes / (tc->medianUs * 1e-6) / 1e12;
  return c;
}

/// --tuning-file as CompileOptions takes it: unset means the default file.
std::optional<std::string> tuningFile() {
  if (tuningFileOpt.empty())
    return std::nullopt;
  return tuningFileOpt.getValue();
}

/// Benchmarks `shape` at each token count with each plan set of `plans`
/// (tuning files as CompileOptions takes them; "" is the heuristic alone):
/// every set checked against cuBLASLt and float64 first, then the sets and
/// the two cuBLASLt baselines timed interleaved, `rounds` times over, and
/// each one's median of its rounds kept, so clock drift during the run does
/// not read as a difference between plans (timed in turn, identical plans
/// read up to 23% apart in one process: session 12). rows[i] gets plan set i's
/// rows; the log tags them with its label (e.g. " (tuned)").
llvm::Error benchShape(GpuSession &gpu, const BenchShape &shape,
                       llvm::ArrayRef<int64_t> tokens, const Ceilings &ceil,
                       llvm::ArrayRef<PlanSet> plans, int rounds,
                       std::vector<std::vector<Row>> &rows) {
  const Driver &d = gpu.driver();
  CUstream stream = gpu.stream();
  const HarnessKernels &kernels = gpu.kernels();
  MlpSpec spec = shape.spec;
  coverTokens(spec, tokens);
  if (!archOpt.empty())
    spec.arch = archOpt;
  llvm::errs() << "[" << shape.name << "] compiling...\n";
  // The weight copies the timed calls rotate through (--weight-copies).
  const int64_t weightBytes = blockWeightBytes(spec);
  const int64_t l2Bytes = gpu.context().l2Bytes();
  const int copies = weightCopiesOpt ? int(weightCopiesOpt)
                                     : coldWeightCopies(weightBytes, l2Bytes);
  if (copies > 1 || weightBytes < l2Bytes)
    llvm::errs() << "[" << shape.name << "] note: weights of "
                 << weightBytes / (1 << 20) << " MiB, L2 of "
                 << l2Bytes / (1 << 20) << " MiB: timed over " << copies
                 << " weight cop" << (copies > 1 ? "ies" : "y")
                 << (copies * weightBytes < l2Bytes ? ", from the L2" : "")
                 << "\n";
  // Every plan set on the first one's weights (its packed gate/up copies
  // included) and in one workspace: with a copy and a workspace each,
  // identical plans read up to 1.13x apart by plan-set slot (llama-3.2-1b
  // at M = 160, session 18).
  std::vector<std::unique_ptr<DeviceMlp>> mlps;
  size_t workspaceBytes = 0;
  for (const PlanSet &set : plans) {
    auto dev = DeviceMlp::compile(gpu, spec, set.tuning,
                                  mlps.empty() ? nullptr : mlps.front().get(),
                                  set.load, copies);
    if (!dev)
      return dev.takeError();
    workspaceBytes = std::max(workspaceBytes, (*dev)->workspaceBytes());
    mlps.push_back(std::move(*dev));
  }
  DeviceArray workspace(gpu.driver());
  if (mlps.size() > 1) {
    if (auto e = workspace.allocate(workspaceBytes))
      return e;
    for (const std::unique_ptr<DeviceMlp> &mlp : mlps)
      mlp->useWorkspace(workspace.ptr(), workspaceBytes);
  }
  rows.resize(std::max(rows.size(), mlps.size()));
  const DeviceMlp &first = *mlps.front();
  const int64_t h = spec.hidden, i = spec.intermediate;
  CublasLtMlp baseline = first.cublasLtBaseline();

  for (int64_t m : tokens) {
    llvm::errs() << "[" << shape.name << "] M=" << m << ": check";
    // Rotate inputs/outputs, and the weight copies (the note above).
    auto buffers =
        TimingBuffers::forPoint(gpu, baseline, spec.dtype, m, h, stream);
    if (!buffers)
      return buffers.takeError();
    const TimingBuffers &b = *buffers;
    const CUdeviceptr yRef = b.yRef.ptr(), scratch = b.scratch.ptr();

    // Correctness first: each plan set against unfused cuBLASLt and against
    // float64 on the CPU (first and last rows), then merged against unfused.
    std::vector<double> relErr;
    for (const std::unique_ptr<DeviceMlp> &mlp : mlps) {
      auto check = mlp->checkForward(&baseline, b.x(0), b.y(0), yRef, scratch,
                                     m, {0, m - 1}, stream);
      if (!check)
        return check.takeError();
      if (!(check->relErrCublas <= 1e-2))
        return fail(shape.name + " M=" + llvm::Twine(m) +
                    ": mlpjit differs from cuBLASLt: relative error " +
                    llvm::formatv("{0:e}", check->relErrCublas).str());
      if (!(check->relErrCpu <= 1e-2))
        return fail(shape.name + " M=" + llvm::Twine(m) +
                    ": mlpjit differs from the float64 reference: relative "
                    "error " +
                    llvm::formatv("{0:e}", check->relErrCpu).str());
      relErr.push_back(check->relErrCublas);
    }
    if (auto e = kernels.poison(b.y(1), size_t(m) * h, stream))
      return e;
    if (auto e = baseline.merged(first.weights(), b.x(0), b.y(1), m, scratch,
                                 stream))
      return e;
    auto mergedErr =
        relativeError(gpu, b.y(1), yRef, size_t(m) * h, spec.dtype);
    if (!mergedErr)
      return mergedErr.takeError();
    if (!(*mergedErr <= 1e-2))
      return fail(shape.name + ": merged baseline differs from unfused");
    // The last weight copy too, which the timed calls run as well (after
    // the merged check: this overwrites yRef).
    if (copies > 1) {
      auto check =
          mlps.front()->checkForward(&baseline, b.x(0), b.y(0), yRef, scratch,
                                     m, {m - 1}, stream, copies - 1);
      if (!check)
        return check.takeError();
      if (!check->passed())
        return fail(
            shape.name + " M=" + llvm::Twine(m) + ": weight copy " +
            llvm::Twine(copies - 1) +
            " differs from cuBLASLt or float64: relative errors " +
            llvm::formatv("{0:e}, {1:e}", check->relErrCublas, check->relErrCpu)
                .str());
    }

    // Every plan set and both baselines interleaved (timeInterleaved), so
    // that they share the clock; `rounds` such measurements, medians kept.
    std::vector<std::function<llvm::Error(int)>> variants;
    for (const std::unique_ptr<DeviceMlp> &mlp : mlps)
      variants.push_back([&, mlp = mlp.get()](int r) {
        return mlp->forward(b.x(r), b.y(r), m, stream, r);
      });
    variants.push_back([&](int r) {
      return baseline.unfused(first.weights(r), b.x(r), b.y(r), m, scratch,
                              stream);
    });
    variants.push_back([&](int r) {
      return baseline.merged(first.weights(r), b.x(r), b.y(r), m, scratch,
                             stream);
    });
    std::vector<std::vector<double>> times(variants.size());
    for (int round = 0; round < rounds; ++round) {
      llvm::errs() << ", timing";
      auto t = timeInterleaved(d, stream, variants,
                               TimingBuffers::callsPerGraph(copies), warmupOpt,
                               repsOpt, settleMsOpt);
      if (!t)
        return t.takeError();
      for (size_t v = 0; v < variants.size(); ++v)
        times[v].push_back((*t)[v].medianUs);
    }
    const double tu = median(times[mlps.size()]),
                 tg = median(times[mlps.size() + 1]);
    llvm::errs() << "\n";
    double flops = 6.0 * m * h * i, bytes = 2.0 * (3.0 * h * i + 2.0 * m * h);
    double floorUs = 1e6 * std::max(flops / (ceil.tflops * 1e12),
                                    bytes / (ceil.tbps * 1e12));
    for (size_t v = 0; v < mlps.size(); ++v) {
      rows[v].push_back(
          {shape.name, h, i, m, floorUs, median(times[v]), tu, tg, relErr[v]});
      // Each row as soon as it is measured: a run cut short keeps its rows.
      const Row &r = rows[v].back();
      llvm::errs() << llvm::format(
          "  %s M=%lld: mlpjit %.1f us, cuBLASLt unfused %.1f, merged %.1f, "
          "floor %.1f, rel. error %.2e%s\n",
          r.shape.c_str(), (long long)m, r.mlpjitUs, r.unfusedUs, r.mergedUs,
          r.floorUs, r.relErr, plans[v].label.str().c_str());
    }
  }
  return llvm::Error::success();
}

void printTable(llvm::raw_ostream &os, const std::vector<Row> &rows) {
  os << llvm::format("%-16s %6s %9s %9s %9s %9s %8s %8s %8s\n", "shape", "M",
                     "floor_us", "mlpjit", "unfused", "merged", "mj/floor",
                     "best/fl", "speedup");
  for (const Row &r : rows) {
    double best = std::min(r.unfusedUs, r.mergedUs);
    os << llvm::format(
        "%-16s %6lld %9.1f %9.1f %9.1f %9.1f %8.2f %8.2f %8.2f\n",
        r.shape.c_str(), (long long)r.m, r.floorUs, r.mlpjitUs, r.unfusedUs,
        r.mergedUs, r.mlpjitUs / r.floorUs, best / r.floorUs,
        best / r.mlpjitUs);
  }
}
/// Two plan sets side by side: `a` and `b` (heuristic and tuned, or M rows
/// and padded), a / b, and the best cuBLASLt baseline over a.
void printComparison(llvm::raw_ostream &os, const std::vector<Row> &rowsA,
                     const std::vector<Row> &rowsB, const char *a,
                     const char *b) {
  const std::string aUs = std::string(a) + "_us", bUs = std::string(b) + "_us",
                    ratio = std::string(a) + "/" + b;
  os << llvm::format("%-24s %6s %9s %9s %9s %8s %9s %8s\n", "shape", "M",
                     "floor_us", aUs.c_str(), bUs.c_str(), ratio.c_str(),
                     "cublas", "speedup");
  for (size_t i = 0; i < rowsA.size() && i < rowsB.size(); ++i) {
    const Row &h = rowsA[i], &t = rowsB[i];
    double best = std::min({h.unfusedUs, h.mergedUs, t.unfusedUs, t.mergedUs});
    os << llvm::format("%-24s %6lld %9.1f %9.1f %9.1f %8.2f %9.1f %8.2f\n",
                       h.shape.c_str(), (long long)h.m, h.floorUs, h.mlpjitUs,
                       t.mlpjitUs, h.mlpjitUs / t.mlpjitUs, best,
                       best / h.mlpjitUs);
  }
}
} // namespace

static int benchMain(int argc, char **argv) {
  mlpjit::setToolVersionPrinter("mlpjit-bench");
  cl::ParseCommandLineOptions(argc, argv, "mlpjit-bench: mlpjit vs cuBLASLt\n");
  auto reportAndExit = [](llvm::Error e) {
    llvm::errs() << "mlpjit-bench: error: " << llvm::toString(std::move(e))
                 << "\n";
    return 1;
  };

  auto tokenList =
      tpOpt.getNumOccurrences() ? tokenCounts(tokensOpt, {1, 64, 1024, 8192})
      : validateOpt.getNumOccurrences()
          ? tokenCounts(tokensOpt, {1, 5, 16, 48, 64, 100, 200, 256, 300, 500,
                                    700, 1024, 1500, 2500, 4096, 6000, 8192})
          : tokenCounts(tokensOpt, {1, 16, 64, 256, 1024, 4096, 8192});
  if (!tokenList)
    return reportAndExit(tokenList.takeError());
  const std::vector<int64_t> &tokens = *tokenList;
  if (tuneTimingOpt.getNumOccurrences() && !tuneOpt)
    return reportAndExit(
        fail("--tune-timing says how --tune times its candidates: add --tune"));

  const int copiesAsked = weightCopiesOpt;
  if (copiesAsked < 0 || copiesAsked > kMaxWeightCopies ||
      (copiesAsked & (copiesAsked - 1)))
    return reportAndExit(fail(
        "--weight-copies must be 0 (enough to hold 3x the L2) or a power "
        "of two up to " +
        llvm::Twine(kMaxWeightCopies) + ", got " + llvm::Twine(copiesAsked)));

  if (tpOpt.getNumOccurrences()) {
    if (!inputFiles.empty() || !shapesOpt.empty() || tuneOpt ||
        !csvOpt.empty() || !plotOpt.empty() || abPadOpt || abExactOpt ||
        weightCopiesOpt.getNumOccurrences())
      return reportAndExit(fail("--tp runs llama-3-70b only, without files, "
                                "--shapes, --tune, --csv, --plot, "
                                "--ab-pad-intermediate, --ab-exact-last-tile "
                                "or --weight-copies"));
    TensorParallelBenchOptions options;
    options.ranks = tpOpt;
    options.arch = archOpt;
    options.tuningFile = tuningFileOpt;
    options.jsonPath = jsonOpt;
    options.warmup = warmupOpt;
    options.reps = repsOpt;
    options.settleMs = settleMsOpt;
    return runTensorParallelBench(options, tokens);
  }

  if (int(!validateOpt.empty()) + int(abPadOpt) + int(abExactOpt) > 1)
    return reportAndExit(fail("--validate, --ab-pad-intermediate and "
                              "--ab-exact-last-tile each compare two plan "
                              "sets: give one"));
  std::vector<BenchShape> shapes;
  std::vector<std::string> files(inputFiles.begin(), inputFiles.end());
  if (!validateOpt.empty()) {
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(validateOpt, ec), end;
         it != end && !ec; it.increment(ec))
      if (llvm::StringRef(it->path()).ends_with(".json"))
        files.push_back(it->path());
    if (ec)
      return reportAndExit(
          fail("--validate: cannot read " + validateOpt + ": " + ec.message()));
    llvm::sort(files);
    if (files.empty())
      return reportAndExit(
          fail("--validate: no .json configs in " + validateOpt));
    if (!tuneOpt && tuningFileOpt.empty())
      return reportAndExit(fail("--validate compares with tuned plans: add "
                                "--tune (and a --tuning-file to write), or "
                                "a --tuning-file of plans tuned before"));
    // A file without plans (not written yet) would time the heuristic
    // against itself under the "tuned" column.
    if (!tuneOpt) {
      auto table = TunedPlanTable::load(tuningFileOpt);
      if (!table)
        return reportAndExit(table.takeError());
      if (table->entries().empty())
        return reportAndExit(fail("--validate: " + tuningFileOpt +
                                  " holds no tuned plans: add --tune to tune "
                                  "them first"));
    }
  }
  for (const std::string &file : files) {
    auto specs = loadMlpFile(file, llvm::errs());
    if (!specs)
      return reportAndExit(specs.takeError());
    for (MlpSpec &s : *specs)
      shapes.push_back({s.name, s});
  }
  if (files.empty() || !shapesOpt.empty()) {
    auto all = builtinShapes();
    if (shapesOpt.empty())
      shapes.insert(shapes.end(), all.begin(), all.end());
    llvm::SmallVector<llvm::StringRef> wanted;
    llvm::StringRef(shapesOpt.getValue()).split(wanted, ',');
    for (llvm::StringRef want : wanted) {
      if (want.empty())
        continue;
      auto it = llvm::find_if(all, [&](auto &s) { return s.name == want; });
      if (it == all.end())
        return reportAndExit(fail("--shapes: unknown shape '" + want + "'"));
      shapes.push_back(*it);
    }
  }

  auto gpu = GpuSession::open();
  if (!gpu)
    return reportAndExit(gpu.takeError());

  llvm::errs() << "measuring ceilings...\n";
  auto ceil = measureCeilings(**gpu);
  if (!ceil)
    return reportAndExit(ceil.takeError());
  llvm::outs() << (*gpu)->name() << ": " << llvm::format("%.0f", ceil->tflops)
               << " TFLOP/s bf16 (cuBLASLt 8192^3; cold "
               << llvm::format("%.0f", ceil->tflopsCold) << "), "
               << llvm::format("%.2f", ceil->tbps) << " TB/s copy\n";
  // What the planner's cost model was scaled to (docs/passes.md, "Other
  // GPUs"): the driver's numbers, not the measured ceilings above.
  const auto [planSms, planGBs] = resolveTargetGpu((*gpu)->arch(), {});
  llvm::outs() << "plans for " << planSms << " SMs, "
               << llvm::format("%.0f", planGBs) << " GB/s peak DRAM\n";

  if (tuneOpt) {
    std::string file =
        tuningFileOpt.empty() ? defaultTuningFile() : tuningFileOpt.getValue();
    if (file.empty())
      return reportAndExit(fail("--tune: no tuning file (set --tuning-file)"));
    auto table = TunedPlanTable::load(file);
    if (!table)
      return reportAndExit(table.takeError());
    std::unique_ptr<llvm::raw_fd_ostream> calibration;
    TuneSettings settings;
    settings.maxCandidates = size_t(std::max(0, tuneCandidatesOpt.getValue()));
    settings.settleMs = settleMsOpt;
    settings.timing = tuneTimingOpt;
    settings.weightCopies = weightCopiesOpt;
    if (!tuneLogOpt.empty()) {
      std::error_code ec;
      calibration = std::make_unique<llvm::raw_fd_ostream>(tuneLogOpt, ec);
      if (ec)
        return reportAndExit(
            fail("cannot write " + tuneLogOpt + ": " + ec.message()));
      settings.calibration = calibration.get();
    }
    for (const BenchShape &s : shapes) {
      MlpSpec spec = s.spec;
      if (!archOpt.empty())
        spec.arch = archOpt;
      llvm::errs() << "[" << s.name << "] tuning...\n";
      if (auto e = tuneBlock(**gpu, s.name, spec, tokens, settings, *table,
                             llvm::outs()))
        return reportAndExit(std::move(e));
    }
    if (auto e = table->save(file))
      return reportAndExit(std::move(e));
    llvm::outs() << "tuned plans: " << table->entries().size() << " in " << file
                 << "\n";
    tuningFileOpt = file;
  }

  // The plan sets timed interleaved at every point: the heuristic's and the
  // tuned plans (--validate), one load option off and on (the others as the
  // environment says: --ab-pad-intermediate, --ab-exact-last-tile), or one
  // set; a comparison names its table and its two columns.
  struct Comparison {
    const char *title, *a, *b;
  };
  std::optional<Comparison> comparison;
  std::vector<PlanSet> plans = {{tuningFile(), ""}};
  auto offAndOn = [&](bool MlpKernels::LoadOptions::*option,
                      llvm::StringRef label) {
    PlanSet off{tuningFile(), ""}, on{tuningFile(), label};
    off.load.*option = false;
    on.load.*option = true;
    plans = {off, on};
  };
  if (!validateOpt.empty()) {
    plans = {{std::string(), ""}, {tuningFile(), " (tuned)"}};
    comparison = {"validation sweep: heuristic vs tuned", "heur", "tuned"};
  } else if (abPadOpt) {
    offAndOn(&MlpKernels::LoadOptions::padIntermediate, " (padded)");
    comparison = {"the intermediate as M rows vs padded to whole token tiles",
                  "mrows", "padded"};
  } else if (abExactOpt) {
    offAndOn(&MlpKernels::LoadOptions::exactLastTile, " (exact last tile)");
    comparison = {"the ragged last token tile through A's map vs a map of "
                  "its rows",
                  "boxed", "exact"};
  }
  const int rounds =
      plans.size() > 1 ? std::max(1, validateRoundsOpt.getValue()) : 1;
  std::vector<std::vector<Row>> sets(plans.size());
  for (const BenchShape &s : shapes)
    if (auto e = benchShape(**gpu, s, tokens, *ceil, plans, rounds, sets))
      return reportAndExit(std::move(e));
  std::vector<Row> rows = sets[0];
  printTable(llvm::outs(), rows);
  if (comparison) {
    llvm::outs() << "\n"
                 << comparison->title
                 << " vs the best cuBLASLt baseline (timed interleaved in "
                    "this process, the median of "
                 << rounds << " rounds)\n";
    printComparison(llvm::outs(), sets[0], sets[1], comparison->a,
                    comparison->b);
    for (Row &r : sets[1])
      r.shape += plans[1].label;
    rows.insert(rows.end(), sets[1].begin(), sets[1].end());
  }

  if (!jsonOpt.empty() || !plotOpt.empty()) {
    llvm::json::Array arr;
    for (const Row &r : rows)
      arr.push_back(llvm::json::Object{{"shape", r.shape},
                                       {"hidden", r.hidden},
                                       {"intermediate", r.intermediate},
                                       {"M", r.m},
                                       {"floor_us", r.floorUs},
                                       {"mlpjit_us", r.mlpjitUs},
                                       {"cublaslt_unfused_us", r.unfusedUs},
                                       {"cublaslt_merged_us", r.mergedUs},
                                       {"rel_err", r.relErr}});
    llvm::json::Object top{{"device", (*gpu)->name()},
                           {"peak_tflops", ceil->tflops},
                           {"peak_tbps", ceil->tbps},
                           {"peak_tflops_cold", ceil->tflopsCold},
                           {"plan_sm_count", planSms},
                           {"plan_memory_gbs", planGBs},
                           {"settle_ms", settleMsOpt.getValue()},
                           {"rows", std::move(arr)}};
    std::string path = jsonOpt.empty() ? plotOpt + ".json" : jsonOpt;
    if (llvm::Error e = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
          os << llvm::formatv("{0:2}", llvm::json::Value(std::move(top)))
             << "\n";
        }))
      return reportAndExit(std::move(e));
    if (!plotOpt.empty()) {
      auto python = llvm::sys::findProgramByName("python3");
      std::string script =
          std::string(MLPJIT_SOURCE_DIR) + "/tools/mlpjit-bench/plot_bench.py";
      if (!python || !llvm::sys::fs::exists(script))
        llvm::errs() << "mlpjit-bench: warning: no python3 or " << script
                     << "; plot not written (the JSON is in " << path << ")\n";
      else if (llvm::sys::ExecuteAndWait(*python,
                                         {*python, script, path, plotOpt}) != 0)
        llvm::errs() << "mlpjit-bench: warning: plotting failed\n";
    }
  }
  if (!csvOpt.empty()) {
    if (llvm::Error e = writeFileAtomically(csvOpt, [&](llvm::raw_ostream &os) {
          os << "shape,hidden,intermediate,M,floor_us,mlpjit_us,"
                "cublaslt_unfused_us,cublaslt_merged_us,rel_err\n";
          for (const Row &r : rows)
            os << r.shape << "," << r.hidden << "," << r.intermediate << ","
               << r.m << "," << r.floorUs << "," << r.mlpjitUs << ","
               << r.unfusedUs << "," << r.mergedUs << "," << r.relErr << "\n";
        }))
      return reportAndExit(std::move(e));
  }
  return 0;
}

int main(int argc, char **argv) {
  ignoreFileSizeLimitSignal();
  int rc = benchMain(argc, argv);
  if (!finishStandardOutput("mlpjit-bench") && rc == 0)
    rc = 1;
  return rc;
}
