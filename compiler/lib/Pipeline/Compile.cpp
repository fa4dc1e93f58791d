//===- Compile.cpp - spec to PTX: front end, passes, codegen, NVRTC -------===//
#include "mlpjit/Pipeline/Compile.h"

#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/Codegen/KernelCache.h"
#include "mlpjit/FileOutput.h"
#include "mlpjit/Frontend/EmitModule.h"
#include "mlpjit/Module.h"
#include "mlpjit/Transforms/KernelCollection.h"
#include "mlpjit/Transforms/Passes.h"
#include "mlpjit/Transforms/TunedPlans.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ThreadPool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <tuple>

using namespace mlpjit;

static llvm::Error compileError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// `sm_90` names the same GPUs as `sm_90a`; the kernel template planned for
/// them (sm90_tma_ws) needs wgmma, which only the arch-specific target has.
static std::string withArchSpecificFeatures(const std::string &arch) {
  return arch == "sm_90" ? "sm_90a" : arch;
}

std::string mlpjit::resolveArch(const MlpSpec &spec,
                                const CompileOptions &options) {
  if (!options.arch.empty())
    return withArchSpecificFeatures(options.arch);
  if (!spec.arch.empty())
    return withArchSpecificFeatures(spec.arch);
  // The GPU's target when a driver and a device are present.
  if (auto gpu = DeviceContext::probe())
    return gpu->arch.str();
  else
    llvm::consumeError(gpu.takeError());
  return "sm_90a";
}

/// The GPU present when `arch` is its target, else none: another GPU's
/// numbers (its SMs, its tuned plans) would mislead an ahead-of-time build
/// for `arch`.
static std::optional<DeviceContext::Traits> targetGpu(llvm::StringRef arch) {
  auto gpu = DeviceContext::probe();
  if (!gpu) {
    llvm::consumeError(gpu.takeError());
    return std::nullopt;
  }
  if (gpu->arch.str() != arch)
    return std::nullopt;
  return std::move(*gpu);
}

/// The options' SM count and bandwidth where set (> 0), else `gpu`'s.
static std::pair<int, double>
targetOf(const std::optional<DeviceContext::Traits> &gpu,
         const CompileOptions &options) {
  std::pair<int, double> target{options.smCount, options.memoryGBs};
  if (gpu && target.first <= 0)
    target.first = gpu->smCount;
  if (gpu && target.second <= 0)
    target.second = gpu->memoryGBs;
  return target;
}

std::pair<int, double> mlpjit::resolveTargetGpu(llvm::StringRef arch,
                                                const CompileOptions &options) {
  if (options.smCount > 0 && options.memoryGBs > 0)
    return {options.smCount, options.memoryGBs};
  return targetOf(targetGpu(arch), options);
}

namespace {
/// Collects the context's diagnostics so they can travel in an llvm::Error.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(mlir::MLIRContext &context)
      : handler(&context, [this](mlir::Diagnostic &d) {
          llvm::raw_string_ostream os(text);
          os << d.getLocation() << ": " << d << "\n";
          return mlir::success();
        }) {}
  std::string text;

private:
  mlir::ScopedDiagnosticHandler handler;
};
} // namespace

llvm::Expected<std::string> mlpjit::inputIR(llvm::ArrayRef<MlpSpec> specs) {
  mlir::MLIRContext context;
  DiagnosticCollector diagnostics(context);
  auto module = emitModule(context, specs);
  if (!module)
    return compileError("emitting MLIR failed:\n" + diagnostics.text);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

std::string mlpjit::defaultTuningFile() {
  if (const char *file = std::getenv("MLPJIT_TUNING_FILE"))
    return file;
  std::string dir = KernelCache::defaultDirectory();
  if (dir.empty())
    return "";
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "tuning.json");
  return std::string(path);
}

/// The planner `options` ask for: null (the heuristic) or the heuristic under
/// a tuning file's plans (those of `gpu` when it is known).
static llvm::Expected<std::shared_ptr<const KernelPlanner>>
plannerFor(const std::optional<DeviceContext::Traits> &gpu,
           const CompileOptions &options) {
  const bool isDefault = !options.tuningFile;
  std::string file = isDefault ? defaultTuningFile() : *options.tuningFile;
  if (file.empty())
    return nullptr;
  auto table = TunedPlanTable::load(file);
  if (!table) {
    if (!isDefault)
      return table.takeError();
    llvm::errs() << "mlpjit: warning: " << llvm::toString(table.takeError())
                 << "; using the heuristic's plans\n";
    return nullptr;
  }
  // Plans measured on another GPU than the one present, when it is the
  // target: a tuning file shared between machines (a cache directory on a
  // network disk) must not hand one GPU's plans to another.
  if (size_t skipped = gpu ? table->keepDevice(gpu->name) : 0) {
    // Once per file and process: every compile reads the file.
    static std::mutex mutex;
    static llvm::StringSet<> noted;
    std::lock_guard<std::mutex> lock(mutex);
    if (noted.insert(file).second)
      llvm::errs() << "mlpjit: note: tuning file '" << file << "': " << skipped
                   << " plan(s) measured on other GPUs than this " << gpu->name
                   << " not used\n";
  }
  if (table->entries().empty())
    return nullptr;
  return std::make_shared<TunedKernelPlanner>(
      std::move(*table), std::make_shared<HeuristicKernelPlanner>());
}

/// CompileOptions::maxGateUpBlock, else $MLPJIT_GATE_UP_BLOCK, else 16.
static llvm::Expected<int64_t> maxGateUpBlock(const CompileOptions &options) {
  if (options.maxGateUpBlock != 0) {
    if (!isSupportedGateUpBlock(options.maxGateUpBlock))
      return compileError("maxGateUpBlock must be 8, 16, 32 or 64, got " +
                          llvm::Twine(options.maxGateUpBlock));
    return options.maxGateUpBlock;
  }
  const char *env = std::getenv("MLPJIT_GATE_UP_BLOCK");
  if (!env || !*env)
    return kDefaultGateUpBlock;
  int64_t block = 0;
  if (llvm::StringRef(env).getAsInteger(10, block) ||
      !isSupportedGateUpBlock(block))
    return compileError(llvm::Twine("MLPJIT_GATE_UP_BLOCK must be 8, 16, 32 "
                                    "or 64, got '") +
                        env + "'");
  return block;
}

llvm::Expected<std::vector<KernelDesc>>
mlpjit::planKernels(const MlpSpec &spec, llvm::StringRef arch,
                    llvm::raw_ostream *printAfterEach,
                    const CompileOptions &compileOptions) {
  // One probe of the driver serves the tuning file and the cost model.
  const std::optional<DeviceContext::Traits> gpu = targetGpu(arch);
  auto planner = plannerFor(gpu, compileOptions);
  if (!planner)
    return planner.takeError();
  auto maxBlock = maxGateUpBlock(compileOptions);
  if (!maxBlock)
    return maxBlock.takeError();
  mlir::MLIRContext context;
  DiagnosticCollector diagnostics(context);
  auto module = emitModule(context, spec);
  if (!module)
    return compileError("emitting MLIR for '" + spec.name + "' failed:\n" +
                        diagnostics.text);
  if (compileOptions.smCount < 0 || compileOptions.memoryGBs < 0)
    return compileError(
        llvm::formatv("the target GPU's smCount (--sm-count) and memoryGBs "
                      "(--memory-gbs) must not be negative, got {0} and {1}",
                      compileOptions.smCount, compileOptions.memoryGBs)
            .str());
  DefaultPipelineOptions options;
  options.arch = arch.str();
  std::tie(options.smCount, options.memoryGBs) = targetOf(gpu, compileOptions);
  options.planner = std::move(*planner);
  options.maxBlockRows = *maxBlock;
  if (mlir::failed(runDefaultPipeline(*module, options, printAfterEach)))
    return compileError("the pass pipeline failed for '" + spec.name + "':\n" +
                        diagnostics.text);
  return collectKernels(*module);
}

/// MLPJIT_DUMP_DIR: every kernel's generated source and PTX, for looking at
/// what an embedding application compiled. Failures are warnings.
static void dumpArtifacts(llvm::StringRef dir, const CompiledMlp &compiled) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    llvm::errs() << "mlpjit: warning: MLPJIT_DUMP_DIR '" << dir
                 << "': " << ec.message() << "\n";
    return;
  }
  for (const CompiledKernel *k : compiled.distinctKernels()) {
    for (auto [ext, text] :
         {std::pair{".cu", &k->cudaSource}, {".ptx", &k->ptx}}) {
      llvm::SmallString<256> path(dir);
      llvm::sys::path::append(path, k->desc.name + ext);
      if (llvm::Error e = writeFileAtomically(path, *text)) {
        llvm::errs() << "mlpjit: warning: MLPJIT_DUMP_DIR: "
                     << llvm::toString(std::move(e)) << "\n";
        return;
      }
    }
  }
}

std::vector<const CompiledKernel *> CompiledMlp::distinctKernels() const {
  std::vector<const CompiledKernel *> out;
  llvm::StringSet<> names;
  for (const CompiledKernel &k : kernels)
    if (names.insert(k.desc.name).second)
      out.push_back(&k);
  return out;
}

int CompiledMlp::cacheHits() const {
  return int(llvm::count_if(
      distinctKernels(), [](const CompiledKernel *k) { return k->cacheHit; }));
}

llvm::Expected<CompiledMlp> mlpjit::compileMlp(const MlpSpec &spec,
                                               const CompileOptions &options) {
  auto start = std::chrono::steady_clock::now();
  CompiledMlp result;
  result.spec = spec;
  result.spec.arch = resolveArch(spec, options);
  auto descs = planKernels(result.spec, result.spec.arch, nullptr, options);
  if (!descs)
    return descs.takeError();

  // Token ranges planned alike share a kernel name (collectKernels) and so
  // one compile: `compiled[i]` is the index of desc i's artifact.
  std::vector<size_t> compiled(descs->size());
  std::vector<size_t> unique;
  llvm::StringMap<size_t> byName;
  for (size_t i = 0; i < descs->size(); ++i) {
    auto [it, inserted] = byName.try_emplace((*descs)[i].name, unique.size());
    if (inserted)
      unique.push_back(i);
    else if (!(*descs)[unique[it->second]].sameKernel((*descs)[i]))
      return compileError("two kernels named " + (*descs)[i].name +
                          " plan different GEMMs or constants");
    compiled[i] = it->second;
  }
  // NVRTC is the slow part and is thread-safe: one task per kernel.
  KernelCache *cache = options.useCache ? &KernelCache::global() : nullptr;
  std::vector<std::optional<llvm::Expected<codegen::CompiledKernelArtifact>>>
      artifacts(unique.size());
  {
    unsigned threads =
        options.threads > 0
            ? unsigned(options.threads)
            : llvm::hardware_concurrency().compute_thread_count();
    threads = std::max(1u, std::min<unsigned>(threads, unique.size()));
    llvm::DefaultThreadPool pool(llvm::hardware_concurrency(threads));
    for (size_t u = 0; u < unique.size(); ++u)
      pool.async([&, u] {
        const KernelDesc &desc = (*descs)[unique[u]];
        if (llvm::Error err = codegen::validateKernel(desc))
          artifacts[u].emplace(std::move(err));
        else
          artifacts[u].emplace(
              codegen::compileKernel(desc, cache, options.cubin));
      });
    pool.wait();
  }
  for (size_t u = 0; u < unique.size(); ++u)
    if (!*artifacts[u])
      return compileError("kernel " + (*descs)[unique[u]].name + ": " +
                          llvm::toString(artifacts[u]->takeError()));
  for (size_t i = 0; i < descs->size(); ++i) {
    const codegen::CompiledKernelArtifact &artifact = **artifacts[compiled[i]];
    CompiledKernel kernel;
    kernel.desc = (*descs)[i];
    kernel.cudaSource = artifact.source;
    kernel.ptx = artifact.ptx;
    kernel.cubin = artifact.cubin;
    kernel.nvrtcLog = artifact.log;
    kernel.cacheHit = artifact.cacheHit;
    result.kernels.push_back(std::move(kernel));
  }
  if (auto dir = llvm::sys::Process::GetEnv("MLPJIT_DUMP_DIR"))
    dumpArtifacts(*dir, result);
  result.compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

MlpProgram mlpjit::toProgram(const CompiledMlp &compiled) {
  const MlpSpec &spec = compiled.spec;
  MlpProgram program;
  program.name = spec.name;
  program.hidden = spec.hidden;
  // One rank's shard: the kernels were planned for intermediate / tp.
  program.intermediate = spec.intermediate / spec.tensorParallel;
  program.tensorParallel = spec.tensorParallel;
  program.dtype = spec.dtype;
  program.epilogue = toEpilogue(spec.activation);
  program.hasBias = spec.bias;
  program.tokensMin = spec.tokensMin;
  program.tokensMax = spec.tokensMax;
  program.interleaveRows = 0;
  for (const CompiledKernel &k : compiled.kernels) {
    if (k.desc.role == KernelRole::gate_up && isGated(k.desc.epilogue))
      program.interleaveRows = k.desc.interleaveRows;
    program.kernels.push_back({k.desc, k.ptx, k.cubin});
  }
  return program;
}
