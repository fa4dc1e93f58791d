//===- Tuner.cpp - mlpjit-bench --tune ------------------------------------===//
#include "Tuner.h"

#include "CublasLtBaseline.h"
#include "DeviceMlp.h"
#include "Timing.h"
#include "TokenCounts.h"

#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/Codegen/KernelCache.h"
#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/Transforms/CandidatePlans.h"
#include "mlpjit/mlpjit.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ThreadPool.h"

#include <functional>
#include <map>
#include <optional>

using namespace mlpjit;
using namespace mlpjit::harness;

namespace {

std::string describe(const KernelDesc &d) {
  std::string s = std::to_string(d.tileM) + "x" + std::to_string(d.tileN) +
                  " s" + std::to_string(d.stages);
  if (d.swapAB)
    s = "swap " + s;
  if (d.splitK > 1)
    s += " split" + std::to_string(d.splitK);
  if (d.streamK())
    s += " streamK";
  if (d.clusterM > 1)
    s += " cluster" + std::to_string(d.clusterM);
  if (d.templateName != "sm90_tma_ws")
    s += " " + d.templateName;
  return s;
}

/// The token count a bucket is tuned at: the middle one of the requested
/// counts inside it, if any.
std::optional<int64_t> representative(int64_t mMin, int64_t mMax,
                                      llvm::ArrayRef<int64_t> tokens) {
  std::vector<int64_t> inside;
  for (int64_t t : tokens)
    if (t >= mMin && t <= mMax)
      inside.push_back(t);
  if (inside.empty())
    return std::nullopt;
  llvm::sort(inside);
  return inside[inside.size() / 2];
}

} // namespace

llvm::Error mlpjit::harness::tuneBlock(GpuSession &gpu, llvm::StringRef label,
                                       const MlpSpec &specIn,
                                       llvm::ArrayRef<int64_t> tokens,
                                       const TuneSettings &settings,
                                       TunedPlanTable &table,
                                       llvm::raw_ostream &log) {
  auto fail = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   label + ": " + msg);
  };
  const Driver &d = gpu.driver();
  CUstream stream = gpu.stream();
  MlpSpec spec = specIn;
  coverTokens(spec, tokens);
  const int64_t h = spec.hidden;
  const int64_t l2Bytes = gpu.context().l2Bytes();
  // Weight copies for the smaller GEMM (down: h x i, as up of a plain
  // block), which the larger one's take too.
  const int64_t smallerBytes = spec.hidden * spec.intermediate * 2;
  const int copies = settings.weightCopies
                         ? settings.weightCopies
                         : coldWeightCopies(smallerBytes, l2Bytes);
  // All copies under the L2's size (a --weight-copies too small): timed
  // from the L2, not from memory, as they would not be in a model whose
  // other layers evict them. The rows carry "l2_bytes" and "weight_copies".
  if (copies * smallerBytes < l2Bytes)
    log << "[" << label << "] note: " << copies << " weight cop"
        << (copies > 1 ? "ies" : "y") << " of the smaller GEMM ("
        << copies * smallerBytes / (1 << 20) << " MiB) fit in the L2 ("
        << l2Bytes / (1 << 20) << " MiB): its candidates are timed from it\n";
  // Start from the heuristic alone, whatever tuning file exists.
  auto dev =
      DeviceMlp::compile(gpu, spec, /*tuningFile=*/"", nullptr,
                         MlpKernels::LoadOptions::fromEnvironment(), copies);
  if (!dev)
    return dev.takeError();
  DeviceMlp &mlp = **dev;
  const CompiledMlp *base = &mlp.compiled();
  // The cost model the planner used for `base` ranks the candidates too.
  const auto [smCount, memoryGBs] = resolveTargetGpu(base->spec.arch, {});
  const DeviceModel device = DeviceModel::forGpu(smCount, memoryGBs);
  CublasLtMlp reference = mlp.cublasLtBaseline();
  const int perGraph = TimingBuffers::callsPerGraph(copies);

  // Buckets: the (gate_up, down) kernel pair of each token range.
  std::map<std::pair<int64_t, int64_t>, std::pair<int, int>> buckets;
  for (size_t k = 0; k < base->kernels.size(); ++k) {
    const KernelDesc &desc = base->kernels[k].desc;
    auto &slot = buckets[{desc.mMin, desc.mMax}];
    (desc.role == KernelRole::gate_up ? slot.first : slot.second) = int(k);
  }

  for (auto &[range, pair] : buckets) {
    auto m = representative(range.first, range.second, tokens);
    if (!m)
      continue;
    auto buffers = TimingBuffers::allocate(
        gpu, spec.dtype, *m, h, reference.scratchBytes(*m, 2), 500, stream);
    if (!buffers)
      return buffers.takeError();
    const TimingBuffers &b = *buffers;
    const CUdeviceptr yRef = b.yRef.ptr();
    if (auto e = reference.unfused(mlp.weights(), b.x(0), yRef, *m,
                                   b.scratch.ptr(), stream))
      return e;

    for (int role : {0, 1}) {
      const CompiledKernel &gateUp = base->kernels[pair.first];
      const CompiledKernel &down = base->kernels[pair.second];
      const KernelDesc &tuned = role == 0 ? gateUp.desc : down.desc;
      std::vector<KernelDesc> candidates =
          candidatePlans(tuned, *m, settings.maxCandidates, device);
      // Compile every candidate in parallel (NVRTC is the slow part), then
      // load each with cubins (no driver JIT) on the block's weight copies.
      std::vector<std::optional<llvm::Expected<CompiledMlp>>> compiled(
          candidates.size());
      {
        llvm::DefaultThreadPool pool(llvm::hardware_concurrency());
        for (size_t c = 0; c < candidates.size(); ++c)
          pool.async([&, c] {
            auto artifact = codegen::compileKernel(
                candidates[c], &KernelCache::global(), /*withCubin=*/true);
            if (!artifact) {
              compiled[c].emplace(artifact.takeError());
              return;
            }
            CompiledMlp program;
            program.spec = base->spec;
            program.spec.tokensMin = range.first;
            program.spec.tokensMax = range.second;
            program.kernels = {gateUp, down};
            CompiledKernel &slot = program.kernels[role];
            slot.desc = candidates[c];
            slot.ptx = std::move(artifact->ptx);
            slot.cubin = std::move(artifact->cubin);
            compiled[c].emplace(std::move(program));
          });
        pool.wait();
      }

      // Correct first: each candidate's whole forward (on this block's
      // weights) against cuBLASLt. The forward also leaves the candidate's
      // intermediate for its down GEMM to read while timed.
      std::vector<std::unique_ptr<DeviceMlp>> passed;
      std::vector<size_t> passedIndex;
      for (size_t c = 0; c < candidates.size(); ++c) {
        auto &program = *compiled[c];
        llvm::Expected<std::unique_ptr<DeviceMlp>> candidate =
            program ? DeviceMlp::create(gpu, *program, 0, &mlp)
                    : llvm::Expected<std::unique_ptr<DeviceMlp>>(
                          program.takeError());
        if (!candidate) {
          log << "  " << describe(candidates[c]) << ": "
              << llvm::toString(candidate.takeError()) << "\n";
          continue;
        }
        DeviceMlp &run = **candidate;
        if (auto e = gpu.kernels().poison(b.y(0), size_t(*m) * h, stream))
          return e;
        if (auto e = run.forward(b.x(0), b.y(0), *m, stream))
          return e;
        auto err = relativeError(gpu, b.y(0), yRef, size_t(*m) * h, spec.dtype);
        if (!err)
          return err.takeError();
        if (!(*err <= 1e-2)) {
          if (c == 0)
            return fail("the heuristic's plan differs from cuBLASLt at M = " +
                        llvm::Twine(*m));
          log << "  " << describe(candidates[c])
              << ": rejected, relative error " << *err << "\n";
          continue;
        }
        passed.push_back(std::move(*candidate));
        passedIndex.push_back(c);
      }
      if (passed.empty())
        return fail("no candidate plan ran");
      // All candidates timed interleaved (timeInterleaved): timed one after
      // another, identical plans read up to 23% apart on the H200.
      std::vector<std::function<llvm::Error(int)>> variants;
      for (const std::unique_ptr<DeviceMlp> &run : passed)
        variants.push_back([&, run = run.get()](int r) {
          return role == 0 ? run->gateUp(b.x(r), *m, stream, r)
                           : run->down(b.y(r), *m, stream, r);
        });
      // Each variant's median, all timed interleaved.
      auto timeAll =
          [&](const std::vector<std::function<llvm::Error(int)>> &timed,
              std::vector<double> &us) -> llvm::Error {
        auto times =
            timeInterleaved(d, stream, timed, perGraph, settings.warmup,
                            settings.reps, settings.settleMs);
        if (!times)
          return times.takeError();
        for (const TimingResult &t : *times)
          us.push_back(t.medianUs);
        return llvm::Error::success();
      };
      std::vector<double> interleavedUs, aloneUs, forwardUs;
      if (settings.timing != TuneTiming::Alone)
        if (auto e = timeAll(variants, interleavedUs))
          return e;
      if (settings.timing == TuneTiming::Alone ||
          settings.timing == TuneTiming::Both)
        for (const auto &variant : variants) {
          auto time =
              timeWithGraph(d, stream, variant, perGraph, settings.warmup,
                            settings.reps, settings.settleMs);
          if (!time)
            return time.takeError();
          aloneUs.push_back(time->medianUs);
        }
      if (settings.timing == TuneTiming::Forward) {
        std::vector<std::function<llvm::Error(int)>> forwards;
        for (const std::unique_ptr<DeviceMlp> &run : passed)
          forwards.push_back([&, run = run.get()](int r) {
            return run->forward(b.x(r), b.y(r), *m, stream, r);
          });
        if (auto e = timeAll(forwards, forwardUs))
          return e;
      }
      // The GEMM's own times (the table's "us"), and what picks: the
      // forwards where timed, else the GEMM's.
      const std::vector<double> &gemmUs =
          interleavedUs.empty() ? aloneUs : interleavedUs;
      const std::vector<double> &pickUs =
          forwardUs.empty() ? gemmUs : forwardUs;

      double bestUs = 0, baseUs = 0, baseAloneUs = 0;
      std::optional<size_t> bestPassed; // index into passed
      for (size_t p = 0; p < passed.size(); ++p) {
        const size_t c = passedIndex[p];
        const double us = pickUs[p];
        if (c == 0) {
          baseUs = us;
          baseAloneUs = aloneUs.empty() ? 0 : aloneUs[p];
        }
        if (settings.calibration) {
          const KernelDesc &k = candidates[c];
          const llvm::json::Object plan{
              {"shape", label},
              {"role", role == 0 ? "gate_up" : "down"},
              {"template", k.templateName},
              {"n", k.n},
              {"k", k.k},
              {"gated", isGated(k.epilogue)},
              {"m", *m},
              {"tileM", k.tileM},
              {"tileN", k.tileN},
              {"stages", k.stages},
              {"splitK", k.splitK},
              {"clusterM", k.clusterM},
              {"swapAB", k.swapAB},
              {"heuristic", c == 0},
              {"estimate_us",
               estimateMicros(problemOf(k, device), k.plan(), *m)},
              {"sm_count", device.smCount},
              {"memory_gbs",
               memoryGBs > 0 ? memoryGBs : DeviceModel::kFittedMemoryGBs},
              {"settle_ms", settings.settleMs},
              {"l2_bytes", l2Bytes},
              {"weight_copies", copies}};
          // One row per timing taken; "interleaved" says which.
          for (bool interleaved : {true, false}) {
            const std::vector<double> &rowUs =
                interleaved ? interleavedUs : aloneUs;
            if (rowUs.empty())
              continue;
            llvm::json::Object row = plan;
            row["us"] = rowUs[p];
            row["interleaved"] = interleaved;
            if (interleaved && !forwardUs.empty())
              row["forward_us"] = forwardUs[p];
            // Flushed per row: a run cut short by a time limit keeps its rows.
            *settings.calibration << llvm::json::Value(std::move(row)) << "\n";
            settings.calibration->flush();
          }
        }
        if (!bestPassed || us < bestUs) {
          bestUs = us;
          bestPassed = p;
        }
      }
      const KernelDesc &w = candidates[passedIndex[*bestPassed]];
      log << llvm::format(
          "[%s] %-7s M=%-5lld heuristic %-24s %8.1f us -> %-24s "
          "%8.1f us (%zu candidates)\n",
          label.str().c_str(), role == 0 ? "gate_up" : "down", (long long)*m,
          describe(tuned).c_str(), baseUs, describe(w).c_str(), bestUs,
          candidates.size());
      // Both timings: the alone one's pick too, where the two may disagree.
      if (!interleavedUs.empty() && !aloneUs.empty()) {
        const size_t a = size_t(
            std::min_element(aloneUs.begin(), aloneUs.end()) - aloneUs.begin());
        log << llvm::format(
            "  alone: heuristic %8.1f us, fastest %s %8.1f us\n", baseAloneUs,
            describe(candidates[passedIndex[a]]).c_str(), aloneUs[a]);
      }
      // Forward timing: the line above is in forwards; the GEMM's own times
      // beside it, with the fastest by them.
      if (!forwardUs.empty()) {
        const size_t g = size_t(std::min_element(gemmUs.begin(), gemmUs.end()) -
                                gemmUs.begin());
        log << llvm::format("  (whole forwards) the GEMM alone: heuristic "
                            "%8.1f us, the pick %8.1f us, fastest %s %8.1f "
                            "us\n",
                            gemmUs[0], gemmUs[*bestPassed],
                            describe(candidates[passedIndex[g]]).c_str(),
                            gemmUs[g]);
      }
      TunedPlan entry;
      static_cast<GemmShape &>(entry) = w.shape();
      entry.plan = w.plan();
      entry.m = *m;
      entry.us = gemmUs[*bestPassed];
      entry.device = gpu.name();
      table.insert(entry);
    }
  }
  return llvm::Error::success();
}
